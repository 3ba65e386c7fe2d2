"""Forms for people: add/edit, transfer, leave."""

from __future__ import annotations

from typing import Any

from django import forms

from hongfan.core.forms import DayField, IdChoice, IdModelForm, set_queryset
from hongfan.org.choices import Ethnicity
from hongfan.org.forms.widgets import DATE
from hongfan.org.models import Branch, Department, PartyGroup, Person
from hongfan.org.services.people import PERSON_FIELDS


class PersonForm(IdModelForm):
    id_number = forms.CharField(
        label="身份证号",
        max_length=18,
        required=False,
        help_text="18位，末位可为X；保存后加密存储、脱敏显示",
    )
    mobile = forms.CharField(label="手机号", max_length=20, required=False)
    ethnicity = forms.ChoiceField(label="民族", choices=Ethnicity.choices, initial="汉族")

    class Meta(IdModelForm.Meta):
        model = Person
        fields = list(PERSON_FIELDS)  # the fields the service writes
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
    to_branch = IdChoice(label="转入支部", queryset=Branch.objects.none())
    on = DayField(label="转接日期", widget=DATE)
    reason = forms.CharField(label="原因", max_length=200)

    def __init__(self, *args: Any, branches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "to_branch", branches)


class LeaveForm(forms.Form):
    on = DayField(label="离开日期", widget=DATE)
    reason = forms.CharField(
        label="离开原因", max_length=100, help_text="如：调出、退休、辞职、去世"
    )
