"""Forms for 发展党员: start, edit, stop."""

from __future__ import annotations

from typing import Any

from django import forms

from hongfan.core.forms import SearchSelect, set_queryset
from hongfan.org.forms.widgets import DATE
from hongfan.org.models import Branch, Person


class DevelopmentStartForm(forms.Form):
    person = forms.ModelChoiceField(
        label="申请人", queryset=Person.objects.none(), widget=SearchSelect
    )
    branch = forms.ModelChoiceField(label="所在支部", queryset=Branch.objects.none())
    applied_on = forms.DateField(label="递交入党申请书日期", widget=DATE)
    introducers = forms.CharField(label="入党介绍人", max_length=60, required=False)

    def __init__(self, *args: Any, people: Any, branches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "person", people)
        set_queryset(self, "branch", branches)


class StepForm(forms.Form):
    """Record one step: the day it really happened (never a later or an earlier one), the
    reason when it is late, its document."""

    done_on = forms.DateField(
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

    introducer_1 = forms.ModelChoiceField(
        label="入党介绍人（一）",
        queryset=Person.objects.none(),
        widget=SearchSelect,
        error_messages={"invalid_choice": "只能选择本院在职的正式党员"},
    )
    introducer_2 = forms.ModelChoiceField(
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


class StopForm(forms.Form):
    reason = forms.CharField(label="终止原因", max_length=200)
