"""Reads on 发展党员: the dates of a development, the board, one development.
Reads. Every function takes the acting ``Access``; out-of-scope objects are a 404."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from hongfan.core.access import Access, get_scoped
from hongfan.core.dates import today
from hongfan.org.choices import (
    MEMBER_STATUSES,
    DevelopmentStage,
    DevelopmentStatus,
    PersonStatus,
)
from hongfan.org.models import Branch, Development, Hospital, Person
from hongfan.org.rules import DevDates, NextStep, development_next_step
from hongfan.org.selectors.people import person_qs
from hongfan.org.selectors.structure import branch_options, org_rule_for


def dev_dates(dev: Development) -> DevDates:
    return DevDates(
        applied_on=dev.applied_on,
        talked_on=dev.talked_on,
        activist_on=dev.activist_on,
        candidate_on=dev.candidate_on,
        reviewed_on=dev.reviewed_on,
        probation_on=dev.probation_on,
        full_on=dev.full_on,
        training_hours=dev.training_hours,
        extension_months=dev.extension_months,
    )


@dataclass
class BoardRow:
    development: Development
    next_step: NextStep | None


@dataclass
class DevelopmentBoard:
    columns: list[tuple[str, str, list[BoardRow]]]
    overdue: list[BoardRow]
    total: int


def development_board(
    *, access: Access, hospital: Hospital, branch: Branch | None = None
) -> DevelopmentBoard:
    if branch is None and not (access.is_city or access.administers_hospital(hospital.pk)):
        raise PermissionDenied("没有权限查看全院发展党员看板")
    day = today()
    rule = org_rule_for(hospital.authority_id, day)
    qs = Development.objects.filter(hospital=hospital, status=DevelopmentStatus.ACTIVE)
    if branch is not None:
        qs = qs.filter(branch=branch)
    devs = list(qs.select_related("person", "branch").order_by("applied_on", "pk"))
    by_stage: dict[str, list[BoardRow]] = defaultdict(list)
    overdue = []
    for dev in devs:
        row = BoardRow(dev, development_next_step(dev_dates(dev), rule=rule, today=day))
        by_stage[dev.stage].append(row)
        if row.next_step and row.next_step.overdue:
            overdue.append(row)
    columns = [
        (stage.value, stage.label, by_stage.get(stage.value, []))
        for stage in DevelopmentStage
        if stage != DevelopmentStage.FULL
    ]
    return DevelopmentBoard(columns, overdue, len(devs))


def development_get(*, access: Access, pk: int) -> Development:
    return get_scoped(
        Development.objects.select_related("person", "branch", "hospital"),
        pk,
        access,
        noun="发展记录",
        may=lambda d: access.is_city or access.manages_branch(d.branch_id, d.hospital_id),
    )


def development_list(*, access: Access) -> QuerySet[Development]:
    """The active developments ``access`` manages, oldest application first (the API's list)."""
    if not (access.is_city or access.hospital_ids or access.branch_ids):
        raise PermissionDenied("没有权限查看发展党员")
    qs = Development.objects.filter(status=DevelopmentStatus.ACTIVE).select_related("person")
    if not access.is_city:
        qs = qs.filter(Q(hospital_id__in=access.hospital_ids) | Q(branch_id__in=access.branch_ids))
    return qs.order_by("applied_on", "pk")


def applicant_options(*, access: Access, hospital: Hospital) -> QuerySet[Person]:
    """Who may be registered as an applicant: the hospital's active non-members without a
    development record — a secretary's, only those in the departments their branches cover."""
    people = person_qs(access=access).filter(
        hospital=hospital, status=PersonStatus.ACTIVE, development__isnull=True
    )
    if not access.administers_hospital(hospital.pk):
        branches = branch_options(access, hospital.pk)
        people = people.filter(department__branches__in=branches).distinct()
    return people.exclude(political_status__in=MEMBER_STATUSES).order_by("name")
