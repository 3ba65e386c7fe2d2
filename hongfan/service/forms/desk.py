"""Forms of the 红帆驿站: a desk, a roster from a pattern, a help line, a shift swap."""

from __future__ import annotations

from typing import Any

from django import forms

from hongfan.core.forms import DayField, IdChoice, SearchSelect
from hongfan.org.forms.widgets import DATE
from hongfan.service.choices import HelpKind

WEEKDAYS = [
    ("0", "周一"),
    ("1", "周二"),
    ("2", "周三"),
    ("3", "周四"),
    ("4", "周五"),
    ("5", "周六"),
    ("6", "周日"),
]


def person_label(person: Any) -> str:
    dept = person.department.name if person.department_id and person.department else ""
    return f"{person.name}（{dept}）" if dept else person.name


class PersonChoice(IdChoice):
    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


class DeskForm(forms.Form):
    name = forms.CharField(label="驿站名称", max_length=60)
    location = forms.CharField(label="位置", max_length=100, help_text="如：门诊楼一楼大厅东侧")
    opening_hours = forms.CharField(
        label="开放时间", max_length=100, help_text="如：工作日 07:30-17:30，周末 08:00-12:00"
    )
    phone = forms.CharField(label="服务电话", max_length=30, required=False)
    active = forms.BooleanField(label="在用", required=False, initial=True)


class RosterForm(forms.Form):
    first_day = DayField(label="开始日期", widget=DATE)
    last_day = DayField(label="结束日期", widget=DATE)
    weekdays = forms.MultipleChoiceField(
        label="值班日", choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple
    )
    slots = forms.CharField(
        label="时段",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=300,
        help_text="每行一个时段，如 08:00-12:00",
    )
    places = forms.IntegerField(label="每班名额", min_value=1, max_value=20, initial=2)
    measure = IdChoice(label="服务举措", queryset=None, required=False, empty_label="（自动选择）")
    title = forms.CharField(label="值班表名称", max_length=100, required=False)

    def __init__(self, *args: Any, measures: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["measure"].queryset = measures  # type: ignore[attr-defined]


class HelpForm(forms.Form):
    kind = forms.ChoiceField(label="服务类型", choices=HelpKind.choices)
    count = forms.IntegerField(label="人次", min_value=1, max_value=500, initial=1, required=False)
    note = forms.CharField(label="说明", max_length=200, required=False)


class SwapForm(forms.Form):
    to_person = PersonChoice(
        label="请谁代班", queryset=None, widget=SearchSelect, help_text="输入姓名搜索本院同事"
    )
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args: Any, people: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["to_person"].queryset = people  # type: ignore[attr-defined]
