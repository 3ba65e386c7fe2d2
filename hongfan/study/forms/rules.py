"""The form of the yearly study-hour targets (学时目标)."""

from __future__ import annotations

from django import forms

from hongfan.core.forms import DayField
from hongfan.org.forms.widgets import DATE


class StudyRuleForm(forms.Form):
    effective_from = DayField(label="生效日期", widget=DATE)
    member_target_hours = forms.IntegerField(
        label="党员年度学习目标（学时）", min_value=1, max_value=1000
    )
    committee_target_hours = forms.IntegerField(
        label="支部书记、支委年度学习目标（学时）", min_value=1, max_value=1000
    )
    read_min_seconds = forms.IntegerField(
        label="读完全文最短停留（秒）",
        min_value=10,
        max_value=3600,
        help_text="文章读到末尾时，至少停留这么久才记为完成（预计时长更短的按预计时长）",
    )
