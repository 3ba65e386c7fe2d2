"""How each kind of meeting is run is data (issue 9, item 6): the QR check-in window and the
quorum come from the city's rule in force on the meeting's day, DOMAIN.md's by default."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from hongfan.accounts.models import User
from hongfan.core.access import access_for
from hongfan.orglife.choices import AttendanceStatus, MeetingKind, QuorumOf
from hongfan.orglife.models import MeetingRule
from hongfan.orglife.selectors.rules import meeting_rule_for
from hongfan.orglife.services.attendance import attendance_mark
from hongfan.orglife.services.meetings import meeting_close, meeting_schedule, meeting_update
from hongfan.orglife.services.rules import meeting_rule_revise
from hongfan.orglife.tests.conftest import Unit, ago

pytestmark = pytest.mark.django_db


def city_access():
    return access_for(User.objects.get(username="city"))


def revise(u: Unit, kind: str, before: int = 30, after: int = 30, quorum=QuorumOf.NONE, **kw):
    return meeting_rule_revise(
        access=kw.pop("access", city_access()),
        authority=u.branch.hospital.authority,
        kind=kind,
        checkin_before_minutes=before,
        checkin_after_minutes=after,
        quorum_of=quorum,
        # from yesterday: a meeting of "20 minutes ago" may fall on yesterday just after midnight
        effective_from=kw.pop("effective_from", timezone.localdate() - timedelta(days=1)),
    )


def schedule(u: Unit, kind: str, starts=None):
    starts = starts or ago(minutes=20)
    return meeting_schedule(
        access=u.sec,
        branch=u.branch,
        kind=kind,
        topic="规则测试",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )


def test_by_default_the_code_works_from_30_minutes_before_to_30_after(unit: Unit):
    m = schedule(unit, MeetingKind.THEME_DAY)
    assert m.starts_at - m.checkin_opens_at == timedelta(minutes=30)
    assert m.checkin_closes_at - m.ends_at == timedelta(minutes=30)


def test_a_citys_window_applies_to_meetings_scheduled_after_it(unit: Unit):
    before = schedule(unit, MeetingKind.THEME_DAY)
    revise(unit, MeetingKind.THEME_DAY, before=15, after=5)
    m = schedule(unit, MeetingKind.THEME_DAY)
    assert m.starts_at - m.checkin_opens_at == timedelta(minutes=15)
    assert m.checkin_closes_at - m.ends_at == timedelta(minutes=5)
    before.refresh_from_db()  # a meeting already scheduled keeps its window
    assert before.starts_at - before.checkin_opens_at == timedelta(minutes=30)
    other = schedule(unit, MeetingKind.GENERAL)  # other kinds keep theirs
    assert other.starts_at - other.checkin_opens_at == timedelta(minutes=30)


def test_a_version_from_a_later_day_applies_only_from_that_day(unit: Unit):
    later = timezone.localdate() + timedelta(days=10)
    revise(unit, MeetingKind.THEME_DAY, before=5, after=5, effective_from=later)
    today_meeting = schedule(unit, MeetingKind.THEME_DAY)
    assert today_meeting.starts_at - today_meeting.checkin_opens_at == timedelta(minutes=30)
    starts = timezone.localtime() + timedelta(days=11)
    future = schedule(unit, MeetingKind.THEME_DAY, starts=starts)
    assert future.starts_at - future.checkin_opens_at == timedelta(minutes=5)


def test_moving_a_meeting_takes_the_window_in_force(unit: Unit):
    m = schedule(unit, MeetingKind.THEME_DAY, starts=timezone.localtime() + timedelta(days=2))
    revise(unit, MeetingKind.THEME_DAY, before=10, after=10)
    moved = m.starts_at + timedelta(hours=1)
    meeting_update(access=unit.sec, meeting=m, starts_at=moved, ends_at=moved + timedelta(hours=1))
    m.refresh_from_db()
    assert m.starts_at - m.checkin_opens_at == timedelta(minutes=10)


def test_a_general_meeting_needs_more_than_half_of_its_full_members_by_default(unit: Unit):
    m = schedule(unit, MeetingKind.GENERAL)
    for p in unit.full[:3]:
        attendance_mark(access=unit.sec, meeting=m, person=p, status="present")
    m, _ = meeting_close(early=True, access=unit.sec, meeting=m, minutes="<p>记录</p>")
    assert (m.voters_expected, m.voters_present, m.quorate) == (5, 3, True)


def test_a_kind_set_to_need_no_quorum_is_closed_without_counting_one(unit: Unit):
    revise(unit, MeetingKind.GENERAL, quorum=QuorumOf.NONE)
    m = schedule(unit, MeetingKind.GENERAL)
    m, _ = meeting_close(early=True, access=unit.sec, meeting=m, minutes="<p>记录</p>")
    assert (m.voters_expected, m.voters_present, m.quorate) == (None, None, None)


def test_a_quorum_of_the_whole_roster_counts_the_probationary_members_too(unit: Unit):
    revise(unit, MeetingKind.THEME_DAY, quorum=QuorumOf.ROSTER)
    m = schedule(unit, MeetingKind.THEME_DAY)
    attendance_mark(
        access=unit.sec, meeting=m, person=unit.probationary, status=AttendanceStatus.PRESENT
    )
    m, _ = meeting_close(early=True, access=unit.sec, meeting=m, minutes="<p>记录</p>")
    assert (m.voters_expected, m.voters_present, m.quorate) == (len(unit.people), 1, False)


@pytest.mark.parametrize(
    "kw,says",
    [
        ({"before": 241}, "须在0到240分钟之间"),
        ({"after": -1}, "须在0到240分钟之间"),
        ({"quorum": "half"}, "请选择法定人数的计算方式"),
        ({"kind": "party"}, "请选择会议类型"),
    ],
)
def test_bad_rules_are_refused_and_nothing_is_saved(unit: Unit, kw, says):
    kind = kw.pop("kind", MeetingKind.THEME_DAY)
    with pytest.raises(ValidationError) as info:
        revise(unit, kind, **kw)
    assert says in " ".join(info.value.messages)
    assert not MeetingRule.objects.exists()


def test_only_the_city_admin_changes_the_rules(unit: Unit):
    for access in (unit.admin, unit.sec, unit.member):
        with pytest.raises(PermissionDenied):
            revise(unit, MeetingKind.THEME_DAY, access=access)
    assert not MeetingRule.objects.exists()


def test_the_rules_page_shows_the_rules_in_force_and_saves_a_version(unit: Unit, client_for):
    c = client_for("city")
    url = reverse("orglife:requirements")
    page = c.get(url).content.decode()
    assert "开始前30分钟至结束后30分钟" in page and "默认" in page
    r = c.post(
        url,
        {
            "which": "rule",
            "rule-kind": MeetingKind.THEME_DAY,
            "rule-checkin_before_minutes": "20",
            "rule-checkin_after_minutes": "15",
            "rule-quorum_of": QuorumOf.NONE,
            "rule-effective_from": timezone.localdate().isoformat(),
        },
    )
    assert r.status_code == 302
    rule = meeting_rule_for(
        unit.branch.hospital.authority_id, MeetingKind.THEME_DAY, timezone.localdate()
    )
    assert (rule.checkin_before_minutes, rule.checkin_after_minutes) == (20, 15)
    assert "开始前20分钟至结束后15分钟" in c.get(url).content.decode()


@pytest.mark.parametrize("value", ["999", "-5", "abc", "9" * 30, "\x00", ""])
def test_bad_input_on_the_rules_page_gets_a_message_and_changes_nothing(client_for, value):
    r = client_for("city").post(
        reverse("orglife:requirements"),
        {
            "which": "rule",
            "rule-kind": MeetingKind.THEME_DAY,
            "rule-checkin_before_minutes": value,
            "rule-checkin_after_minutes": "10",
            "rule-quorum_of": QuorumOf.NONE,
            "rule-effective_from": "2026-13-45",
        },
    )
    assert r.status_code == 200 and "invalid-feedback" in r.content.decode()
    assert not MeetingRule.objects.exists()
