"""The form of the city's volunteer rule (志愿服务规则)."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms

from hongfan.core.forms import DayField
from hongfan.org.forms.widgets import DATE


class VolunteerRuleForm(forms.Form):
    effective_from = DayField(label="生效日期", widget=DATE)
    yearly_target_hours = forms.IntegerField(
        label="青年职工年度志愿服务目标（小时）", min_value=1, max_value=1000
    )
    young_age_max = forms.IntegerField(label="青年职工年龄上限（周岁）", min_value=18, max_value=60)
    star_thresholds = forms.CharField(
        label="星级门槛（累计小时，1星至5星）",
        max_length=60,
        help_text="5个数，用逗号分隔，如 100,300,600,1000,1500",
    )
    checkin_before_minutes = forms.IntegerField(
        label="班次开始前可扫码签到（分钟）", min_value=0, max_value=240
    )
    checkin_after_minutes = forms.IntegerField(
        label="班次结束后可扫码签到签退（分钟）", min_value=0, max_value=240
    )
    max_hours_per_day = forms.DecimalField(
        label="每人每日最多计时（小时）",
        min_value=Decimal(1),
        max_value=Decimal(24),
        max_digits=3,
        decimal_places=1,
    )

    def clean_star_thresholds(self) -> list[int]:
        raw = self.cleaned_data.get("star_thresholds") or ""
        parts = [p for p in re.split(r"[,，、\s]+", raw) if p]
        if len(parts) != 5 or not all(p.isdigit() and len(p) <= 6 for p in parts):
            raise forms.ValidationError("请填写5个整数，用逗号分隔")
        values = [int(p) for p in parts]
        if values != sorted(set(values)) or values[0] < 1:
            raise forms.ValidationError("星级门槛应从小到大、互不相同")
        return values
