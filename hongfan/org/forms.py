from __future__ import annotations

from typing import Any

from django import forms

from hongfan.core.forms import set_queryset
from hongfan.org.choices import CultivationDirection, CultivationOutcome, Ethnicity
from hongfan.org.models import Branch, Department, PartyGroup, Person

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonForm(forms.ModelForm):
    id_number = forms.CharField(
        label="身份证号",
        max_length=18,
        required=False,
        help_text="18位，末位可为X；保存后加密存储、脱敏显示",
    )
    mobile = forms.CharField(label="手机号", max_length=20, required=False)
    ethnicity = forms.ChoiceField(label="民族", choices=Ethnicity.choices, initial="汉族")

    class Meta:
        model = Person
        fields = [
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "education",
            "department",
            "post",
            "title",
            "is_middle_cadre",
            "is_department_head",
            "is_senior_expert",
            "political_status",
            "joined_on",
            "full_member_on",
            "branch",
            "party_group",
        ]
        widgets = {"birth_date": DATE, "joined_on": DATE, "full_member_on": DATE}

    def __init__(
        self, *args: Any, hospital_id: int, branches: Any, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(
            self,
            "department",
            Department.objects.filter(hospital_id=hospital_id, active=True).order_by(
                "kind", "name"
            ),
        )
        set_queryset(self, "branch", branches)
        set_queryset(
            self,
            "party_group",
            PartyGroup.objects.filter(branch__in=branches).select_related("branch"),
        )
        if editing:
            self.fields["id_number"].help_text = "留空则不修改；当前值已脱敏"
            self.fields["mobile"].help_text = "留空则不修改"

    def business_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in {"id_number", "mobile"}}


class TransferForm(forms.Form):
    to_branch = forms.ModelChoiceField(label="转入支部", queryset=Branch.objects.none())
    on = forms.DateField(label="转接日期", widget=DATE)
    reason = forms.CharField(label="原因", max_length=200)

    def __init__(self, *args: Any, branches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "to_branch", branches)


class LeaveForm(forms.Form):
    on = forms.DateField(label="离开日期", widget=DATE)
    reason = forms.CharField(
        label="离开原因", max_length=100, help_text="如：调出、退休、辞职、去世"
    )


class DevelopmentStartForm(forms.Form):
    person = forms.ModelChoiceField(label="申请人", queryset=Person.objects.none())
    branch = forms.ModelChoiceField(label="所在支部", queryset=Branch.objects.none())
    applied_on = forms.DateField(label="递交入党申请书日期", widget=DATE)
    introducers = forms.CharField(label="入党介绍人", max_length=60, required=False)

    def __init__(self, *args: Any, people: Any, branches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "person", people)
        set_queryset(self, "branch", branches)


class DevelopmentForm(forms.Form):
    applied_on = forms.DateField(label="递交入党申请书", widget=DATE)
    talked_on = forms.DateField(label="党组织派人谈话", widget=DATE, required=False)
    activist_on = forms.DateField(label="确定为入党积极分子", widget=DATE, required=False)
    candidate_on = forms.DateField(label="确定为发展对象", widget=DATE, required=False)
    reviewed_on = forms.DateField(label="政治审查完成", widget=DATE, required=False)
    training_hours = forms.IntegerField(label="集中培训学时", min_value=0, max_value=500, initial=0)
    probation_on = forms.DateField(label="接收为预备党员", widget=DATE, required=False)
    extension_months = forms.IntegerField(
        label="延长预备期（月，0为不延长）", min_value=0, max_value=24, initial=0
    )
    full_on = forms.DateField(label="转为正式党员", widget=DATE, required=False)
    introducers = forms.CharField(label="入党介绍人", max_length=60, required=False)


class StopForm(forms.Form):
    reason = forms.CharField(label="终止原因", max_length=200)


class CultivationForm(forms.Form):
    person = forms.ModelChoiceField(label="培养对象", queryset=Person.objects.none())
    direction = forms.ChoiceField(label="方向", choices=CultivationDirection.choices)
    started_on = forms.DateField(label="开始培养", widget=DATE)
    mentor = forms.ModelChoiceField(
        label="培养联系人", queryset=Person.objects.none(), required=False
    )
    goal = forms.CharField(label="培养目标", max_length=100, required=False)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "person", people)
        set_queryset(self, "mentor", people)


class CultivationCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="结果",
        choices=[
            (CultivationOutcome.ACHIEVED.value, CultivationOutcome.ACHIEVED.label),
            (CultivationOutcome.STOPPED.value, CultivationOutcome.STOPPED.label),
        ],
    )
    on = forms.DateField(label="日期", widget=DATE)
    note = forms.CharField(label="说明", max_length=200, required=False)
