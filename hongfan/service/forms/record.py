"""Forms of what an activity did: the record (people served by service), a household of a
home visit, a photo."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from hongfan.core.forms import DayField
from hongfan.org.forms.widgets import DATE
from hongfan.service.choices import ServedKind

NUMBER = {"inputmode": "numeric", "min": "0"}


class RecordForm(forms.Form):
    people_served = forms.IntegerField(
        label="服务人数", min_value=0, max_value=100_000, widget=forms.NumberInput(attrs=NUMBER)
    )
    referrals = forms.IntegerField(
        label="转诊人数",
        min_value=0,
        max_value=100_000,
        initial=0,
        widget=forms.NumberInput(attrs=NUMBER),
    )
    materials = forms.IntegerField(
        label="发放资料（份）",
        min_value=0,
        max_value=100_000,
        initial=0,
        widget=forms.NumberInput(attrs=NUMBER),
    )
    medicine_value = forms.DecimalField(
        label="赠送药品价值（元）", min_value=Decimal(0), max_value=Decimal("9999999.99"),
        max_digits=10, decimal_places=2, initial=0,
    )  # fmt: skip
    summary = forms.CharField(
        label="服务小结", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        for kind, label in ServedKind.choices:
            self.fields[f"served_{kind}"] = forms.IntegerField(
                label=f"{label}（人次）",
                min_value=0,
                max_value=100_000,
                required=False,
                widget=forms.NumberInput(attrs=NUMBER),
            )

    def counts(self) -> dict[str, int]:
        return {k: self.cleaned_data.get(f"served_{k}") or 0 for k in ServedKind.values}


class HouseholdForm(forms.Form):
    name = forms.CharField(label="户主姓名", max_length=30)
    mobile = forms.CharField(label="联系电话", max_length=11, required=False)
    address = forms.CharField(label="住址", max_length=200, required=False)
    what_done = forms.CharField(
        label="服务内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up_needed = forms.BooleanField(label="需要随访", required=False)
    follow_up_due = DayField(label="随访日期", required=False, widget=DATE)
    follow_up_note = forms.CharField(label="随访事项", max_length=200, required=False)


class PhotoForm(forms.Form):
    file = forms.FileField(label="照片")
    caption = forms.CharField(label="说明", max_length=100, required=False)
