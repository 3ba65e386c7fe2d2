"""Reads of activities, always scoped: the activity book of an organiser (a secretary's
branches, a hospital admin's hospital, the city reading one hospital), one activity with
its shifts and their fill, and the choices the planning form offers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.org.choices import BranchKind, PersonStatus
from hongfan.org.models import Branch, Department, Hospital, Person
from hongfan.service.choices import ActivityStatus, SignupStatus
from hongfan.service.models import Activity, Shift, Signup

SEARCH_LIMIT = 20


def organiser_branches(*, access: Access, hospital: Hospital) -> QuerySet[Branch]:
    """The leaf branches of ``hospital`` the user organises activities for: all of them for
    its admin, their own for a secretary."""
    qs = Branch.objects.filter(hospital=hospital, active=True, kind=BranchKind.BRANCH)
    if not access.administers_hospital(hospital.pk):
        qs = qs.filter(pk__in=access.branch_ids)
    return qs.order_by("pk")


def listed_branches(*, access: Access, hospital: Hospital) -> QuerySet[Branch]:
    """The branches the activity book may be filtered by: every leaf branch for the city
    and the admin, a secretary's own."""
    qs = Branch.objects.filter(hospital=hospital, kind=BranchKind.BRANCH)
    if not (access.is_city or access.administers_hospital(hospital.pk)):
        qs = qs.filter(pk__in=access.branch_ids)
    return qs.order_by("pk")


def may_organise(access: Access, hospital: Hospital) -> bool:
    return access.administers_hospital(hospital.pk) or (
        bool(access.branch_ids) and organiser_branches(access=access, hospital=hospital).exists()
    )


def _subtotal(qs: QuerySet[Any], field: str, how: Any) -> Subquery:
    return Subquery(
        qs.filter(activity=OuterRef("pk"))
        .order_by()
        .values("activity")
        .annotate(v=how(field))
        .values("v")[:1],
        output_field=IntegerField(),
    )


def with_fill(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    """Each activity's places (sum of its shifts' capacity) and sign-ups holding a place,
    as subqueries (no join multiplies the rows)."""
    return qs.annotate(
        capacity=Coalesce(_subtotal(Shift.objects.all(), "capacity", Sum), 0),
        signed=Coalesce(
            _subtotal(Signup.objects.filter(status=SignupStatus.SIGNED), "id", Count), 0
        ),
    )


@dataclass(frozen=True)
class ActivityFilters:
    year: int
    month: int | None = None
    kind: str = ""
    status: str = ""
    measure_id: int | None = None
    branch_id: int | None = None
    hospital_only: bool = False  # the hospital's own activities (no branch)


def activity_list(
    *, access: Access, hospital: Hospital, filters: ActivityFilters
) -> QuerySet[Activity]:
    """The activities of ``hospital`` the user organises (the admin and the city: all;
    a secretary: their branches'), filtered, newest first."""
    access.require_business()
    if not (access.is_city or access.administers_hospital(hospital.pk)):
        if not access.branch_ids:
            raise PermissionDenied("只有支部书记和医院党委可以管理志愿服务活动")
    qs = Activity.objects.filter(hospital=hospital, starts_at__year=filters.year)
    if not (access.is_city or access.administers_hospital(hospital.pk)):
        qs = qs.filter(branch_id__in=access.branch_ids)
    if filters.month:
        qs = qs.filter(starts_at__month=filters.month)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.measure_id:
        qs = qs.filter(measure_id=filters.measure_id)
    if filters.hospital_only:
        qs = qs.filter(branch__isnull=True)
    elif filters.branch_id:
        qs = qs.filter(branch_id=filters.branch_id)
    return with_fill(qs.select_related("branch", "measure", "place")).order_by("-starts_at", "-pk")


def manages_activity(access: Access, activity: Activity) -> bool:
    if activity.branch_id is None:
        return access.administers_hospital(activity.hospital_id)
    return access.manages_branch(activity.branch_id, activity.hospital_id)


def editable(activity: Activity, now: datetime | None = None) -> bool:
    """Whether the plan may still change: a draft, or a published activity not yet begun."""
    if activity.status == ActivityStatus.DRAFT:
        return True
    return activity.status == ActivityStatus.PUBLISHED and activity.starts_at > (
        now or timezone.now()
    )


def activity_get(*, access: Access, pk: int, manage: bool = False) -> Activity:
    """An activity for its organisers and the city (read only); the people of its hospital
    read it once published (to sign up). Another hospital's activity is a 404, one inside
    the user's own hospital they may not see a 403."""
    access.require_business()
    a = (
        Activity.objects.select_related("hospital", "branch", "measure", "place", "desk")
        .filter(pk=pk)
        .first()
    )
    if a is None:
        raise Http404("活动不存在")
    manages = manages_activity(access, a)
    if manage and not manages:
        raise access.denied(a.hospital_id, "活动", "管理")
    if manages or access.is_city:
        return a
    if a.hospital_id == access.person_hospital_id and a.status != ActivityStatus.DRAFT:
        return a
    raise access.denied(a.hospital_id, "活动")


@dataclass
class ShiftFill:
    shift: Shift
    signed: int
    waiting: int

    @property
    def free(self) -> int:
        return max(self.shift.capacity - self.signed, 0)

    @property
    def percent(self) -> float:
        return 100 * self.signed / self.shift.capacity if self.shift.capacity else 0.0


def shift_fill(activity: Activity) -> list[ShiftFill]:
    """The activity's shifts with how many hold a place and how many wait (one query)."""
    shifts = (
        Shift.objects.filter(activity=activity)
        .select_related("lead")
        .annotate(
            n_signed=Count("signups", filter=Q(signups__status=SignupStatus.SIGNED)),
            n_waiting=Count("signups", filter=Q(signups__status=SignupStatus.WAITLISTED)),
        )
        .order_by("starts_at", "pk")
    )
    return [ShiftFill(s, s.n_signed, s.n_waiting) for s in shifts]  # type: ignore[attr-defined]


def signups_of(activity: Activity) -> list[Signup]:
    """Who signed up, per shift, in the order they signed up (for the organisers)."""
    return list(
        Signup.objects.filter(activity=activity)
        .exclude(status=SignupStatus.CANCELLED)
        .select_related("person", "person__department", "shift")
        .order_by("shift__starts_at", "shift_id", "created_at", "pk")
    )


def department_options(hospital_id: int) -> QuerySet[Department]:
    return Department.objects.filter(hospital_id=hospital_id, active=True).order_by("name", "pk")


def lead_options(hospital_id: int) -> QuerySet[Person]:
    """Who may lead a shift: the hospital's active people (searched as the user types)."""
    return Person.objects.filter(
        hospital_id=hospital_id, status=PersonStatus.ACTIVE
    ).select_related("department")


def person_search(people: QuerySet[Person], text: str) -> list[Person]:
    text = (text or "").replace("\x00", "").strip()[:20]
    if not text:
        return []
    return list(
        people.filter(name__contains=text)
        .select_related("department")
        .order_by("name", "pk")[:SEARCH_LIMIT]
    )
