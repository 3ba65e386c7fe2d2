"""Forms of 互联网+护理服务: the public booking and status check (no more than they need),
the nursing office's triage, refusal, assignment and closing, the nurse's visit record,
the catalogue, the nurses and the city's rule."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms

from hongfan.core.forms import DayField, IdChoice, IdModelForm
from hongfan.service.choices import NurseTitle, PatientKind, RiskLevel
from hongfan.service.models import NursingService

_INPUT = {"class": "form-control"}


class BookingForm(forms.Form):
    """The public booking. The service is picked among the hospital's active services,
    given as (id, label) pairs: the page is public, so it is handed no rows."""

    service = forms.TypedChoiceField(
        label="需要的服务",
        coerce=int,
        error_messages={
            "required": "请选择需要的服务",
            "invalid_choice": "本院未开展该护理服务，请从列表中选择",
        },
    )
    patient_kind = forms.ChoiceField(
        label="服务对象",
        choices=[("", "请选择"), *PatientKind.choices],
        error_messages={"required": "请选择服务对象", "invalid_choice": "请选择服务对象"},
    )
    patient_name = forms.CharField(
        label="患者姓名", max_length=30, error_messages={"required": "请填写患者姓名"}
    )
    mobile = forms.CharField(
        label="联系电话",
        max_length=11,
        error_messages={"required": "请填写手机号码"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    address = forms.CharField(
        label="上门地址", max_length=120, error_messages={"required": "请填写上门地址"}
    )
    note = forms.CharField(
        label="病情及需求（选填）",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, services: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "请选择"), *services]


class StatusForm(forms.Form):
    reference = forms.CharField(
        label="预约编号", max_length=20, error_messages={"required": "请填写预约编号"}
    )
    last4 = forms.RegexField(
        label="手机号后4位",
        regex=r"^\d{4}$",
        max_length=4,
        error_messages={"required": "请填写手机号后4位", "invalid": "请填写手机号后4位数字"},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class TriageForm(forms.Form):
    risk_level = forms.ChoiceField(
        label="风险等级",
        choices=[("", "请选择"), *RiskLevel.choices],
        error_messages={"required": "请选择风险等级", "invalid_choice": "请选择风险等级"},
    )
    assessment = forms.CharField(
        label="首次评估",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写首次评估意见"},
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label="不予受理原因",
        max_length=200,
        error_messages={"required": "请填写不予受理的原因"},
    )


class AssignForm(forms.Form):
    nurse = IdChoice(
        label="上门护士",
        queryset=None,
        empty_label="请选择",
        error_messages={"required": "请选择护士", "invalid_choice": "请从本院登记的护士中选择"},
    )

    def __init__(self, *args: Any, nurses: Any, labels: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["nurse"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = nurses
        field.label_from_instance = lambda p: f"{p.name}{labels.get(p.pk, '')}"  # type: ignore[method-assign,assignment]


class VisitForm(forms.Form):
    arrived_at = forms.DateTimeField(
        label="到达时间",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": "请填写到达时间", "invalid": "到达时间格式不正确"},
    )
    what_done = forms.CharField(
        label="护理内容",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写护理内容"},
    )
    consumables = forms.CharField(label="使用耗材（选填）", max_length=200, required=False)
    next_visit_on = DayField(
        label="下次上门（选填）",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "日期格式不正确"},
    )

    def clean_arrived_at(self) -> datetime:
        value = self.cleaned_data["arrived_at"]
        if not 2000 <= value.year <= 2199:
            raise forms.ValidationError("到达时间不正确")
        return value


class ServiceForm(IdModelForm):
    class Meta(IdModelForm.Meta):
        model = NursingService
        fields = ["category", "name", "description", "active", "order"]


class NurseForm(forms.Form):
    person = IdChoice(
        label="护士",
        queryset=None,
        empty_label="请选择",
        error_messages={"required": "请选择护士", "invalid_choice": "请从本院护理人员中选择"},
    )
    clinical_since = DayField(
        label="从事临床护理起始",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写起始日期", "invalid": "日期格式不正确"},
    )
    title = forms.TypedChoiceField(
        label="护理职称",
        coerce=int,
        choices=NurseTitle.choices,
        error_messages={"invalid_choice": "请选择职称"},
    )
    active = forms.BooleanField(label="可派单", required=False, initial=True)

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)
        if people is None:  # editing: the person is fixed
            del self.fields["person"]
        else:
            field.queryset = people
            field.label_from_instance = lambda p: f"{p.name}（{p.title}）"  # type: ignore[method-assign,assignment]


class RuleForm(forms.Form):
    effective_from = DayField(
        label="生效日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写生效日期", "invalid": "日期格式不正确"},
    )
    min_clinical_years = forms.IntegerField(
        label="临床护理最少年限",
        min_value=0,
        max_value=40,
        error_messages={
            "required": "请填写年限",
            "invalid": "请填写整数",
            "min_value": "年限须在0到40之间",
            "max_value": "年限须在0到40之间",
        },
    )
    min_title = forms.TypedChoiceField(
        label="最低职称",
        coerce=int,
        choices=NurseTitle.choices,
        initial=NurseTitle.SENIOR_NURSE,
        error_messages={"invalid_choice": "请选择最低职称"},
    )
    promise_hours = forms.IntegerField(
        label="承诺上门时限（小时）",
        min_value=1,
        max_value=168,
        initial=24,
        error_messages={
            "required": "请填写承诺时限",
            "invalid": "请填写整数",
            "min_value": "承诺时限须在1到168小时之间",
            "max_value": "承诺时限须在1到168小时之间",
        },
    )
