"""factory_boy builders of 组织生活 rows: meetings with their roster, the city's meeting rules
and frequency requirements, and the yearly appraisal.

The session's demo city is the background: a meeting belongs by default to the branch of the
demo secretary ``sec`` (``hongfan.org.tests.factories.sec_branch``), in the demo's primary
hospital, so the demo's ``sec`` and ``member`` see it. Rows are written straight to the tables
(no service, no audit row), as the services would write them.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from hongfan.accounts.models import RoleAssignment, User
from hongfan.accounts.tests.factories import RoleAssignmentFactory
from hongfan.core.roles import Role
from hongfan.org.choices import PoliticalStatus
from hongfan.org.models import Branch, Person
from hongfan.org.tests.factories import make_person, primary, sec_branch
from hongfan.orglife.choices import (
    AppraisalStatus,
    MeetingKind,
    MeetingStatus,
    QuorumOf,
    RequirementPeriod,
)
from hongfan.orglife.models import Appraisal, Attendance, Meeting, MeetingRequirement, MeetingRule
from hongfan.orglife.selectors.attendance import default_roster
from hongfan.orglife.selectors.rules import meeting_rule_for

# Versions of the city's rules made here are dated from 1990 on, long before any the demo
# city holds, so they never replace the version in force today.
OLD_VERSIONS = date(1990, 1, 1)


def _tomorrow_afternoon() -> datetime:
    day = timezone.localdate() + timedelta(days=1)
    return datetime.combine(day, time(14, 30), tzinfo=timezone.get_current_timezone())


def _scheduler(branch: Branch) -> User:
    """Who schedules a meeting of the branch: its secretary's login, else the hospital's
    admin's, else a new hospital admin."""
    for role, scope in (
        (Role.BRANCH_SECRETARY, {"branch": branch}),
        (Role.HOSPITAL_ADMIN, {"hospital_id": branch.hospital_id}),
    ):
        found = RoleAssignment.objects.filter(role=role, **scope).order_by("pk").first()
        if found is not None:
            return found.user
    return RoleAssignmentFactory(role=Role.HOSPITAL_ADMIN, hospital=branch.hospital).user


def _checkin_window(meeting: Any, side: str) -> Any:
    rule = meeting_rule_for(
        meeting.branch.hospital.authority_id,
        meeting.kind,
        timezone.localtime(meeting.starts_at).date(),
    )
    if side == "opens":
        return meeting.starts_at - timedelta(minutes=rule.checkin_before_minutes)
    return meeting.ends_at + timedelta(minutes=rule.checkin_after_minutes)


class MeetingFactory(DjangoModelFactory):
    """A planned 支部党员大会 of ``sec``'s branch tomorrow afternoon, with the QR check-in
    window of the city's rule and the roster the service would draw up (the whole branch,
    full members voting). ``roster=False`` leaves it without a roster; ``roster=[people]``
    puts exactly those people on it. ``held=True`` makes it a meeting held an hour ago."""

    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    class Params:
        held = factory.Trait(
            status=MeetingStatus.HELD,
            starts_at=factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2)),
            closed_at=factory.LazyFunction(timezone.now),
        )

    branch = factory.LazyFunction(sec_branch)
    hospital = factory.LazyAttribute(lambda o: o.branch.hospital)
    kind = MeetingKind.GENERAL
    party_group = factory.LazyAttribute(
        lambda o: o.branch.groups.order_by("pk").first() if o.kind == MeetingKind.GROUP else None
    )
    status = MeetingStatus.PLANNED
    topic = factory.Sequence(lambda n: f"测试会议第{n}次")
    starts_at = factory.LazyFunction(_tomorrow_afternoon)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1, minutes=30))
    place = "党员活动室"
    created_by = factory.LazyAttribute(lambda o: _scheduler(o.branch))
    checkin_token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
    checkin_opens_at = factory.LazyAttribute(lambda o: _checkin_window(o, "opens"))
    checkin_closes_at = factory.LazyAttribute(lambda o: _checkin_window(o, "closes"))

    @factory.post_generation
    def roster(
        obj: Meeting,
        create: bool,
        extracted: Sequence[Person] | bool | None,
        **kwargs: Any,
    ) -> None:
        if not create or extracted is False:
            return
        if extracted is None or extracted is True:
            rows = default_roster(obj.branch, obj.kind, obj.day, obj.party_group)
        else:
            rows = [(p, p.political_status == PoliticalStatus.MEMBER) for p in extracted]
        Attendance.objects.bulk_create(
            [Attendance(meeting=obj, person=p, voting=v) for p, v in rows]
        )


class AttendanceFactory(DjangoModelFactory):
    """One roster row: by default a new full member of the meeting's branch, expected."""

    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory, roster=False)
    person = factory.LazyAttribute(
        lambda o: make_person(branch=o.meeting.branch, political_status=PoliticalStatus.MEMBER)
    )
    voting = factory.LazyAttribute(lambda o: o.person.political_status == PoliticalStatus.MEMBER)


class MeetingRuleFactory(DjangoModelFactory):
    """An old version of the demo city's rule for 支部党员大会 (pass ``effective_from`` for
    one in force)."""

    class Meta:
        model = MeetingRule

    authority = factory.LazyFunction(lambda: primary().authority)
    kind = MeetingKind.GENERAL
    checkin_before_minutes = 30
    checkin_after_minutes = 30
    quorum_of = QuorumOf.VOTERS
    effective_from = factory.Sequence(lambda n: OLD_VERSIONS + timedelta(days=n))


class MeetingRequirementFactory(DjangoModelFactory):
    """An old version of the demo city's requirement: 支部党员大会 once a quarter."""

    class Meta:
        model = MeetingRequirement

    authority = factory.LazyFunction(lambda: primary().authority)
    kind = MeetingKind.GENERAL
    by_secretary = False
    period = RequirementPeriod.QUARTER
    min_count = 1
    effective_from = factory.Sequence(lambda n: OLD_VERSIONS + timedelta(days=n))


class AppraisalFactory(DjangoModelFactory):
    """A draft 民主评议 of ``sec``'s branch, for a year long past (1990 on) unless given."""

    class Meta:
        model = Appraisal

    branch = factory.LazyFunction(sec_branch)
    hospital = factory.LazyAttribute(lambda o: o.branch.hospital)
    year = factory.Sequence(lambda n: 1990 + n % 30)
    status = AppraisalStatus.DRAFT
