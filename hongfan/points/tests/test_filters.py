"""ReviewFilter: the tabs of the claim and appeal review queues; bad input falls back to the
pending tab, never a 500."""

from __future__ import annotations

from datetime import date

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


# --- RankingQuery: the rankings page, its export and the API read the same parameters ------


def _query(params):
    from django.test import RequestFactory

    from hongfan.points.filters import RankingQuery

    return RankingQuery(RequestFactory().get("/", params))


@pytest.mark.parametrize(
    ("params", "period", "start"),
    [
        ({}, "quarter", None),
        ({"period": "month", "at": "2025-05-06"}, "month", date(2025, 5, 1)),
        ({"period": "quarter", "at": "2025-05-06"}, "quarter", date(2025, 4, 1)),
        ({"period": "year", "at": "2025-05-06"}, "year", date(2025, 1, 1)),
        ({"period": "weekly", "at": "2025-05-06"}, "quarter", date(2025, 4, 1)),
        ({"period": "9" * 40}, "quarter", None),
        ({"period": "\x00"}, "quarter", None),
        ({"at": "2025-13-45"}, "quarter", None),
        ({"at": "\x00"}, "quarter", None),
        ({"at": "9" * 40}, "quarter", None),
        ({"at": "²"}, "quarter", None),
        ({"at": "9999-12-31"}, "quarter", None),  # a day not yet come is today
    ],
)
def test_the_period_is_read_as_before(params, period, start):
    from hongfan.core.dates import today
    from hongfan.points.periods import period_start

    expected = start or period_start(period, today())
    assert _query(params).period_and_start() == (period, expected)


@pytest.mark.parametrize(
    ("raw", "scope"),
    [
        ("city", "city"),
        ("hospital", "hospital"),
        ("", "hospital"),
        ("nation", "hospital"),
        ("\x00", "hospital"),
        ("9" * 40, "hospital"),
    ],
)
def test_the_scope_is_city_or_hospital(raw, scope):
    assert _query({"scope": raw}).scope_value() == scope


@pytest.mark.parametrize(
    ("raw", "branch"),
    [
        ("12", 12),
        ("", None),
        ("abc", None),
        ("-1", None),
        ("²", None),
        ("١٢", None),
        ("9" * 40, int("9" * 40)),
    ],
)
def test_a_branch_is_ascii_digits(raw, branch):
    assert _query({"branch": raw}).branch_id() == branch
