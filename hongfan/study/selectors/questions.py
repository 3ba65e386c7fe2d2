"""Reads of the question bank (题库): its questions and their counts by difficulty and topic."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from hongfan.core.access import Access
from hongfan.org.models import Hospital
from hongfan.study.choices import Difficulty, QuestionKind
from hongfan.study.models import Question, StudyTopic


def _bank_reader(access: Access, hospital: Hospital) -> None:
    """The bank is kept by the hospital admin (the city reads it)."""
    access.require_business()
    if not access.reads_hospital(hospital.pk):
        raise access.denied(hospital.pk, "医院的题库")


def question_list(
    *,
    access: Access,
    hospital: Hospital,
    topic_id: int | None = None,
    kind: str | None = None,
    difficulty: int | None = None,
) -> QuerySet[Question]:
    _bank_reader(access, hospital)
    qs = Question.objects.filter(hospital=hospital, active=True).select_related("topic")
    if topic_id:
        qs = qs.filter(topic_id=topic_id)
    if kind in QuestionKind.values:
        qs = qs.filter(kind=kind)
    if difficulty in Difficulty.values:
        qs = qs.filter(difficulty=difficulty)
    return qs.order_by("topic__name", "difficulty", "pk")


def bank_counts(hospital: Hospital, topic_ids: list[int] | None = None) -> dict[int, int]:
    """Active questions per difficulty (in the topics, if given): one query."""
    qs = Question.objects.filter(hospital=hospital, active=True)
    if topic_ids:
        qs = qs.filter(topic_id__in=topic_ids)
    counts = dict(qs.order_by().values_list("difficulty").annotate(c=Count("pk")))
    return {d: counts.get(d, 0) for d in Difficulty.values}


def topic_counts(hospital: Hospital) -> list[tuple[StudyTopic, int]]:
    rows = (
        StudyTopic.objects.filter(hospital=hospital)
        .annotate(n=Count("questions", filter=Q(questions__active=True)))
        .order_by("name")
    )
    return [(t, t.n) for t in rows]  # type: ignore[attr-defined]
