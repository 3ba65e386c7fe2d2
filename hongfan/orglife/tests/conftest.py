from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from hongfan.accounts.models import RoleAssignment, User
from hongfan.core.access import Access, access_for
from hongfan.core.roles import Role
from hongfan.org.choices import PoliticalStatus, SeatRole
from hongfan.org.models import Branch, BranchCommittee, CommitteeSeat, PartyGroup, Person
from hongfan.org.tests.factories import make_branch, primary
from hongfan.orglife.choices import MeetingKind
from hongfan.orglife.models import Attendance, Meeting, MeetingFile
from hongfan.orglife.services.meetings import meeting_schedule
from hongfan.points.models import PointEntry

_names = itertools.count(1)


def at(day: date, hour: int = 14, minute: int = 30) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def ago(**kw: Any) -> datetime:
    return timezone.now() - timedelta(**kw)


def orglife_state() -> tuple[Any, ...]:
    """What a refused write must leave unchanged."""
    return (
        Meeting.objects.count(),
        list(Meeting.objects.order_by("pk").values_list("status", "topic", "minutes")),
        list(
            Attendance.objects.order_by("pk").values_list(
                "status", "reason", "method", "checked_in_at"
            )
        ),
        MeetingFile.objects.count(),
        PointEntry.objects.count(),
        Attendance.objects.aggregate(n=Count("id"))["n"],
    )


@dataclass
class Unit:
    """A branch of the tests' own in the demo's primary hospital: 5 full members and one
    probationary, a committee of three, two Party groups; its secretary's and a member's
    accesses, and the hospital admin's."""

    branch: Branch
    people: list[Person]
    full: list[Person]
    probationary: Person
    committee: list[Person]
    groups: list[PartyGroup]
    sec: Access
    member: Access
    member_person: Person
    admin: Access
    other_sec: Access  # secretary of another branch of the same hospital


def make_user(person: Person | None, *roles: tuple[str, Any, Any]) -> Access:
    user = User.objects.create(username=f"ol{next(_names)}", person=person)
    for role, hospital, branch in roles:
        RoleAssignment.objects.create(user=user, role=role, hospital=hospital, branch=branch)
    return access_for(user)


@pytest.fixture
def unit(db: Any) -> Unit:
    branch = make_branch(
        primary(), full=5, probationary=1, groups=2, committee_term_end=date(2028, 1, 1)
    )
    people = list(Person.objects.filter(branch=branch).order_by("pk"))
    full = [p for p in people if p.political_status == PoliticalStatus.MEMBER]
    prob = next(p for p in people if p.political_status == PoliticalStatus.PROBATIONARY)
    committee = BranchCommittee.objects.get(branch=branch)
    roles = [SeatRole.SECRETARY, SeatRole.ORGANISATION, SeatRole.PROPAGANDA]
    for p, role in zip(full[:3], roles, strict=True):
        CommitteeSeat.objects.create(committee=committee, person=p, role=role)
    other = make_branch(primary(), full=3)
    return Unit(
        branch=branch,
        people=people,
        full=full,
        probationary=prob,
        committee=full[:3],
        groups=list(PartyGroup.objects.filter(branch=branch).order_by("pk")),
        sec=make_user(
            branch.secretary, (Role.BRANCH_SECRETARY, None, branch), (Role.MEMBER, None, None)
        ),
        member=make_user(full[3], (Role.MEMBER, None, None)),
        member_person=full[3],
        admin=make_user(None, (Role.HOSPITAL_ADMIN, primary(), None)),
        other_sec=make_user(other.secretary, (Role.BRANCH_SECRETARY, None, other)),
    )


def account_of(person: Person) -> Access:
    """The person's account as a member (made if they have none)."""
    user = User.objects.filter(person=person).first()
    if user is not None:
        return access_for(user)
    return make_user(person, (Role.MEMBER, None, None))


# --- helpers of the service tests ---------------------------------------------------------------


def schedule(u: Unit, kind: str = MeetingKind.GENERAL, *, starts=None, **kw: Any) -> Meeting:
    starts = starts or ago(minutes=20)
    return meeting_schedule(
        access=kw.pop("access", u.sec),
        branch=kw.pop("branch", u.branch),
        kind=kind,
        topic=kw.pop("topic", "学习贯彻全会精神"),
        starts_at=starts,
        ends_at=kw.pop("ends_at", starts + timedelta(hours=1)),
        **kw,
    )


def refused(call: Callable[[], Any], says: str, exc: type = ValidationError) -> None:
    before = orglife_state()
    with pytest.raises(exc) as info:
        call()
    text = (
        " ".join(info.value.messages)
        if isinstance(info.value, ValidationError)
        else str(info.value)
    )
    assert says in text, text
    assert orglife_state() == before


def roster_of(m: Meeting) -> dict[int, Attendance]:
    return {a.person_id: a for a in Attendance.objects.filter(meeting=m)}


# --- helpers of the view tests ------------------------------------------------------------------


def client(access: Access) -> Client:
    """A browser logged in as the acting user of ``access``."""
    c = Client()
    c.force_login(User.objects.get(pk=access.user_id))
    return c


def meeting(u: Unit, kind: str = MeetingKind.GENERAL, **kw: Any) -> Meeting:
    """A 季度党员大会 of the unit's branch scheduled by its secretary, begun ten minutes ago."""
    starts = kw.pop("starts", ago(minutes=10))
    return meeting_schedule(
        access=u.sec,
        branch=u.branch,
        kind=kind,
        topic="季度党员大会",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        **kw,
    )
