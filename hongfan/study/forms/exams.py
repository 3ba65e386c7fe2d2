"""The form of an exam (考试)."""

from __future__ import annotations

from typing import Any

from django import forms

from hongfan.core.forms import IdChoice, IdMultipleChoice, set_queryset
from hongfan.org.models import Branch
from hongfan.study.models import StudyTopic

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ExamForm(forms.Form):
    title = forms.CharField(label="考试名称", max_length=100)
    branch = IdChoice(
        label="面向", queryset=Branch.objects.none(), required=False, empty_label="全院党员"
    )
    topics = IdMultipleChoice(
        label="出题主题",
        queryset=StudyTopic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="不选则从全部主题中出题",
    )
    count_easy = forms.IntegerField(label="易题数", min_value=0, max_value=100, initial=4)
    count_medium = forms.IntegerField(label="中题数", min_value=0, max_value=100, initial=4)
    count_hard = forms.IntegerField(label="难题数", min_value=0, max_value=100, initial=2)
    time_limit_minutes = forms.IntegerField(
        label="答题时限（分钟）", min_value=1, max_value=300, initial=20
    )
    pass_mark = forms.IntegerField(
        label="合格分数（百分制）", min_value=0, max_value=100, initial=60
    )
    max_attempts = forms.IntegerField(
        label="每人最多答题次数", min_value=1, max_value=20, initial=3
    )
    opens_at = forms.DateTimeField(label="开始时间", widget=DATETIME)
    closes_at = forms.DateTimeField(label="截止时间", widget=DATETIME)

    def __init__(
        self, *args: Any, branches: Any, topics: Any, branch_required: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "branch", branches)
        set_queryset(self, "topics", topics)
        if branch_required:
            field = self.fields["branch"]
            field.required = True
            assert isinstance(field, forms.ModelChoiceField)
            field.empty_label = None
