"""Forms of activities: plan (with its shifts), cancel, and the list's filters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.forms.utils import ErrorDict
from django.utils import timezone

from hongfan.core.forms import DayField, IdChoice, IdMultipleChoice, LenientText, SearchSelect
from hongfan.org.forms.widgets import DATE
from hongfan.org.models import Branch, Department, Person
from hongfan.service.models import Place, ServiceMeasure
from hongfan.service.services.activity import PLANNED_KINDS, SHIFTS_MAX, ActivityPlan, ShiftSpec

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _at(day: Any, moment: Any) -> datetime | None:
    if day is None or moment is None:
        return None
    return datetime.combine(day, moment, tzinfo=timezone.get_current_timezone())


def person_label(person: Person) -> str:
    dept = person.department.name if person.department_id and person.department else ""
    return f"{person.name}（{dept}）" if dept else person.name


class PersonChoice(IdChoice):
    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


class PlaceChoice(IdChoice):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.township} · {obj.name}" + ("" if obj.active else "（已停用）")


class MeasureChoice(IdChoice):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name + ("" if obj.active else "（已停用）")


class ActivityForm(forms.Form):
    """An activity on one day: its times, deadlines and the rest of the plan. The shifts
    come from ``ShiftFormSet`` beside it."""

    HOSPITAL = "hospital"

    organiser = forms.ChoiceField(label="组织单位")
    kind = forms.ChoiceField(
        label="活动类型", choices=[("", "请选择"), *[(k.value, k.label) for k in PLANNED_KINDS]]
    )
    title = forms.CharField(label="活动名称", max_length=100)
    measure = MeasureChoice(
        label="服务举措", queryset=ServiceMeasure.objects.none(), empty_label="请选择"
    )
    day = DayField(label="日期", widget=DATE)
    start = forms.TimeField(label="开始时间", widget=TIME)
    end = forms.TimeField(label="结束时间", widget=TIME)
    place = PlaceChoice(label="服务地点", queryset=Place.objects.none(), empty_label="请选择")
    place_detail = forms.CharField(label="具体位置", max_length=100, required=False)
    signup_day = DayField(label="报名截止日期", widget=DATE)
    signup_time = forms.TimeField(label="报名截止时间", widget=TIME)
    cancel_day = DayField(label="取消报名截止日期", widget=DATE)
    cancel_time = forms.TimeField(label="取消报名截止时间", widget=TIME)
    departments = IdMultipleChoice(
        label="需要的科室",
        queryset=Department.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text="可多选，不选表示不限",
    )
    skills = forms.CharField(label="需要的技能", max_length=200, required=False)
    open_to_staff = forms.BooleanField(label="非党员职工可报名", required=False, initial=True)
    description = forms.CharField(
        label="活动内容", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args: Any, branches: Any, hospital_allowed: bool, measures: Any, places: Any,
        departments: Any, **kw: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kw)
        choices = [(str(b.pk), b.name) for b in branches]
        if hospital_allowed:
            choices = [(self.HOSPITAL, "医院党委（全院活动）"), *choices]
        self.fields["organiser"].choices = [("", "请选择"), *choices]  # type: ignore[attr-defined]
        self.branches = {str(b.pk): b for b in branches}
        self.fields["measure"].queryset = measures  # type: ignore[attr-defined]
        self.fields["place"].queryset = places  # type: ignore[attr-defined]
        self.fields["departments"].queryset = departments  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        organiser = data.get("organiser")
        data["branch"] = self.branches.get(organiser or "")
        data["starts_at"] = _at(data.get("day"), data.get("start"))
        data["ends_at"] = _at(data.get("day"), data.get("end"))
        data["signup_deadline"] = _at(data.get("signup_day"), data.get("signup_time"))
        data["cancel_deadline"] = _at(data.get("cancel_day"), data.get("cancel_time"))
        return data

    def plan(self, shifts: BaseShiftFormSet) -> ActivityPlan:
        """The plan the services take, from this form (valid) and its shifts (valid)."""
        d = self.cleaned_data
        return ActivityPlan(
            kind=d["kind"],
            title=d["title"],
            measure=d["measure"],
            place=d["place"],
            starts_at=d["starts_at"],
            ends_at=d["ends_at"],
            signup_deadline=d["signup_deadline"],
            cancel_deadline=d["cancel_deadline"],
            shifts=shifts.specs(d["day"]),
            place_detail=d["place_detail"],
            description=d["description"],
            departments=list(d["departments"] or []),
            skills=d["skills"],
            open_to_staff=d["open_to_staff"],
        )


class ShiftForm(forms.Form):
    # The shift this row shows (a row added on the page has none): kept with its sign-ups.
    pk = forms.IntegerField(
        label="班次", min_value=1, max_value=2**31 - 1, required=False, widget=forms.HiddenInput
    )
    label = forms.CharField(label="班次名称", max_length=40, required=False)
    start = forms.TimeField(label="开始", widget=TIME, required=False)
    end = forms.TimeField(label="结束", widget=TIME, required=False)
    capacity = forms.IntegerField(label="名额", min_value=1, max_value=500, required=False)
    lead = PersonChoice(
        label="带队人",
        queryset=Person.objects.none(),
        required=False,
        empty_label="输入姓名搜索",
        widget=SearchSelect,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled = [data.get(n) for n in ("start", "end", "capacity")]
        if any(v is not None for v in filled) and not all(v is not None for v in filled):
            raise forms.ValidationError("请填写班次的开始、结束时间和名额")
        return data


class BaseShiftFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, leads: Any, search: str, **kw: Any) -> None:
        self.leads, self.search = leads, search
        super().__init__(*args, **kw)

    def add_fields(self, form: Any, index: Any) -> None:
        """Every row (and the empty row the page copies) searches the hospital's people."""
        super().add_fields(form, index)
        form.fields["lead"].queryset = self.leads
        form.fields["lead"].widget.attrs.update(
            {"data-search": self.search, "placeholder": "输入姓名搜索"}
        )

    def with_row_added(self) -> BaseShiftFormSet:
        """The same posted rows and one empty row more (the page's "添加班次" without
        JavaScript), shown without errors: nothing was saved yet."""
        data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict
        key = f"{self.prefix}-TOTAL_FORMS"
        data[key] = str(min(self.total_form_count() + 1, SHIFTS_MAX))
        grown = type(self)(
            data, initial=self.initial, prefix=self.prefix, leads=self.leads, search=self.search
        )
        grown._errors, grown._non_form_errors = [], grown.error_class()  # type: ignore[attr-defined]
        for f in grown.forms:
            f._errors = ErrorDict()
        return grown

    def specs(self, day: Any) -> list[ShiftSpec]:
        out = []
        for f in self.forms:
            d = f.cleaned_data if hasattr(f, "cleaned_data") else {}
            if d.get("start") is None:
                continue
            out.append(
                ShiftSpec(
                    starts_at=_at(day, d["start"]),  # type: ignore[arg-type]
                    ends_at=_at(day, d["end"]),  # type: ignore[arg-type]
                    capacity=d["capacity"],
                    label=d.get("label") or "",
                    lead=d.get("lead"),
                    pk=d.get("pk"),
                )
            )
        return out


