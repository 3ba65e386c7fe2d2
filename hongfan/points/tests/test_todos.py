"""points' sources of today's tasks (core.todos): claims and appeals waiting on their
reviewers (counted in the 待办 badge), summed per hospital for the city, and a member's
claims decided in the last week — each for the right role and nobody else."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from hongfan.core import todos
from hongfan.core.access import access_for
from hongfan.core.dates import today
from hongfan.points.models import ClaimStatus
from hongfan.points.tests.factories import PointClaimFactory


def _count(user, title: str) -> int:
    found = todos.todos_for(access_for(user), today())
    return sum(t.count for t in found if t.title == title)


def test_a_pending_claim_waits_on_its_secretary_and_hospital_admin_and_counts_in_the_badge(users):
    title = "待审核的积分申报"
    names = ("sec", "hosp", "hosp2", "member", "city")
    before = {n: _count(users[n], title) for n in names}
    badge_before = todos.waiting_count(access_for(users["sec"]), today())
    PointClaimFactory()
    after = {n: _count(users[n], title) for n in names}
    assert after["sec"] == before["sec"] + 1
    assert after["hosp"] == before["hosp"] + 1
    assert after["hosp2"] == before["hosp2"]
    assert after["member"] == 0 and after["city"] == 0
    assert todos.waiting_count(access_for(users["sec"]), today()) == badge_before + 1
    [task] = [t for t in todos.todos_for(access_for(users["sec"]), today()) if t.title == title]
    assert task.url == reverse("points:claim_review")


def test_the_city_sees_what_waits_on_the_hospitals_without_a_badge(users):
    claim = PointClaimFactory()
    city = access_for(users["city"])
    [task] = [t for t in todos.todos_for(city, today()) if t.source == "points.waiting_city"]
    assert claim.hospital.name in task.detail
    assert todos.waiting_counter(city, today()) is None or all(
        t.source != "points.waiting_city" for t in todos.todos_for(city, today(), badge_only=True)
    )


def test_a_member_hears_of_a_claim_decided_this_week_and_not_of_an_older_one(users):
    title = "积分申报有了结果"
    before = _count(users["member"], title)
    PointClaimFactory(status=ClaimStatus.APPROVED, decided_at=timezone.now() - timedelta(days=1))
    PointClaimFactory(status=ClaimStatus.REJECTED, decided_at=timezone.now() - timedelta(days=2))
    PointClaimFactory(status=ClaimStatus.APPROVED, decided_at=timezone.now() - timedelta(days=9))
    assert _count(users["member"], title) == before + 2
    [task] = [t for t in todos.todos_for(access_for(users["member"]), today()) if t.title == title]
    assert "通过" in task.detail and "驳回" in task.detail
    assert task.url == reverse("points:claims_mine")
    for name in ("hosp", "hosp2", "city"):
        assert _count(users[name], title) == 0
