"""Forms of the rule catalogue: a new rule, a new version of a rule."""

from __future__ import annotations

from django import forms

from hongfan.core.forms import DayField
from hongfan.org.forms.widgets import DATE
from hongfan.points.choices import RuleCategory


def _cap(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, max_digits=8, decimal_places=1, help_text="留空为不限"
    )


class RuleVersionForm(forms.Form):
    effective_from = DayField(label="生效日期", widget=DATE)
    points = forms.DecimalField(label="分值（扣分填负数）", max_digits=7, decimal_places=1)
    daily_cap = _cap("每日上限")
    monthly_cap = _cap("每月上限")
    quarterly_cap = _cap("每季度上限")
    yearly_cap = _cap("每年上限")
    needs_approval = forms.BooleanField(label="党员申报需书记审核", required=False)


class RuleCreateForm(RuleVersionForm):
    code = forms.CharField(label="编码", max_length=32)
    name = forms.CharField(label="名称", max_length=60)
    category = forms.ChoiceField(label="类别", choices=RuleCategory.choices)
    field_order = [
        "code",
        "name",
        "category",
        "effective_from",
        "points",
        "daily_cap",
        "monthly_cap",
        "quarterly_cap",
        "yearly_cap",
        "needs_approval",
    ]
