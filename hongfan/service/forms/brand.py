"""Forms of the brand and its measures."""

from __future__ import annotations

from django import forms


class BrandForm(forms.Form):
    name = forms.CharField(label="品牌名称", max_length=50)
    slogan = forms.CharField(label="品牌口号", max_length=100, required=False)
    description = forms.CharField(
        label="品牌简介",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class MeasureForm(forms.Form):
    name = forms.CharField(label="举措名称", max_length=60)
    description = forms.CharField(
        label="举措说明", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    order = forms.IntegerField(label="排序（小的在前）", min_value=0, max_value=999, initial=1)


class MeasureEditForm(MeasureForm):
    active = forms.BooleanField(label="在用（取消勾选即停用，历史活动仍计入）", required=False)
