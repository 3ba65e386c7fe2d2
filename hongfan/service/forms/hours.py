"""Forms of hours: the organiser's confirmation (travel minutes per person, service or
training), a correction, and the record and export filters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from hongfan.core.forms import LenientText
from hongfan.service.choices import HourKind
from hongfan.service.models import Signup

YEAR_MIN = 2000


class ConfirmForm(forms.Form):
    kind = forms.ChoiceField(
        label="时长类别",
        choices=HourKind.choices,
        initial=HourKind.SERVICE,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "时长类别无效"},
    )

    def __init__(self, *args: Any, signups: list[Signup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.signups = signups
        for s in signups:
            length = int((s.shift.ends_at - s.shift.starts_at).total_seconds() // 60)
            self.fields[f"excluded_{s.pk}"] = forms.IntegerField(
                label=s.person.name,
                min_value=0,
                max_value=length,
                initial=s.excluded_minutes,
                required=False,
                error_messages={
                    "min_value": "扣除时间不能为负数",
                    "max_value": f"扣除时间不能超过班次时长{length}分钟",
                    "invalid": "请填写分钟数",
                },
            )

    def excluded(self) -> dict[int, int]:
        return {s.pk: self.cleaned_data.get(f"excluded_{s.pk}") or 0 for s in self.signups}


class CorrectForm(forms.Form):
    hours = forms.DecimalField(
        label="更正后时长（小时）",
        min_value=Decimal(0),
        max_value=Decimal(24),
        max_digits=4,
        decimal_places=1,
        error_messages={
            "min_value": "时长不能为负数",
            "max_value": "时长不能超过24小时",
            "max_decimal_places": "时长最多保留1位小数",
            "max_digits": "时长格式不正确",
            "invalid": "请填写数字",
        },
    )
    reason = forms.CharField(label="更正原因", max_length=150)


class ExportForm(forms.Form):
    year = forms.IntegerField(
        label="年度",
        min_value=YEAR_MIN,
        max_value=2100,
        error_messages={"min_value": "年度不正确", "max_value": "年度不正确"},
    )
    reason = LenientText(label="导出用途", max_length=200, required=False)

    def clean_reason(self) -> str:
        value = (self.cleaned_data.get("reason") or "").strip()
        if not value:
            raise forms.ValidationError("请填写导出用途（将记入审计日志）")
        return value
