"""Reads of self-study entries (学习记录): a member's own log, the review queue, one entry."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from hongfan.core.access import Access
from hongfan.org.models import Hospital, Person
from hongfan.study.choices import LogStatus
from hongfan.study.models import StudyLog
from hongfan.study.selectors.learners import learner_for


def logs_of_member(*, access: Access) -> QuerySet[StudyLog]:
    """A member's own study log, newest first."""
    return member_logs(learner_for(access))


def no_logs() -> QuerySet[StudyLog]:
    """An empty log list (drf-spectacular builds the schema without a user)."""
    return StudyLog.objects.none()


def member_logs(person: Person) -> QuerySet[StudyLog]:
    """A member's study log, newest first (the member already checked by the caller)."""
    return (
        StudyLog.objects.filter(person=person)
        .select_related("item", "decided_by")
        .order_by("-studied_on", "-id")
    )


def member_log_rows(person: Person) -> QuerySet[StudyLog]:
    """``member_logs`` with only what 我的学习's table shows: the day, minutes, method, status
    and reason, and the item's title (not its body, nor who decided)."""
    return (
        StudyLog.objects.filter(person=person)
        .select_related("item")
        .only(
            "id",
            "item_id",
            "studied_on",
            "minutes",
            "method",
            "status",
            "decision_reason",
            "item__title",
        )
        .order_by("-studied_on", "-id")
    )


# --- the review queue ----------------------------------------------------------------------------


def log_list(*, access: Access, hospital: Hospital) -> QuerySet[StudyLog]:
    """Self-study entries to confirm: a secretary's branches, a hospital admin's hospital."""
    access.require_business()
    qs = StudyLog.objects.filter(hospital=hospital)
    if access.administers_hospital(hospital.pk):
        pass
    elif hospital.pk in access.branch_hospital_ids:
        qs = qs.filter(person__branch_id__in=access.branch_ids)
    else:
        raise access.denied(hospital.pk, "医院的学习记录", "审核")
    return qs.select_related("person", "person__branch", "item", "decided_by")


def log_get(*, access: Access, pk: int) -> StudyLog:
    """One study entry: its member, their secretary, their hospital's admin (and the city)."""
    access.require_business()
    log = StudyLog.objects.select_related("person", "item").filter(pk=pk).first()
    if log is None:
        raise Http404("学习记录不存在")
    person = log.person
    if (
        access.person_id == person.pk
        or access.is_city
        or access.manages_branch(person.branch_id, log.hospital_id)
    ):
        return log
    raise access.denied(log.hospital_id, "学习记录")


def pending_count(*, access: Access, hospital: Hospital) -> int:
    if not (access.administers_hospital(hospital.pk) or hospital.pk in access.branch_hospital_ids):
        return 0
    qs = log_list(access=access, hospital=hospital).filter(status=LogStatus.PENDING)
    if access.person_id:
        qs = qs.exclude(person_id=access.person_id)
    return qs.count()
