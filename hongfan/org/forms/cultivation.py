"""Forms for 双培养: register, close."""

from __future__ import annotations

from typing import Any

from django import forms

from hongfan.core.forms import DayField, IdChoice, set_queryset
from hongfan.org.choices import CultivationDirection, CultivationOutcome
from hongfan.org.forms.widgets import DATE
from hongfan.org.models import Person


class CultivationForm(forms.Form):
    person = IdChoice(label="培养对象", queryset=Person.objects.none())
    direction = forms.ChoiceField(label="方向", choices=CultivationDirection.choices)
    started_on = DayField(label="开始培养", widget=DATE)
    mentor = IdChoice(label="培养联系人", queryset=Person.objects.none(), required=False)
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
    on = DayField(label="日期", widget=DATE)
    note = forms.CharField(label="说明", max_length=200, required=False)
