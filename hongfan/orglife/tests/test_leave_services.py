"""请假: a member asks for leave before a meeting; the secretary approves or refuses; an
approved request is 请假 in attendance and counts as excused wherever attendance counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hongfan.core.dates import today
from hongfan.notices.models import Notification
from hongfan.orglife.choices import AttendanceStatus, LeaveStatus
from hongfan.orglife.models import Attendance, LeaveRequest
from hongfan.orglife.selectors.attendance import attendance_counts
from hongfan.orglife.services.attendance import meeting_checkin
from hongfan.orglife.services.leave import leave_answer, leave_request
from hongfan.orglife.services.meetings import meeting_cancel, meeting_close
from hongfan.orglife.tests.conftest import Unit, orglife_state, refused, schedule
from hongfan.points.models import PointEntry
from hongfan.points.rules import DED_ABSENT

pytestmark = pytest.mark.django_db


def upcoming(u: Unit, hours: float = 24):
    return schedule(u, starts=timezone.now() + timedelta(hours=hours))


def leave_state():
    return (orglife_state(), list(LeaveRequest.objects.values_list("pk", "status", "note")))


def test_a_member_asks_the_secretary_approves_and_the_roster_says_leave(
    unit: Unit, django_capture_on_commit_callbacks
):
    m = upcoming(unit)
    with django_capture_on_commit_callbacks(execute=True):
        leave = leave_request(access=unit.member, meeting=m, reason="门诊值班")
    assert leave.status == LeaveStatus.PENDING
    told = Notification.objects.get(key=f"orglife.leave.asked:{leave.pk}")
    assert told.recipient_id == unit.sec.user_id and "门诊值班" in told.body
    with django_capture_on_commit_callbacks(execute=True):
        leave_answer(access=unit.sec, leave=leave, approve=True, note="注意补学")
    row = Attendance.objects.get(meeting=m, person=unit.member_person)
    assert (row.status, row.reason) == (AttendanceStatus.LEAVE, "门诊值班")
    leave.refresh_from_db()
    assert (leave.status, leave.note, leave.answered_by_id) == (
        "approved",
        "注意补学",
        unit.sec.user_id,
    )
    message = Notification.objects.get(key=f"orglife.leave.answered:{leave.pk}")
    assert message.category == "组织生活" and message.title.startswith("请假已批准")
    assert "注意补学" in message.body
    # the same answer delivered again is not a second message
    from hongfan.core.notify import notify

    assert notify(recipients=[message.recipient], title="x", body="", key=message.key) == 0


def test_a_refused_request_leaves_the_roster_as_it_was_and_the_member_may_ask_again(
    unit: Unit, django_capture_on_commit_callbacks
):
    m = upcoming(unit)
    leave = leave_request(access=unit.member, meeting=m, reason="个人事务")
    with django_capture_on_commit_callbacks(execute=True):
        leave_answer(access=unit.sec, leave=leave, approve=False)
    row = Attendance.objects.get(meeting=m, person=unit.member_person)
    assert row.status == AttendanceStatus.EXPECTED
    assert "请按时参加" in Notification.objects.get(key=f"orglife.leave.answered:{leave.pk}").body
    again = leave_request(access=unit.member, meeting=m, reason="临时手术")
    assert again.status == LeaveStatus.PENDING


def test_leave_after_the_meeting_started_is_refused_in_chinese_and_changes_nothing(unit: Unit):
    m = schedule(unit)  # began twenty minutes ago
    before = leave_state()
    refused(lambda: leave_request(access=unit.member, meeting=m, reason="迟到"), "会议已经开始")
    assert leave_state() == before
    soon = upcoming(unit, hours=1)
    refused(
        lambda: leave_request(
            access=unit.member, meeting=soon, reason="x", now=soon.starts_at + timedelta(seconds=1)
        ),
        "不能再在线请假",
    )


def test_bad_leave_requests_are_refused_and_change_nothing(unit: Unit):
    m = upcoming(unit)
    refused(
        lambda: leave_request(access=unit.member, meeting=m, reason="  \x00 "), "请填写请假事由"
    )
    refused(
        lambda: leave_request(access=unit.member, meeting=m, reason="长" * 201), "不能超过200字"
    )
    leave_request(access=unit.member, meeting=m, reason="值班\x00")
    assert LeaveRequest.objects.get().reason == "值班"
    refused(lambda: leave_request(access=unit.member, meeting=m, reason="再请"), "正在等待书记审批")
    meeting_cancel(access=unit.sec, meeting=(other := upcoming(unit, 48)), reason="改期")
    refused(lambda: leave_request(access=unit.member, meeting=other, reason="x"), "会议已取消")


def test_only_someone_on_the_roster_asks_and_only_the_branch_answers(unit: Unit):
    m = upcoming(unit)
    refused(
        lambda: leave_request(access=unit.admin, meeting=m, reason="x"),
        "不在本次会议的参会名单中",
        PermissionDenied,
    )
    leave = leave_request(access=unit.member, meeting=m, reason="病假")
    before = leave_state()
    for stranger in (unit.other_sec, unit.member):
        with pytest.raises(PermissionDenied):
            leave_answer(access=stranger, leave=leave, approve=True)
        assert leave_state() == before
    leave_answer(access=unit.admin, leave=leave, approve=True)  # the hospital's admin may
    refused(lambda: leave_answer(access=unit.sec, leave=leave, approve=False), "不能再次审批")


def test_no_answer_once_the_meeting_is_recorded_and_no_leave_over_a_check_in(unit: Unit):
    m = upcoming(unit, hours=0.25)
    leave = leave_request(access=unit.member, meeting=m, reason="出差")
    meeting_checkin(
        person=unit.member_person,
        meeting_id=m.pk,
        token=m.checkin_token,
        now=m.starts_at - timedelta(minutes=5),
    )
    refused(lambda: leave_answer(access=unit.sec, leave=leave, approve=True), "已签到出席")
    # the meeting is recorded: the request can no longer be answered
    later = schedule(unit, starts=timezone.now() - timedelta(hours=2))
    asked = LeaveRequest.objects.create(meeting=later, person=unit.full[4], reason="旧申请")
    meeting_close(access=unit.sec, meeting=later, minutes="<p>记录</p>")
    refused(lambda: leave_answer(access=unit.sec, leave=asked, approve=True), "已记录完成")


def test_approved_leave_is_excused_no_absence_deduction_and_not_counted_absent(unit: Unit):
    m = upcoming(unit, hours=0.2)
    leave = leave_request(access=unit.member, meeting=m, reason="值班")
    leave_answer(access=unit.sec, leave=leave, approve=True)
    m.starts_at = timezone.now() - timedelta(hours=2)
    m.ends_at = timezone.now() - timedelta(hours=1)
    m.save()
    meeting_close(access=unit.sec, meeting=m, minutes="<p>记录</p>")
    row = Attendance.objects.get(meeting=m, person=unit.member_person)
    assert row.status == AttendanceStatus.LEAVE
    assert not PointEntry.objects.filter(person=unit.member_person, rule__code=DED_ABSENT).exists()
    counts = attendance_counts(
        hospital_id=unit.branch.hospital_id,
        start=today() - timedelta(days=1),
        end=today() + timedelta(days=1),
    )
    mine = counts.get(unit.member_person.pk)
    assert mine is None or mine.absent == 0
    others = [counts[p.pk].absent for p in unit.full if p != unit.member_person]
    assert all(n == 1 for n in others)  # the others, not excused, are absent
