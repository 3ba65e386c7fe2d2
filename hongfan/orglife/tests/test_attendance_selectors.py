"""Reads of attendance: the members' present/absent counts over a period, as consumers
(recognition's 季度之星) read them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from hongfan.org.choices import PoliticalStatus
from hongfan.org.models import Person
from hongfan.org.tests.factories import make_person, other_branch, sec_branch, second
from hongfan.orglife.choices import AttendanceStatus, MeetingKind, MeetingStatus
from hongfan.orglife.selectors.attendance import AttendanceCount, attendance_counts
from hongfan.orglife.tests.factories import AttendanceFactory, MeetingFactory

pytestmark = pytest.mark.django_db

# A quarter long before the demo city's meetings, so only this test's rows count.
START, END = date(2015, 7, 1), date(2015, 9, 30)


def _local(day: date, at: time = time(14, 30)) -> datetime:
    return datetime.combine(day, at, tzinfo=timezone.get_current_timezone())


def _row(
    person: Person,
    starts: datetime,
    status: str = AttendanceStatus.PRESENT,
    *,
    meeting_status: str = MeetingStatus.HELD,
    kind: str = MeetingKind.GENERAL,
) -> None:
    meeting = MeetingFactory(
        branch=person.branch,
        kind=kind,
        status=meeting_status,
        starts_at=starts,
        checkin_opens_at=starts - timedelta(minutes=30),
        checkin_closes_at=starts + timedelta(hours=2),
        roster=False,
    )
    AttendanceFactory(meeting=meeting, person=person, status=status)


def test_attendance_counts_are_present_and_absent_rows_at_held_meetings_in_the_period():
    branch = sec_branch()
    p = make_person(branch=branch, political_status=PoliticalStatus.MEMBER)
    _row(p, _local(date(2015, 7, 6)))
    _row(p, _local(date(2015, 8, 3)))
    _row(p, _local(date(2015, 8, 4)), AttendanceStatus.ABSENT)
    _row(p, _local(date(2015, 8, 5)), AttendanceStatus.LEAVE)  # neither way
    _row(p, _local(date(2015, 8, 6)), kind=MeetingKind.TALK)  # talks aside
    _row(p, _local(date(2015, 8, 7)), meeting_status=MeetingStatus.CANCELLED)
    _row(p, _local(date(2015, 8, 8)), meeting_status=MeetingStatus.PLANNED)
    # The day is the local one: the first and last half hours of the quarter in Shanghai
    # count, the half hour after it does not.
    _row(p, _local(date(2015, 7, 1), time(0, 30)), AttendanceStatus.ABSENT)
    _row(p, _local(date(2015, 9, 30), time(23, 30)))
    _row(p, _local(date(2015, 10, 1), time(0, 30)))
    _row(p, _local(date(2015, 6, 30), time(23, 30)))

    on_leave = make_person(branch=branch, political_status=PoliticalStatus.MEMBER)
    _row(on_leave, _local(date(2015, 8, 5)), AttendanceStatus.LEAVE)
    elsewhere = make_person(branch=other_branch(second()), political_status=PoliticalStatus.MEMBER)
    _row(elsewhere, _local(date(2015, 8, 5)))

    counts = attendance_counts(hospital_id=branch.hospital_id, start=START, end=END)

    assert counts[p.pk] == AttendanceCount(present=3, absent=2)
    assert on_leave.pk not in counts  # leave only: no row, as if they had no meeting
    assert elsewhere.pk not in counts  # another hospital's meeting
    assert attendance_counts(hospital_id=second().pk, start=START, end=END) == {
        elsewhere.pk: AttendanceCount(present=1, absent=0)
    }
