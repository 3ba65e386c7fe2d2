"""Forms of meetings: schedule, edit, close, cancel, attach a file."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from hongfan.core.forms import DayField, IdChoice, IdMultipleChoice, SearchSelect
from hongfan.org.forms.widgets import DATE
from hongfan.org.models import Branch, PartyGroup, Person
from hongfan.orglife.choices import MeetingKind

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def person_label(person: Person) -> str:
    """How a person is named in a choice: the name, then the department and political status
    that tell two people of one name apart."""
    dept = person.department.name if person.department_id and person.department else ""
    status = person.get_political_status_display()
    return f"{person.name}（{dept} · {status}）" if dept else f"{person.name}（{status}）"


class PersonChoice(IdChoice):
    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


class _Times(forms.Form):
    """A day and a start and end time (easier on a phone than datetime inputs), combined
    into ``starts_at`` / ``ends_at`` in the site's time zone."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, start, end = data.get("day"), data.get("start"), data.get("end")
        if day and start and end:
            tz = timezone.get_current_timezone()
            data["starts_at"] = datetime.combine(day, start, tzinfo=tz)
            data["ends_at"] = datetime.combine(day, end, tzinfo=tz)
        return data


class MeetingForm(_Times):
    branch = IdChoice(
        label="支部",
        queryset=Branch.objects.none(),
        empty_label="请选择",
        widget=forms.Select(attrs={"data-reload": "reload"}),
    )
    kind = forms.ChoiceField(label="会议类型", choices=[("", "请选择"), *MeetingKind.choices])
    topic = forms.CharField(label="主题", max_length=200)
    day = DayField(label="日期", widget=DATE)
    start = forms.TimeField(label="开始时间", widget=TIME)
    end = forms.TimeField(label="结束时间", widget=TIME)
    place = forms.CharField(label="地点", max_length=200, required=False)
    online = forms.BooleanField(label="线上会议", required=False)
    party_group = IdChoice(
        label="党小组", queryset=PartyGroup.objects.none(), required=False, empty_label="请选择"
    )
    host = PersonChoice(
        label="主持人", queryset=Person.objects.none(), required=False, empty_label="暂不指定"
    )
    recorder = PersonChoice(
        label="记录人", queryset=Person.objects.none(), required=False, empty_label="暂不指定"
    )
    lecturer = PersonChoice(
        label="授课人",
        queryset=Person.objects.none(),
        required=False,
        empty_label="请输入姓名搜索",
        widget=SearchSelect,
        help_text="输入姓名搜索本院人员",
    )
    people = IdMultipleChoice(
        label="谈话对象",
        queryset=Person.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    agenda = forms.CharField(
        label="议程", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    # The fields only some kinds of meeting have (shown when the kind is chosen; the others
    # are hidden, in the page and by static/hongfan/meeting-form.js as the kind changes).
    KIND_FIELDS: dict[str, tuple[str, ...]] = {
        "party_group": (MeetingKind.GROUP,),
        "lecturer": (MeetingKind.LECTURE,),
        "people": (MeetingKind.TALK,),
    }
    # Required for those kinds (the service says so when missing; the page marks them).
    KIND_REQUIRED = {"party_group", "lecturer", "people"}

    def __init__(
        self, *args: Any, branches: Any, people: Any, lecturers: Any, groups: Any, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        for name, kinds in self.KIND_FIELDS.items():
            self.fields[name].kinds = " ".join(kinds)  # type: ignore[attr-defined]
        self.fields["branch"].queryset = branches  # type: ignore[attr-defined]
        for name in ("host", "recorder", "people"):
            self.fields[name].queryset = people  # type: ignore[attr-defined]
        self.fields["lecturer"].queryset = lecturers  # type: ignore[attr-defined]
        self.fields["party_group"].queryset = groups  # type: ignore[attr-defined]


class MeetingEditForm(_Times):
    topic = forms.CharField(label="主题", max_length=200)
    day = DayField(label="日期", widget=DATE)
    start = forms.TimeField(label="开始时间", widget=TIME)
    end = forms.TimeField(label="结束时间", widget=TIME)
    place = forms.CharField(label="地点", max_length=200, required=False)
    online = forms.BooleanField(label="线上会议", required=False)
    agenda = forms.CharField(
        label="议程", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class CloseForm(forms.Form):
    minutes = forms.CharField(label="会议记录", max_length=60_000, widget=forms.HiddenInput)
    early = forms.BooleanField(label="会议已提前结束，确认现在完成记录", required=False)
    resolutions = forms.CharField(
        label="决议事项",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "每项一行；无决议可不填"}),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label="取消原因", max_length=200)


class FileForm(forms.Form):
    file = forms.FileField(label="照片或文件")
