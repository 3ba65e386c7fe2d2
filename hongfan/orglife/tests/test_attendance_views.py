"""Pages and API of attendance beyond the role matrix: QR check-in (the page, the API, a
forged code, what the code shows to someone off the roster) and the roster ticked at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hongfan.orglife.choices import AttendanceStatus, MeetingKind
from hongfan.orglife.models import Attendance
from hongfan.orglife.services.attendance import attendance_mark
from hongfan.orglife.services.meetings import meeting_cancel
from hongfan.orglife.tests.conftest import Unit, client, meeting, orglife_state

pytestmark = pytest.mark.django_db


def test_a_member_checks_in_from_the_qr_page_then_the_api_refuses_twice(unit: Unit):
    m = meeting(unit)
    c = client(unit.member)
    url = reverse("orglife:checkin", args=[m.pk, m.checkin_token])
    assert "签到" in c.get(url).content.decode()
    r = c.post(url)
    assert r.status_code == 302 and r["Location"] == url
    assert "已签到" in c.get(url).content.decode()
    r = c.post(
        reverse("api-orglife-checkin", args=[m.pk]),
        {"token": m.checkin_token},
        content_type="application/json",
    )
    assert r.status_code == 400 and "无需重复签到" in r.content.decode()
    # A service's plain message is the API's {"detail": [message]} (core.api).
    body = r.json()
    assert list(body) == ["detail"] and len(body["detail"]) == 1
    assert body["detail"][0].endswith("签到，无需重复签到")
    mine = c.get(reverse("api-orglife-meetings")).json()
    row = next(x for x in mine["results"] if x["meeting_id"] == m.pk)
    assert row["status"] == AttendanceStatus.PRESENT


def test_a_forged_qr_link_is_a_404_with_a_message(unit: Unit):
    m = meeting(unit)
    r = client(unit.member).get(reverse("orglife:checkin", args=[m.pk, "forged-token"]))
    assert r.status_code == 404 and "签到码无效" in r.content.decode()


def test_the_rest_of_the_roster_can_be_marked_present_at_once(unit: Unit):
    m = meeting(unit)
    attendance_mark(access=unit.sec, meeting=m, person=unit.full[1], status="leave", reason="手术")
    r = client(unit.sec).post(reverse("orglife:attendance", args=[m.pk]), {"rest": "present"})
    assert r.status_code == 302
    statuses = dict(Attendance.objects.filter(meeting=m).values_list("person_id", "status"))
    assert statuses.pop(unit.full[1].pk) == AttendanceStatus.LEAVE
    assert set(statuses.values()) == {AttendanceStatus.PRESENT}
    other = client(unit.other_sec).post(
        reverse("orglife:attendance", args=[m.pk]), {"rest": "present"}
    )
    assert other.status_code == 403


# --- the QR code lets the roster check in; it shows the meeting to no one else (item 9) -------


def test_someone_off_the_roster_holding_the_code_sees_nothing_of_the_meeting(unit: Unit):
    m = meeting(unit, MeetingKind.COMMITTEE)  # the member is not on the committee
    url = reverse("orglife:checkin", args=[m.pk, m.checkin_token])
    r = client(unit.member).get(url)
    page = r.content.decode()
    assert r.status_code == 200 and "你不在本次会议的参会名单中" in page
    assert m.topic not in page and unit.branch.name not in page
    assert 'id="checkin-button"' not in page


def test_another_hospitals_admin_holding_the_code_sees_nothing(unit: Unit, client_for):
    m = meeting(unit, place="第三会议室")
    r = client_for("hosp2").get(reverse("orglife:checkin", args=[m.pk, m.checkin_token]))
    page = r.content.decode()
    assert m.topic not in page and "第三会议室" not in page


def test_off_the_roster_a_cancelled_meeting_is_not_given_away(unit: Unit):
    m = meeting(unit, MeetingKind.COMMITTEE)
    meeting_cancel(access=unit.sec, meeting=m, reason="临时任务")
    before = orglife_state()
    r = client(unit.member).post(
        reverse("orglife:checkin", args=[m.pk, m.checkin_token]), follow=True
    )
    page = r.content.decode()
    assert "你不在本次会议的参会名单中" in page and "已取消" not in page
    assert orglife_state() == before


def test_the_roster_still_sees_the_meeting_and_checks_in(unit: Unit):
    m = meeting(unit)
    url = reverse("orglife:checkin", args=[m.pk, m.checkin_token])
    page = client(unit.member).get(url).content.decode()
    assert m.topic in page and 'id="checkin-button"' in page


def test_my_orglife_page_counts_the_year_in_one_query_and_shows_its_figures(
    client_for, django_assert_max_num_queries
):
    """我的组织生活: the year's held meetings and attendance come from one aggregate (that
    also counts the rows for the pager), not from loading every roster row of the member."""
    from django.utils import timezone as tz

    from hongfan.accounts.models import User as UserModel
    from hongfan.core.dates import today as today_
    from hongfan.orglife.choices import AttendanceStatus as Status
    from hongfan.orglife.choices import MeetingStatus as MStatus
    from hongfan.orglife.models import Attendance as Row

    member = UserModel.objects.get(username="member")
    client = client_for("member")
    client.get(reverse("orglife:mine"))  # warm the per-process memos
    with django_assert_max_num_queries(10):  # 11 before, and every roster row loaded
        response = client.get(reverse("orglife:mine"))
    assert response.status_code == 200
    year = today_().year
    rows = list(
        Row.objects.filter(person_id=member.person_id)
        .exclude(meeting__status=MStatus.CANCELLED)
        .select_related("meeting")
    )
    held = [
        r
        for r in rows
        if tz.localtime(r.meeting.starts_at).year == year and r.meeting.status == MStatus.HELD
    ]
    attended = sum(1 for r in held if r.status == Status.PRESENT)
    ctx = response.context
    assert (ctx["held"], ctx["attended"]) == (len(held), attended)
    assert ctx["share"] == (round(100 * attended / len(held)) if held else None)
    assert ctx["page"].paginator.count == len(rows)
    assert len(ctx["page"]) == min(30, len(rows))
