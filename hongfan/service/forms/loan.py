"""Forms of the lending ledger: an item, a lend, a return by mobile, a loss."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from hongfan.service.choices import ItemKind


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label="物品类型", choices=ItemKind.choices)
    name = forms.CharField(label="物品名称", max_length=40)
    stock = forms.IntegerField(label="库存总数", min_value=0, max_value=500)
    deposit = forms.DecimalField(
        label="押金（元）",
        min_value=Decimal(0),
        max_value=Decimal(10000),
        decimal_places=2,
        max_digits=8,
        initial=Decimal(0),
    )
    loan_hours = forms.IntegerField(
        label="借用时限（小时）", min_value=1, max_value=720, initial=24
    )
    active = forms.BooleanField(label="在用", required=False, initial=True)


class LendForm(forms.Form):
    borrower = forms.CharField(label="借用人姓名", max_length=30)
    mobile = forms.CharField(
        label="手机号", max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    note = forms.CharField(label="备注", max_length=200, required=False)


class ReturnForm(forms.Form):
    mobile = forms.CharField(
        label="借用人手机号", max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )


class LostForm(forms.Form):
    note = forms.CharField(label="说明", max_length=100, required=False)
