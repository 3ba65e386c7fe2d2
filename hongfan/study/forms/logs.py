"""The forms of self-study entries (学习记录): logging time, and the secretary's decision."""

from __future__ import annotations

from typing import Any

from django import forms

from hongfan.core.dates import today
from hongfan.core.forms import DayField
from hongfan.org.forms.widgets import DATE


class LogForm(forms.Form):
    minutes = forms.IntegerField(
        label="学习时长（分钟）",
        min_value=1,
        max_value=600,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    studied_on = DayField(label="学习日期", widget=DATE)
    note = forms.CharField(
        label="学习体会",
        required=False,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "选填，不超过200字"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["studied_on"].widget.attrs["max"] = today().isoformat()


class DecideForm(forms.Form):
    action = forms.ChoiceField(choices=[("confirm", "确认"), ("reject", "退回")])
    reason = forms.CharField(required=False, max_length=200)
