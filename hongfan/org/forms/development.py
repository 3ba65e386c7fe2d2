"""Forms for 发展党员: start, edit, stop."""

from __future__ import annotations

from typing import Any

from django import forms

from hongfan.core.forms import DayField, IdChoice, SearchSelect, set_queryset
from hongfan.org.choices import DueUnit
from hongfan.org.forms.widgets import DATE
from hongfan.org.models import Branch, Person


class DevelopmentStartForm(forms.Form):
    person = IdChoice(label="申请人", queryset=Person.objects.none(), widget=SearchSelect)
    branch = IdChoice(label="所在支部", queryset=Branch.objects.none())
    applied_on = DayField(label="递交入党申请书日期", widget=DATE)
    introducers = forms.CharField(label="入党介绍人", max_length=60, required=False)

    def __init__(self, *args: Any, people: Any, branches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "person", people)
        set_queryset(self, "branch", branches)


class StepForm(forms.Form):
    """Record one step: the day it really happened (never a later or an earlier one), the
    reason when it is late, its document."""

    done_on = DayField(
        label="办理日期",
        widget=DATE,
        error_messages={"invalid": "请输入正确的日期，如2026-03-01", "required": "请填写办理日期"},
    )
    late_reason = forms.CharField(
        label="逾期原因（超过办理时限时填写）", max_length=200, required=False
    )
    hours = forms.IntegerField(
        label="培训学时",
        min_value=0,
        max_value=500,
        required=False,
        error_messages={"invalid": "学时须为整数"},
    )
    note = forms.CharField(label="备注", max_length=200, required=False)
    file = forms.FileField(
        label="材料（PDF、Word或照片）",
        required=False,
        error_messages={"invalid": "请选择要上传的文件"},
    )

    def __init__(self, *args: Any, with_hours: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_hours:
            del self.fields["hours"]


class DocumentForm(forms.Form):
    file = forms.FileField(label="材料（PDF、Word或照片）")


class IntroducersForm(forms.Form):
    """入党介绍人: two full members of the hospital, searched as the user types."""

    introducer_1 = IdChoice(
        label="入党介绍人（一）",
        queryset=Person.objects.none(),
        widget=SearchSelect,
        error_messages={"invalid_choice": "只能选择本院在职的正式党员"},
    )
    introducer_2 = IdChoice(
        label="入党介绍人（二）",
        queryset=Person.objects.none(),
        widget=SearchSelect,
        error_messages={"invalid_choice": "只能选择本院在职的正式党员"},
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "introducer_1", people)
        set_queryset(self, "introducer_2", people)


class ExtendForm(forms.Form):
    months = forms.IntegerField(
        label="延长（月）",
        min_value=1,
        max_value=24,
        error_messages={"invalid": "请填写月数", "required": "请填写月数"},
    )
    reason = forms.CharField(label="原因（支部大会决议）", max_length=200)


class StepRulesForm(forms.Form):
    """The city's numbers of each step, one row of fields per step (``<kind>__<field>``)."""

    effective_from = DayField(
        label="生效日期", widget=DATE, error_messages={"invalid": "请输入正确的日期"}
    )

    def __init__(self, *args: Any, rules: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = DueUnit.choices
        self.rows: list[tuple[Any, list[str]]] = []
        for r in rules:
            k = r.kind
            names = []
            fields: dict[str, forms.Field] = {
                "earliest_amount": forms.IntegerField(min_value=0, max_value=400),
                "earliest_unit": forms.ChoiceField(choices=units),
                "latest_amount": forms.IntegerField(min_value=1, max_value=400, required=False),
                "latest_unit": forms.ChoiceField(choices=units),
                "repeat_months": forms.IntegerField(min_value=0, max_value=24),
                "needs_document": forms.BooleanField(required=False),
                "active": forms.BooleanField(required=False),
            }
            for name, field in fields.items():
                field.label = f"{r.label}·{STEP_RULE_LABELS[name]}"
                field.error_messages.update(
                    {
                        "invalid": f"“{r.label}”的{STEP_RULE_LABELS[name]}须为整数",
                        "required": f"请填写“{r.label}”的{STEP_RULE_LABELS[name]}",
                        "max_value": f"“{r.label}”的{STEP_RULE_LABELS[name]}不能大于%(limit_value)s",
                        "min_value": f"“{r.label}”的{STEP_RULE_LABELS[name]}不能小于%(limit_value)s",
                        "invalid_choice": f"“{r.label}”的{STEP_RULE_LABELS[name]}无效，请重新选择",
                    }
                )
                field.initial = getattr(r, name)
                self.fields[f"{k}__{name}"] = field
                names.append(f"{k}__{name}")
            self.rows.append((r, names))

    def table(self) -> list[tuple[Any, dict[str, Any]]]:
        """Each step with its bound fields by name, for the page's table."""
        return [(rule, {n.split("__", 1)[1]: self[n] for n in names}) for rule, names in self.rows]

    def step_values(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for name, value in self.cleaned_data.items():
            if "__" in name:
                kind, field = name.split("__", 1)
                out.setdefault(kind, {})[field] = value
        return out


STEP_RULE_LABELS = {
    "earliest_amount": "最短间隔",
    "earliest_unit": "最短间隔单位",
    "latest_amount": "办理时限",
    "latest_unit": "办理时限单位",
    "repeat_months": "每隔（月）",
    "needs_document": "须上传材料",
    "active": "在用",
}


class StopForm(forms.Form):
    reason = forms.CharField(label="终止原因", max_length=200)
