"""Meetings: rosters, check-in, attendance, closing with quorum and points, appraisal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hongfan.orglife.choices import AttendanceStatus, Grade, MeetingKind, MeetingStatus
from hongfan.orglife.models import Appraisal, Attendance, Meeting
from hongfan.orglife.services.appraisal import appraisal_record
from hongfan.orglife.services.attendance import attendance_add, attendance_mark, meeting_checkin
from hongfan.orglife.services.meetings import meeting_cancel, meeting_close, meeting_schedule
from hongfan.orglife.tests.conftest import Unit, ago, orglife_state
from hongfan.points.models import PointEntry

pytestmark = pytest.mark.django_db


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


# --- rosters ------------------------------------------------------------------------------------


def test_a_general_meeting_expects_the_whole_branch_and_only_full_members_vote(unit: Unit):
    m = schedule(unit)
    rows = roster_of(m)
    assert set(rows) == {p.pk for p in unit.people}
    assert rows[unit.probationary.pk].voting is False
    assert all(rows[p.pk].voting for p in unit.full)


def test_a_committee_meeting_expects_the_committee(unit: Unit):
    m = schedule(unit, MeetingKind.COMMITTEE)
    assert set(roster_of(m)) == {p.pk for p in unit.committee}


def test_a_group_meeting_expects_its_group_and_needs_one(unit: Unit):
    g = unit.groups[0]
    m = schedule(unit, MeetingKind.GROUP, party_group=g)
    assert set(roster_of(m)) == {p.pk for p in unit.people if p.party_group_id == g.pk}
    refused(lambda: schedule(unit, MeetingKind.GROUP), "党小组会须选择党小组")


def test_a_talk_is_between_the_chosen_people(unit: Unit):
    m = schedule(unit, MeetingKind.TALK, host=unit.full[0], people=[unit.full[4]])
    assert set(roster_of(m)) == {unit.full[0].pk, unit.full[4].pk}
    refused(lambda: schedule(unit, MeetingKind.TALK, host=unit.full[0]), "至少两人")


def test_a_secretary_cannot_schedule_for_another_branch(unit: Unit):
    refused(lambda: schedule(unit, access=unit.other_sec), "本支部", PermissionDenied)
    refused(lambda: schedule(unit, access=unit.member), "本支部", PermissionDenied)


@pytest.mark.parametrize(
    "kw,says",
    [
        ({"topic": "  "}, "请填写会议主题"),
        ({"ends_at_delta": -1}, "结束时间必须晚于开始时间"),
        ({"ends_at_delta": 13 * 60}, "不能超过12小时"),
        ({"kind": MeetingKind.LECTURE}, "党课须填写授课人"),
    ],
)
def test_bad_meetings_are_refused(unit: Unit, kw: dict, says: str):
    starts = ago(minutes=10)
    delta = kw.pop("ends_at_delta", 60)
    kind = kw.pop("kind", MeetingKind.GENERAL)
    refused(
        lambda: schedule(
            unit, kind, starts=starts, ends_at=starts + timedelta(minutes=delta), **kw
        ),
        says,
    )


def test_the_host_must_belong_to_the_branch(unit: Unit):
    outsider = unit.other_sec.person_id
    from hongfan.org.models import Person

    refused(lambda: schedule(unit, host=Person.objects.get(pk=outsider)), "不是本支部在册人员")


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


# --- closing ------------------------------------------------------------------------------------


def close(u: Unit, m: Meeting, minutes: str = "<p>会议讨论了本季度工作。</p>"):
    return meeting_close(access=u.sec, meeting=m, minutes=minutes)


def test_closing_counts_the_quorum_marks_the_rest_absent_and_pays_points(unit: Unit):
    m = schedule(unit)
    present = unit.full[:3] + [unit.probationary]
    for p in present:
        attendance_mark(access=unit.sec, meeting=m, person=p, status="present")
    attendance_mark(
        access=unit.sec, meeting=m, person=unit.full[3], status="leave", reason="外出会诊"
    )
    m, notes = close(unit, m)
    assert m.status == MeetingStatus.HELD
    assert (m.voters_expected, m.voters_present, m.quorate) == (5, 3, True)
    rows = roster_of(m)
    assert rows[unit.full[4].pk].status == AttendanceStatus.ABSENT
    points = {
        e.person_id: e.points
        for e in PointEntry.objects.filter(source_type__in=["attendance", "absence"])
        if e.source_id in {str(r.pk) for r in rows.values()}
    }
    assert all(points[p.pk] > 0 for p in present)
    assert points[unit.full[4].pk] < 0  # unexcused absence costs points
    assert unit.full[3].pk not in points  # leave: nothing
    assert rows[unit.full[0].pk].points_entry_id is not None


def test_without_more_than_half_of_the_voters_the_meeting_is_not_quorate(unit: Unit):
    m = schedule(unit)
    for p in unit.full[:2] + [unit.probationary]:  # the probationary member does not vote
        attendance_mark(access=unit.sec, meeting=m, person=p, status="present")
    m, _ = close(unit, m)
    assert (m.voters_present, m.voters_expected, m.quorate) == (2, 5, False)


def test_a_meeting_that_has_not_started_cannot_be_closed(unit: Unit):
    m = schedule(unit, starts=timezone.now() + timedelta(hours=2))
    refused(lambda: close(unit, m), "会议尚未开始")


def test_minutes_are_required_and_sanitised(unit: Unit):
    m = schedule(unit)
    refused(lambda: close(unit, m, "<p> </p><script>x</script>"), "请填写会议记录")
    m, _ = close(unit, m, '<p onclick="x()">讨论<script>alert(1)</script><b>通过</b></p>')
    assert "script" not in m.minutes and "onclick" not in m.minutes and "<b>通过</b>" in m.minutes


def test_a_closed_meeting_cannot_be_closed_or_ticked_again(unit: Unit):
    m = schedule(unit)
    close(unit, m)
    refused(lambda: close(unit, m), "已记录完成")
    refused(
        lambda: attendance_mark(access=unit.sec, meeting=m, person=unit.full[1], status="present"),
        "已记录完成",
    )
    refused(
        lambda: meeting_checkin(person=unit.member_person, meeting_id=m.pk, token=m.checkin_token),
        "签到已关闭",
    )


def test_the_secretarys_own_lecture_is_marked_and_pays_the_lecturer(unit: Unit):
    m = schedule(unit, MeetingKind.LECTURE, lecturer=unit.branch.secretary)
    m, _ = close(unit, m)
    assert m.by_secretary is True and m.quorate is None
    assert PointEntry.objects.filter(
        source_type="lecture", source_id=str(m.pk), person=unit.branch.secretary
    ).exists()


def test_a_cancelled_meeting_takes_no_check_in(unit: Unit):
    m = schedule(unit)
    meeting_cancel(access=unit.sec, meeting=m, reason="病区抢救任务")
    refused(
        lambda: meeting_checkin(person=unit.member_person, meeting_id=m.pk, token=m.checkin_token),
        "会议已取消",
    )
    refused(lambda: meeting_cancel(access=unit.sec, meeting=m, reason="x"), "只能取消")


# --- 民主评议 -----------------------------------------------------------------------------------


def grades(u: Unit, excellent: int) -> dict[int, str]:
    return {
        p.pk: (Grade.EXCELLENT if i < excellent else Grade.QUALIFIED) for i, p in enumerate(u.full)
    }


def test_more_than_a_third_excellent_is_refused(unit: Unit):
    year = timezone.localdate().year
    refused(
        lambda: appraisal_record(
            access=unit.sec, branch=unit.branch, year=year, grades=grades(unit, 2)
        ),
        "超过参评正式党员5人的三分之一（最多1人）",
    )


def test_probationary_members_are_not_graded(unit: Unit):
    year = timezone.localdate().year
    g = grades(unit, 1) | {unit.probationary.pk: Grade.QUALIFIED}
    refused(
        lambda: appraisal_record(access=unit.sec, branch=unit.branch, year=year, grades=g),
        "预备党员参加评议但不确定等次",
    )


def test_a_final_appraisal_grades_everyone_feeds_points_and_is_then_fixed(unit: Unit):
    year = timezone.localdate().year
    partial = {unit.full[0].pk: Grade.EXCELLENT}
    refused(
        lambda: appraisal_record(
            access=unit.sec, branch=unit.branch, year=year, grades=partial, final=True
        ),
        "尚未评定等次",
    )
    g = grades(unit, 1) | {unit.full[4].pk: Grade.UNQUALIFIED}
    record, _ = appraisal_record(
        access=unit.sec, branch=unit.branch, year=year, grades=g, final=True
    )
    assert record.status == "final" and record.grades.count() == 5
    award = PointEntry.objects.get(source_type="appraisal", person=unit.full[0])
    deduction = PointEntry.objects.get(source_type="appraisal", person=unit.full[4])
    assert award.points > 0 and deduction.points < 0
    refused(
        lambda: appraisal_record(access=unit.sec, branch=unit.branch, year=year, grades=g),
        "已确定",
    )
    assert Appraisal.objects.filter(branch=unit.branch).count() == 1


def test_another_branchs_secretary_cannot_appraise(unit: Unit):
    year = timezone.localdate().year
    refused(
        lambda: appraisal_record(
            access=unit.other_sec, branch=unit.branch, year=year, grades=grades(unit, 1)
        ),
        "本支部",
        PermissionDenied,
    )
