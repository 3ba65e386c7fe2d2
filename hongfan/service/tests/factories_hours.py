"""Builders for the hours part's tests: an activity (with its brand and measure) and its
shifts, saved straight to the database, on top of the session's demo city."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from django.utils import timezone

from hongfan.accounts.models import RoleAssignment, User
from hongfan.core.access import Access, access_for
from hongfan.core.roles import Role
from hongfan.org.models import Branch, Hospital, Person
from hongfan.service.choices import ActivityKind, ActivityStatus
from hongfan.service.models import Activity, ServiceBrand, ServiceMeasure, Shift


def measure_of(hospital: Hospital) -> ServiceMeasure:
    brand, _ = ServiceBrand.objects.get_or_create(hospital=hospital, defaults={"name": "心连馨"})
    m = ServiceMeasure.objects.filter(hospital=hospital).order_by("pk").first()
    if m is None:
        m = ServiceMeasure.objects.create(hospital=hospital, brand=brand, name="送医上门爱心服务")
    return m


def make_activity(
    hospital: Hospital,
    *,
    branch: Branch | None = None,
    starts_at: datetime | None = None,
    hours: int = 3,
    capacity: int = 3,
    shifts: int = 1,
    status: str = ActivityStatus.PUBLISHED,
    open_to_staff: bool = True,
    lead: Person | None = None,
    title: str = "健康义诊进社区",
    kind: str = ActivityKind.FREE_CLINIC,
    signup_deadline: datetime | None = None,
    cancel_deadline: datetime | None = None,
) -> Activity:
    """A published activity (by default the day after tomorrow, 9:00, 3 hours) of one or
    more back-to-back shifts of ``capacity`` places each."""
    start = starts_at or timezone.localtime().replace(
        hour=9, minute=0, second=0, microsecond=0
    ) + timedelta(days=2)
    end = start + timedelta(hours=hours * shifts)
    a = Activity.objects.create(
        hospital=hospital,
        branch=branch,
        measure=measure_of(hospital),
        kind=kind,
        status=status,
        title=title,
        starts_at=start,
        ends_at=end,
        signup_deadline=signup_deadline or min(start - timedelta(hours=12), end),
        cancel_deadline=cancel_deadline or start - timedelta(hours=24),
        open_to_staff=open_to_staff,
        checkin_token=secrets.token_urlsafe(32),
        published_at=timezone.now(),
    )
    for i in range(shifts):
        Shift.objects.create(
            activity=a,
            label=f"第{i + 1}班",
            starts_at=start + timedelta(hours=hours * i),
            ends_at=start + timedelta(hours=hours * (i + 1)),
            capacity=capacity,
            lead=lead,
        )
    return a


def access_of(person: Person, *, member: bool = True, username: str = "") -> Access:
    """An account for ``person`` (a member's role when ``member``), as its Access."""
    user = User.objects.filter(person=person).first()
    if user is None:
        user = User.objects.create(username=username or f"vol{person.pk}", person=person)
        if member:
            RoleAssignment.objects.create(user=user, role=Role.MEMBER)
    return access_for(user)


def demo_access(username: str) -> Access:
    return access_for(User.objects.get(username=username))


def top_bar_classes(html: str) -> list[str]:
    """The classes of a page's top bar (the ``hf-nav`` navbar): what decides whether it
    prints."""
    m = re.search(r'<nav class="([^"]*\bhf-nav\b[^"]*)"', html)
    assert m, "the page has no top bar"
    return m.group(1).split()
