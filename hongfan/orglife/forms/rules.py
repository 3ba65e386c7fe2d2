"""The city's rules of 组织生活: a frequency requirement, a meeting rule."""

from __future__ import annotations

from django import forms

from hongfan.core.forms import DayField
from hongfan.org.forms.widgets import DATE
from hongfan.orglife.choices import MeetingKind, QuorumOf, RequirementPeriod


class RequirementForm(forms.Form):
    kind = forms.ChoiceField(
        label="会议类型", choices=[c for c in MeetingKind.choices if c[0] != MeetingKind.TALK]
    )
    by_secretary = forms.BooleanField(label="须由书记讲授（仅党课）", required=False)
    period = forms.ChoiceField(label="周期", choices=RequirementPeriod.choices)
    min_count = forms.IntegerField(label="每周期至少（次）", min_value=1, max_value=31)
    effective_from = DayField(label="生效日期", widget=DATE)
    active = forms.BooleanField(label="要求在用", required=False, initial=True)


class MeetingRuleForm(forms.Form):
    kind = forms.ChoiceField(label="会议类型", choices=MeetingKind.choices)
    checkin_before_minutes = forms.IntegerField(
        label="开始前可签到（分钟）", min_value=0, max_value=240, initial=30
    )
    checkin_after_minutes = forms.IntegerField(
        label="结束后可签到（分钟）", min_value=0, max_value=240, initial=30
    )
    quorum_of = forms.ChoiceField(label="法定人数", choices=QuorumOf.choices)
    effective_from = DayField(label="生效日期", widget=DATE)
