"""ReviewFilter: the tabs of the claim and appeal review queues; bad input falls back to the
pending tab, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hongfan.points.filters import ReviewFilter
from hongfan.points.models import PointClaim


@pytest.mark.parametrize(
    ("raw", "tab"),
    [
        ("pending", "pending"),
        ("decided", "decided"),
        ("all", "all"),
        ("", "pending"),
        ("nonsense", "pending"),
        ("\x00", "pending"),
        ("9" * 40, "pending"),
    ],
)
def test_the_tab_is_read_as_before(db, raw, tab):
    assert ReviewFilter({"status": raw}, queryset=PointClaim.objects.all()).status_value() == tab


def test_pending_comes_oldest_first_and_decided_newest_first(db):
    pending = ReviewFilter({}, queryset=PointClaim.objects.all()).qs
    assert all(c.status == "pending" for c in pending)
    decided = ReviewFilter({"status": "decided"}, queryset=PointClaim.objects.all()).qs
    assert all(c.status != "pending" for c in decided)
    assert str(decided.query).count("ORDER BY") == 1


@pytest.mark.parametrize("raw", ["\x00", "9" * 40, "decided\x00", "²", "2026-13-45"])
@pytest.mark.parametrize("name", ["points:claim_review", "points:appeal_review"])
def test_bad_tabs_are_never_a_500(client_for, name, raw):
    r = client_for("hosp").get(reverse(name), {"status": raw, "page": raw})
    assert r.status_code == 200
