"""Meetings: the roster drawn up when scheduling, closing with quorum and points, cancelling."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hongfan.orglife.choices import AttendanceStatus, MeetingKind, MeetingStatus
from hongfan.orglife.models import Meeting
from hongfan.orglife.services.attendance import attendance_mark, meeting_checkin
from hongfan.orglife.services.meetings import meeting_cancel, meeting_close
from hongfan.orglife.tests.conftest import Unit, ago, refused, roster_of, schedule
from hongfan.points.models import PointEntry, PointRule
from hongfan.points.rules import DED_ABSENT

pytestmark = pytest.mark.django_db


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


# --- closing ------------------------------------------------------------------------------------


def close(u: Unit, m: Meeting, minutes: str = "<p>会议讨论了本季度工作。</p>"):
    return meeting_close(early=True, access=u.sec, meeting=m, minutes=minutes)


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


def test_a_rule_the_hospital_has_not_adopted_pays_nothing_and_the_note_names_it(unit: Unit):
    PointRule.objects.filter(hospital=unit.branch.hospital, code=DED_ABSENT).update(active=False)
    m = schedule(unit)
    for p in unit.full:  # everyone present: no absence needed the missing rule
        attendance_mark(access=unit.sec, meeting=m, person=p, status="present")
    m, notes = close(unit, m)
    assert notes == ["本院积分目录中没有“DED-ABSENT”规则，相应出勤未计积分"]
    rows = roster_of(m)
    assert PointEntry.objects.filter(
        source_type="attendance", source_id__in=[str(rows[p.pk].pk) for p in unit.full]
    ).count() == len(unit.full)
    m2 = schedule(unit)
    m2, notes = close(unit, m2)  # everyone absent: no deduction written
    assert notes == ["本院积分目录中没有“DED-ABSENT”规则，相应出勤未计积分"]
    assert not PointEntry.objects.filter(
        source_type="absence", source_id__in=[str(r.pk) for r in roster_of(m2).values()]
    ).exists()
    assert all(r.points_entry_id is None for r in roster_of(m2).values())


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
