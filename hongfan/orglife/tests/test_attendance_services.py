"""Attendance: QR check-in within its window, and the roster ticked by hand."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from hongfan.orglife.choices import AttendanceStatus, MeetingKind
from hongfan.orglife.services.attendance import attendance_add, attendance_mark, meeting_checkin
from hongfan.orglife.tests.conftest import Unit, refused, schedule

pytestmark = pytest.mark.django_db


# --- check-in -----------------------------------------------------------------------------------


def test_a_member_checks_in_once_within_the_window(unit: Unit):
    m = schedule(unit)
    row = meeting_checkin(person=unit.member_person, meeting_id=m.pk, token=m.checkin_token)
    assert row.status == AttendanceStatus.PRESENT and row.method == "qr"
    refused(
        lambda: meeting_checkin(person=unit.member_person, meeting_id=m.pk, token=m.checkin_token),
        "无需重复签到",
    )


@pytest.mark.parametrize(
    "shift,says", [(timedelta(hours=-2), "签到尚未开始"), (timedelta(hours=3), "签到时间已过")]
)
def test_a_check_in_outside_the_window_is_refused(unit: Unit, shift, says):
    m = schedule(unit, starts=timezone.now() + timedelta(hours=1))
    when = m.starts_at + shift
    refused(
        lambda: meeting_checkin(
            person=unit.member_person, meeting_id=m.pk, token=m.checkin_token, now=when
        ),
        says,
    )


def test_a_forged_code_or_another_meetings_code_is_refused(unit: Unit):
    m = schedule(unit)
    other = schedule(unit, MeetingKind.THEME_DAY)
    for token in ("forged", other.checkin_token, ""):
        refused(
            lambda token=token: meeting_checkin(
                person=unit.member_person, meeting_id=m.pk, token=token
            ),
            "签到码无效",
        )


def test_someone_not_on_the_roster_cannot_check_in(unit: Unit):
    m = schedule(unit, MeetingKind.COMMITTEE)  # the member is not on the committee
    refused(
        lambda: meeting_checkin(person=unit.member_person, meeting_id=m.pk, token=m.checkin_token),
        "不在本次会议的参会名单中",
    )


# --- the roster by hand -------------------------------------------------------------------------


def test_leave_needs_a_reason_and_outsiders_cannot_be_marked(unit: Unit):
    from hongfan.org.models import Person

    m = schedule(unit)
    refused(
        lambda: attendance_mark(access=unit.sec, meeting=m, person=unit.full[1], status="leave"),
        "请假须填写事由",
    )
    outsider = Person.objects.get(pk=unit.other_sec.person_id)
    refused(
        lambda: attendance_mark(access=unit.sec, meeting=m, person=outsider, status="present"),
        "不在本次会议的参会名单中",
    )
    refused(
        lambda: attendance_add(access=unit.sec, meeting=m, person=outsider),
        "不是本支部在册人员",
    )


# --- issue 10: a secretary's tick is not an arrival time ------------------------------------


def test_a_secretarys_tick_records_no_arrival_time_but_a_qr_check_in_keeps_its_own(unit: Unit):
    m = schedule(unit)
    ticked = attendance_mark(
        access=unit.sec, meeting=m, person=unit.full[0], status=AttendanceStatus.PRESENT
    )
    assert (ticked.method, ticked.checked_in_at) == ("roster", None)
    scanned = meeting_checkin(person=unit.member_person, meeting_id=m.pk, token=m.checkin_token)
    when = scanned.checked_in_at
    again = attendance_mark(
        access=unit.sec, meeting=m, person=unit.member_person, status=AttendanceStatus.PRESENT
    )
    assert (again.method, again.checked_in_at) == ("qr", when)


def test_marking_the_rest_present_records_no_arrival_time(unit: Unit):
    from hongfan.orglife.models import Attendance
    from hongfan.orglife.services.attendance import attendance_mark_rest_present

    m = schedule(unit)
    attendance_mark_rest_present(access=unit.sec, meeting=m)
    rows = Attendance.objects.filter(meeting=m)
    assert rows.count() and all(r.checked_in_at is None and r.method == "roster" for r in rows)
