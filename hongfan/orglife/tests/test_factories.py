"""The orglife factories build valid rows; a meeting they make reaches the member's
我的组织生活 page; and the secretary's meeting list and the member's page cost the same
whatever the number of meetings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hongfan.org.tests.factories import sec_branch
from hongfan.orglife.choices import AttendanceStatus, MeetingKind
from hongfan.orglife.models import Attendance
from hongfan.orglife.tests.factories import (
    AppraisalFactory,
    AttendanceFactory,
    MeetingFactory,
    MeetingRequirementFactory,
    MeetingRuleFactory,
)

pytestmark = pytest.mark.django_db


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_orglife_factories_build_valid_rows():
    meeting = MeetingFactory()
    rows = [
        meeting,
        MeetingFactory(held=True),
        MeetingFactory(kind=MeetingKind.GROUP),
        AttendanceFactory(),
        MeetingRuleFactory(),
        MeetingRequirementFactory(),
        AppraisalFactory(meeting=meeting),
        *Attendance.objects.filter(meeting=meeting),
    ]
    for row in rows:
        row.full_clean()


def test_a_meeting_from_the_factory_has_the_branch_on_its_roster_and_full_members_vote():
    meeting = MeetingFactory()
    rows = list(meeting.attendance.select_related("person"))
    assert rows, "the demo secretary's branch has members"
    assert {r.person.branch_id for r in rows} == {meeting.branch_id}
    assert all(r.status == AttendanceStatus.EXPECTED for r in rows)
    assert any(r.voting for r in rows)
    assert (
        meeting.checkin_opens_at < meeting.starts_at < meeting.ends_at < meeting.checkin_closes_at
    )


def test_a_meeting_from_the_factory_appears_on_the_members_page(users, client_for):
    person = users["member"].person
    meeting = MeetingFactory(branch=person.branch, topic="十二月主题党日：重温入党誓词")
    assert meeting.attendance.filter(person=person).exists()
    MeetingFactory(branch=person.branch, topic="别人的会议", roster=[])
    html = client_for("member").get(reverse("orglife:mine")).content.decode()
    assert "十二月主题党日：重温入党誓词" in html
    assert "别人的会议" not in html


def test_the_secretarys_meeting_list_costs_the_same_with_twenty_more_meetings(
    client_for, django_assert_max_num_queries
):
    branch = sec_branch()
    start = timezone.now() - timedelta(hours=3)
    MeetingFactory.create_batch(3, branch=branch, starts_at=start)
    client = client_for("sec")
    url = reverse("orglife:meetings")
    count_queries(client, url)  # warm up (the first request of a session does a few more)
    before = count_queries(client, url)
    MeetingFactory.create_batch(20, branch=branch, starts_at=start)
    page = client.get(url).context["page"]
    assert page.paginator.count >= 23
    assert count_queries(client, url) == before
    with django_assert_max_num_queries(14):  # 12, and the secretary's 待办 badge
        client.get(url)


def test_the_members_page_costs_the_same_with_twenty_more_meetings(
    users, client_for, django_assert_max_num_queries
):
    branch = users["member"].person.branch
    MeetingFactory.create_batch(3, branch=branch)
    client = client_for("member")
    url = reverse("orglife:mine")
    count_queries(client, url)
    before = count_queries(client, url)
    MeetingFactory.create_batch(10, branch=branch)
    MeetingFactory.create_batch(10, branch=branch, held=True)
    assert count_queries(client, url) == before
    with django_assert_max_num_queries(12):
        client.get(url)
