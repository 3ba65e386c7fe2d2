"""Forms of 党员先锋岗 / 党员示范岗: a post, its staff, its review, a day of duty, the rule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms

from hongfan.core.forms import DayField, IdChoice, IdMultipleChoice, SearchSelect
from hongfan.org.forms.widgets import DATE
from hongfan.service.choices import PostKind, PostReviewResult
from hongfan.service.forms.desk import PersonChoice, person_label


class PeopleChoice(IdMultipleChoice):
    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


class PostForm(forms.Form):
    kind = forms.ChoiceField(label="岗位类型", choices=PostKind.choices)
    name = forms.CharField(label="岗位名称", max_length=60, help_text="如：急诊科党员先锋岗")
    branch = IdChoice(label="所属支部", queryset=None)
    department = IdChoice(label="科室", queryset=None, required=False)
    head = PersonChoice(
        label="岗长", queryset=None, widget=SearchSelect, help_text="须为本院正式党员"
    )
    commitment = forms.CharField(
        label="公开承诺", max_length=1000, widget=forms.Textarea(attrs={"rows": 4})
    )
    designated_on = DayField(label="授牌日期", widget=DATE)

    def __init__(self, *args: Any, branches: Any, departments: Any, people: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["branch"].queryset = branches  # type: ignore[attr-defined]
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]
        self.fields["head"].queryset = people  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    person = PersonChoice(label="职工", queryset=None, widget=SearchSelect)
    joined_on = DayField(label="上岗日期", widget=DATE, required=False)

    def __init__(self, *args: Any, people: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    year = forms.IntegerField(label="评议年度", min_value=2000, max_value=2199)
    result = forms.ChoiceField(label="评议结果", choices=PostReviewResult.choices)
    note = forms.CharField(
        label="评议意见", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DutyForm(forms.Form):
    person = PersonChoice(label="值守党员", queryset=None)
    on = DayField(label="值守日期", widget=DATE)
    note = forms.CharField(label="值守内容", max_length=200, required=False)

    def __init__(self, *args: Any, people: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class RuleForm(forms.Form):
    effective_from = DayField(
        label="生效日期", widget=DATE, initial=lambda: date(date.today().year + 1, 1, 1)
    )
    min_member_share = forms.IntegerField(
        label="党员占岗位人数最低比例（%）", min_value=0, max_value=100, initial=30
    )
    min_size = forms.IntegerField(label="岗位最少人数", min_value=1, max_value=500, initial=3)

    def clean_min_member_share(self) -> Decimal:
        return Decimal(self.cleaned_data["min_member_share"]) / 100
