"""Forms of 请假: a member's request, and the secretary's answer."""

from __future__ import annotations

from typing import Any

from django import forms


class Text(forms.CharField):
    """Text typed by a person: a NUL byte (which the database refuses) is dropped before the
    usual checks, so that the message is about what is left."""

    def to_python(self, value: Any) -> str:
        if isinstance(value, str):
            value = value.replace("\x00", "")
        return str(super().to_python(value) or "")


class LeaveRequestForm(forms.Form):
    reason = Text(
        label="请假事由",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "如：值班、外出会诊、病假"}),
        error_messages={"required": "请填写请假事由", "max_length": "请假事由不能超过200字"},
    )


class LeaveAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "批准"), ("refuse", "不批准")],
        error_messages={"required": "请选择批准或不批准", "invalid_choice": "请选择批准或不批准"},
    )
    note = Text(
        label="意见",
        max_length=200,
        required=False,
        error_messages={"max_length": "意见不能超过200字"},
    )
    back = forms.CharField(required=False)
