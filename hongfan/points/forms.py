from __future__ import annotations

from typing import Any

from django import forms

from hongfan.core.forms import set_queryset
from hongfan.org.forms.widgets import DATE
from hongfan.org.models import Person
from hongfan.points.choices import RuleCategory
from hongfan.points.models import PointRule


def _cap(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, max_digits=8, decimal_places=1, help_text="留空为不限"
    )


class RuleVersionForm(forms.Form):
    effective_from = forms.DateField(label="生效日期", widget=DATE)
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


class ManualAwardForm(forms.Form):
    person = forms.ModelChoiceField(label="党员", queryset=Person.objects.none())
    rule = forms.ModelChoiceField(label="积分规则", queryset=PointRule.objects.none())
    occurred_on = forms.DateField(label="发生日期", widget=DATE)
    quantity = forms.DecimalField(
        label="数量（如志愿服务小时数）", max_digits=6, decimal_places=1, initial=1
    )
    reason = forms.CharField(label="事由", max_length=200)

    def __init__(self, *args: Any, people: Any, rules: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "person", people)
        set_queryset(self, "rule", rules)


class ReverseForm(forms.Form):
    reason = forms.CharField(label="冲正原因", max_length=150)