ShiftFormSet = forms.formset_factory(
    ShiftForm, formset=BaseShiftFormSet, extra=0, max_num=SHIFTS_MAX, absolute_max=SHIFTS_MAX,
    validate_max=True,
)  # fmt: skip


class CancelForm(forms.Form):
    reason = forms.CharField(label="取消原因", max_length=200)


class ActivityFilterForm(forms.Form):
    """The list's filters, read leniently: a bad value is ignored, never an error page."""

    month = forms.TypedChoiceField(
        choices=[("", "全年"), *[(str(m), f"{m}月") for m in range(1, 13)]],
        coerce=int,
        required=False,
        empty_value=None,
    )
    kind = forms.ChoiceField(required=False)
    status = forms.ChoiceField(required=False)
    measure = IdChoice(queryset=ServiceMeasure.objects.none(), required=False)
    branch = LenientText(required=False, max_length=20)

    def __init__(self, *args: Any, measures: Any, kinds: Any, statuses: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["measure"].queryset = measures  # type: ignore[attr-defined]
        self.fields["kind"].choices = [("", "全部"), *kinds]  # type: ignore[attr-defined]
        self.fields["status"].choices = [("", "全部"), *statuses]  # type: ignore[attr-defined]

    def chosen(self) -> dict[str, Any]:
        """The valid filters (an invalid one is left out, as if not given)."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


def branch_choice(branches: Any, raw: str) -> Branch | None:
    return next((b for b in branches if str(b.pk) == raw), None)
