"""The roster form: a person ticked present, on leave or absent."""

from __future__ import annotations

from django import forms

from hongfan.orglife.choices import AttendanceStatus


class AttendanceForm(forms.Form):
    person = forms.IntegerField()
    status = forms.ChoiceField(choices=AttendanceStatus.choices)
    reason = forms.CharField(max_length=200, required=False)
