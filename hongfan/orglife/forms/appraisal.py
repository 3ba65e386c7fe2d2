"""The form of 民主评议党员: one grade and one note per full member of the branch.

The fields are named ``grade-<person>`` and ``note-<person>``. A grade is taken as typed (the
service says in Chinese what is wrong with it), and a grade posted for anyone who is not a
full member (a probationary member, someone of another branch) is handed on too, for the
service to refuse by name."""

from __future__ import annotations

from typing import Any

from django import forms

from hongfan.core.forms import id_or_none
from hongfan.org.models import Person
from hongfan.orglife.forms.leave import Text
from hongfan.orglife.models import Meeting

NOTE_MAX = 200


def _grade(pk: int) -> str:
    return f"grade-{pk}"


def _note(pk: int) -> str:
    return f"note-{pk}"


class AppraisalForm(forms.Form):
    """``cleaned_data``: ``grades`` {person id: grade}, ``notes`` {person id: note},
    ``meeting`` (one of ``meetings``, or None) and ``final`` (the 确定 button)."""

    meeting = forms.CharField(required=False)
    action = forms.CharField(required=False)

    def __init__(
        self, *args: Any, full: list[Person], meetings: list[Meeting], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.full = full
        self.meetings = meetings
        for p in full:
            self.fields[_grade(p.pk)] = forms.CharField(required=False, strip=False)
            self.fields[_note(p.pk)] = forms.CharField(required=False, strip=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        full_ids = {p.pk for p in self.full}
        grades = {p.pk: data[_grade(p.pk)] for p in self.full if data.get(_grade(p.pk))}
        notes = {p.pk: (data.get(_note(p.pk)) or "")[:NOTE_MAX] for p in self.full}
        for key in self.data:
            pk = id_or_none(key[6:])
            if key.startswith("grade-") and pk is not None and pk not in full_ids:
                grades[pk] = self.data[key]
        raw = data.get("meeting") or ""
        data["grades"] = grades
        data["notes"] = notes
        data["meeting"] = next((m for m in self.meetings if str(m.pk) == raw), None)
        data["final"] = data.get("action") == "final"
        data["action"] = data.get("action") or "draft"
        return data


class SelfAssessmentForm(forms.Form):
    text = Text(
        label="自我评价",
        max_length=2000,
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "placeholder": "对照党员标准，从政治思想、学习、工作、作风、纪律等方面写一写",
            }
        ),
        error_messages={"required": "请填写自我评价", "max_length": "自我评价不能超过2000字"},
    )


class BallotForm(forms.Form):
    """A member's ballot: fields ``vote-<person>``, each one of the grades or empty. The
    votes are handed on as posted (the service refuses a peer or grade that is not allowed,
    in Chinese); an id that is not a number, or too big to be one, is dropped."""

    def votes(self) -> dict[int, str]:
        out: dict[int, str] = {}
        for key in self.data:
            pk = id_or_none(key[5:])
            if key.startswith("vote-") and pk is not None:
                value = str(self.data.get(key) or "").replace("\x00", "")
                if value:
                    out[pk] = value[:20]
        return out
