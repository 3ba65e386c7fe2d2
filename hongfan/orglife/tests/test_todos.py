"""orglife's sources of today's tasks (core.todos): a member's next meeting with the one-tap
签到 while its window is open, meetings held but not recorded, and requirements overdue or
about to be — each for the right role and nobody else."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hongfan.core import todos
from hongfan.core.access import access_for
from hongfan.core.dates import today
from hongfan.core.roles import Role
from hongfan.org.choices import PoliticalStatus
from hongfan.org.tests.factories import make_branch, make_person, make_user, sec_branch, second
from hongfan.orglife.choices import AttendanceStatus
from hongfan.orglife.models import Attendance
from hongfan.orglife.tests.factories import MeetingFactory


def _tasks(user, source: str, day: date | None = None) -> list[todos.Todo]:
    found = todos.todos_for(access_for(user), day or today())
    return [t for t in found if t.source.startswith(source)]


def _meeting_in(minutes: int, **kw):
    start = timezone.now() + timedelta(minutes=minutes)
    return MeetingFactory(
        starts_at=start, ends_at=start + timedelta(hours=1), topic="学习贯彻全会精神", **kw
    )


@pytest.fixture
def fresh(db):
    """A member of a new branch (no meeting of the demo's in their way) and the branch."""
    branch = make_branch(full=2)
    person = make_person(branch=branch, political_status=PoliticalStatus.MEMBER)
    return make_user("member_fresh", person=person, roles=[(Role.MEMBER, None, None)]), branch


def test_a_member_sees_their_next_online_meeting_with_a_one_tap_checkin_while_it_is_open(
    fresh, client
):
    user, branch = fresh
    m = _meeting_in(10, branch=branch, online=True)  # the window opens before the start
    [task] = _tasks(user, "orglife.next_meeting")
    assert task.title == "会议签到：学习贯彻全会精神"
    assert task.action == "签到" and task.post
    assert task.url == reverse("orglife:checkin", args=[m.pk, m.checkin_token])
    # the tap checks in; the task then says so and offers nothing more
    client.force_login(user)
    assert client.post(task.url).status_code == 302
    row = Attendance.objects.get(meeting=m, person=user.person)
    assert row.status == AttendanceStatus.PRESENT
    [task] = _tasks(user, "orglife.next_meeting")
    assert task.action == "" and "已签到" in task.detail


def test_a_meeting_in_the_room_asks_for_the_qr_scan_and_never_carries_the_checkin_token(fresh):
    """Presence in the room is proved by scanning the code shown there: a member at home
    must not be handed the token by their home page."""
    user, branch = fresh
    m = _meeting_in(10, branch=branch)
    [task] = _tasks(user, "orglife.next_meeting")
    assert task.title == "会议签到：学习贯彻全会精神"
    assert not task.post and task.action == ""
    assert task.url == reverse("orglife:meeting", args=[m.pk])
    assert "扫描会场二维码" in task.detail and "党员活动室" in task.detail
    assert m.checkin_token not in task.url


def test_a_meeting_whose_window_is_not_open_is_shown_without_checkin(fresh):
    user, branch = fresh
    m = _meeting_in(60 * 24 * 2, branch=branch)
    [task] = _tasks(user, "orglife.next_meeting")
    assert task.action == ""
    assert task.url == reverse("orglife:meeting", args=[m.pk])
    assert f"{m.day.month}月{m.day.day}日" in task.detail


def test_nobody_off_the_roster_gets_the_meeting(fresh, users):
    user, branch = fresh
    _meeting_in(10, branch=branch, roster=[user.person])
    assert _tasks(user, "orglife.next_meeting")
    for name in ("hosp", "hosp2", "city"):
        assert _tasks(users[name], "orglife.next_meeting") == []
    other = make_person(branch=branch, political_status=PoliticalStatus.MEMBER)
    off = make_user("member_off", person=other, roles=[(Role.MEMBER, None, None)])
    assert _tasks(off, "orglife.next_meeting") == []


def _unrecorded(user) -> int:
    return sum(t.count for t in _tasks(user, "orglife.unrecorded"))


def test_a_meeting_held_but_not_recorded_waits_on_its_secretary_and_hospital(users):
    before = {n: _unrecorded(users[n]) for n in ("sec", "hosp", "hosp2", "city", "member")}
    start = timezone.now() - timedelta(days=2)
    MeetingFactory(starts_at=start, ends_at=start + timedelta(hours=1))
    after = {n: _unrecorded(users[n]) for n in before}
    assert after["sec"] == before["sec"] + 1
    assert after["hosp"] == before["hosp"] + 1
    assert after["city"] == before["city"] + 1
    assert after["hosp2"] == before["hosp2"]
    assert after["member"] == 0


def test_the_city_sees_unrecorded_meetings_summed_per_hospital(users):
    start = timezone.now() - timedelta(days=1)
    MeetingFactory(starts_at=start, ends_at=start + timedelta(hours=1))
    [task] = _tasks(users["city"], "orglife.unrecorded")
    assert sec_branch().hospital.name in task.detail


def test_a_secretary_is_told_of_requirements_overdue_and_about_to_be(db):
    branch = make_branch(full=3)
    person = make_person(branch=branch, political_status=PoliticalStatus.MEMBER)
    user = make_user("sec_fresh", person=person, roles=[(Role.BRANCH_SECRETARY, None, branch)])
    day = date(today().year, 6, 20)  # the first quarter is over, the second ends soon
    got = {t.title: t for t in _tasks(user, "orglife.compliance", day)}
    assert got["组织生活已逾期"].urgency == todos.OVERDUE
    assert "第1季度" in got["组织生活已逾期"].detail
    assert got["组织生活即将到期"].due == date(day.year, 6, 30)
    assert got["组织生活即将到期"].url == reverse("orglife:calendar", args=[branch.pk])
    # no one else is asked about this branch as its secretary
    other = make_user(
        "member_fresh",
        person=make_person(branch=branch, political_status=PoliticalStatus.MEMBER),
        roles=[(Role.MEMBER, None, None)],
    )
    assert _tasks(other, "orglife.compliance", day) == []


def test_a_hospital_admin_sees_their_branches_counted_and_the_city_the_tallies(users):
    from hongfan.orglife.models import ComplianceTally

    day = date(today().year, 6, 20)

    def overdue(name: str) -> int:
        found = _tasks(users[name], "orglife.compliance", day)
        return sum(t.count for t in found if t.title == "组织生活已逾期")

    before = {n: overdue(n) for n in ("hosp", "hosp2")}
    b = make_branch(second(), full=2)
    assert overdue("hosp2") > before["hosp2"]
    assert overdue("hosp") == before["hosp"]
    [task] = [
        t for t in _tasks(users["hosp2"], "orglife.compliance", day) if t.title == "组织生活已逾期"
    ]
    assert task.url == reverse("orglife:matrix") and "个支部" in task.detail
    # the city reads the stored tallies, per hospital
    ComplianceTally.objects.create(
        branch=b, hospital=b.hospital, year=day.year, computed_on=day, overdue=5, due=2
    )
    [city] = _tasks(users["city"], "orglife.compliance", day)
    assert city.count >= 5 and second().name in city.detail
    assert _tasks(users["member"], "orglife.compliance", day) == []
