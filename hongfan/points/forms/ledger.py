"""Forms of the ledger: an award or deduction by hand, a reversal."""

from __future__ import annotations

from typing import Any

from django import forms

from hongfan.core.forms import DayField, IdChoice, set_queryset
from hongfan.org.forms.widgets import DATE
from hongfan.org.models import Person
from hongfan.points.models import PointRule


class ManualAwardForm(forms.Form):
    person = IdChoice(label="党员", queryset=Person.objects.none())
    rule = IdChoice(label="积分规则", queryset=PointRule.objects.none())
    occurred_on = DayField(label="发生日期", widget=DATE)
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
