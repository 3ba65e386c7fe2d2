"""Forms of sign-ups: the lead's mark and the volunteer's scan (in or out)."""

from __future__ import annotations

from django import forms

from hongfan.service.services.signup import LEAD_ACTIONS


class MarkForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(a, a) for a in LEAD_ACTIONS], error_messages={"invalid_choice": "操作无效"}
    )


class ScanForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("in", "签到"), ("out", "签退")],
        required=False,
        error_messages={"invalid_choice": "操作无效"},
    )
