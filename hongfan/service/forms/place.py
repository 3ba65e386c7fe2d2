"""Forms of the place register."""

from __future__ import annotations

from django import forms

from hongfan.service.choices import PlaceKind


class PlaceForm(forms.Form):
    name = forms.CharField(label="名称", max_length=60, help_text="如：西关村、龙桥社区、实验小学")
    kind = forms.ChoiceField(label="类型", choices=[("", "请选择"), *PlaceKind.choices])
    township = forms.CharField(label="乡镇/街道", max_length=40)
    county = forms.CharField(label="县市区", max_length=40, required=False)


class PlaceEditForm(PlaceForm):
    active = forms.BooleanField(label="在用（取消勾选即停用，历史记录保留）", required=False)
