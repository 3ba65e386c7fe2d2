"""Forms of 季度之星: a selection's rules, a new selection, taking a person off the list.

A new selection's rules start from the model's defaults (one place: ``StarSelection``'s
fields), so that what the form offers is what a selection made without them would hold."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Field

from hongfan.points import periods
from hongfan.recognition.choices import QuotaMode
from hongfan.recognition.models import StarSelection


def rule_default(name: str) -> Any:
    """The default of a rule of ``StarSelection`` (its field's default)."""
    field = StarSelection._meta.get_field(name)
    assert isinstance(field, Field)
    return field.get_default()


class StarRulesForm(forms.Form):
    quota_mode = forms.ChoiceField(
        label="名额方式", choices=QuotaMode.choices, initial=rule_default("quota_mode")
    )
    quota = forms.IntegerField(
        label="名额", help_text="全院总名额，或每个支部的名额", initial=rule_default("quota")
    )
    min_points = forms.DecimalField(
        label="最低季度积分",
        max_digits=8,
        decimal_places=1,
        help_text="季度积分须不低于此数且高于0",
        initial=rule_default("min_points"),
    )
    min_attendance_share = forms.DecimalField(
        label="组织生活出勤率下限",
        max_digits=4,
        decimal_places=2,
        help_text="0到1之间，如0.8表示80%；0为不限",
        initial=rule_default("min_attendance_share"),
    )
    exclude_complaints = forms.BooleanField(
        label="本季度有经核实的投诉扣分者不参评",
        required=False,
        initial=rule_default("exclude_complaints"),
    )
    notice_workdays = forms.IntegerField(
        label="公示期（工作日）",
        help_text="按国家法定工作日计算",
        initial=rule_default("notice_workdays"),
    )


class StarCreateForm(StarRulesForm):
    year = forms.IntegerField(label="年度")
    quarter = forms.TypedChoiceField(
        label="季度",
        coerce=int,
        choices=[(q, f"第{cn}季度") for q, cn in periods.QUARTER_CN.items()],
    )
    field_order = [
        "year",
        "quarter",
        "quota_mode",
        "quota",
        "min_points",
        "min_attendance_share",
        "exclude_complaints",
        "notice_workdays",
    ]


class RemoveForm(forms.Form):
    person = forms.IntegerField()
    reason = forms.CharField(max_length=200)
