"""Concurrent awards from threads, on real transactions (SQLite and PostgreSQL): a cap is
never exceeded, no entry or total update is lost, the same source pays exactly once.

Database notes (as in hongfan/org/tests/test_browser.py). ``transaction=True`` tests run on
committed data and the database is *flushed* at their teardown, which also deletes the
session's demo city. So these tests build what they need from scratch (they do not rely on
the demo city), and ``_restore_demo_city`` rebuilds the demo once after the last test of this
module, for the tests that run later in the same session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum

from hongfan.core.access import Access
from hongfan.core.roles import Role
from hongfan.core.testing.demo import restore_after_module
from hongfan.core.testing.threads import in_threads as run_in_threads
from hongfan.org.choices import DepartmentKind, PoliticalStatus
from hongfan.org.models import Authority, Branch, Department, Hospital, Person
from hongfan.org.tests.factories import make_person
from hongfan.points.choices import EntryKind, Period, RuleCategory
from hongfan.points.models import PointEntry, PointRule, PointTotal
from hongfan.points.selectors.ledger import points_check
from hongfan.points.services.awarding import points_award
from hongfan.points.services.catalogue import point_rule_create
from hongfan.points.services.ledger import points_reverse
from hongfan.points.tests.conftest import make_access

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
EACH = 10
DAY = date(2025, 6, 2)


@pytest.fixture(scope="module", autouse=True)
def _restore_demo_city(django_db_blocker: Any) -> Iterator[None]:
    yield from restore_after_module(django_db_blocker)


@dataclass
class Scratch:
    hospital: Hospital
    people: list[Person]
    admin: Access

    def rule(self, points: int, **caps: int) -> PointRule:
        return point_rule_create(
            access=self.admin,
            hospital=self.hospital,
            authority=None,
            code=f"C-{PointRule.objects.count() + 1}",
            name="并发测试规则",
            category=RuleCategory.OTHER,
            effective_from=date(2025, 1, 1),
            values={"points": Decimal(points), **{k: Decimal(v) for k, v in caps.items()}},
        )


@pytest.fixture
def scratch() -> Scratch:
    authority = Authority.objects.create(name="并发测试卫健委", city="测试市")
    hospital = Hospital.objects.create(authority=authority, name="并发测试医院")
    dept = Department.objects.create(
        hospital=hospital, name="并发测试科", kind=DepartmentKind.CLINICAL
    )
    branch = Branch.objects.create(hospital=hospital, name="并发测试党支部")
    branch.departments.add(dept)
    people = [
        make_person(hospital, branch=branch, political_status=PoliticalStatus.MEMBER)
        for _ in range(3)
    ]
    admin = make_access("conc_admin", roles=[(Role.HOSPITAL_ADMIN, hospital, None)])
    return Scratch(hospital, people, admin)


def in_threads(work: Callable[[int], list[Any]], n: int | None = None) -> list[Any]:
    return run_in_threads(work, n or THREADS)


def ledger_sum(**filters: Any) -> Decimal:
    return PointEntry.objects.filter(**filters).aggregate(s=Sum("points"))["s"] or Decimal(0)


def totals(person: Person, rule: PointRule | None, day: date) -> dict[str, Decimal]:
    from hongfan.points.periods import ALL_PERIODS, period_start

    out = {}
    for period in ALL_PERIODS:
        t = PointTotal.objects.filter(
            person=person, rule=rule, period=period, period_start=period_start(period, day)
        ).first()
        # overall rows: the points; a rule's rows: what its caps count (their points are 0)
        out[str(period)] = (t.points if rule is None else t.earned) if t else Decimal(0)
    return out


def test_concurrent_awards_never_exceed_the_daily_cap(scratch):
    rule = scratch.rule(3, daily_cap=20)  # 80 awards of 3 asked for, 20 allowed: 6 × 3 + 2
    m = scratch.people[0]

    def work(i: int) -> list[Any]:
        return [
            points_award(
                access=scratch.admin,
                person=m,
                rule=rule,
                occurred_on=DAY,
                source_type="conc",
                source_id=f"{i}-{k}",
            )
            for k in range(EACH)
        ]

    results = in_threads(work)
    assert len(results) == THREADS * EACH
    paid = [r for r in results if r.entry is not None]
    assert sorted(r.granted for r in paid) == [2] + [3] * 6
    assert [r.capped_by for r in paid if r.granted == 2] == [Period.DAY]
    assert all(r.granted == 0 and r.capped_by == Period.DAY for r in results if not r.entry)
    assert sum(r.granted for r in results) == 20
    assert PointEntry.objects.filter(person=m).count() == 7
    assert ledger_sum(person=m) == 20
    assert set(totals(m, rule, DAY).values()) == {Decimal(20)}
    assert set(totals(m, None, DAY).values()) == {Decimal(20)}
    assert PointTotal.objects.get(person=m, rule=rule, period=Period.DAY).earned == 20
    assert points_check(hospital=scratch.hospital) == []


def test_concurrent_awards_lose_no_entry_and_no_total(scratch):
    rule, other = scratch.rule(1), scratch.rule(2, monthly_cap=1000)
    a, b = scratch.people[0], scratch.people[1]

    def work(i: int) -> list[Any]:
        out = []
        for k in range(EACH):  # two members, two rules, interleaved
            person, r = (a, rule) if k % 2 else (b, other)
            out.append(
                points_award(
                    access=None,
                    person=person,
                    rule=r,
                    occurred_on=DAY,
                    source_type="conc",
                    source_id=f"{i}-{k}",
                )
            )
        return out

    results = in_threads(work)
    assert all(r.entry is not None and not r.duplicate for r in results)
    half = THREADS * EACH // 2
    assert PointEntry.objects.filter(person=a).count() == half
    assert PointEntry.objects.filter(person=b).count() == half
    assert set(totals(a, None, DAY).values()) == {Decimal(half)} == {ledger_sum(person=a)}
    assert set(totals(b, None, DAY).values()) == {Decimal(2 * half)} == {ledger_sum(person=b)}
    assert points_check(hospital=scratch.hospital) == []


def test_the_same_source_from_many_threads_pays_exactly_once(scratch):
    rule = scratch.rule(2)
    m = scratch.people[0]

    def work(i: int) -> list[Any]:
        return [
            points_award(
                access=scratch.admin,
                person=m,
                rule=rule,
                occurred_on=DAY,
                source_type="meeting_attendance",
                source_id="42",
            )
            for _ in range(3)
        ]

    results = in_threads(work)
    assert sum(not r.duplicate for r in results) == 1
    assert {r.entry.pk for r in results} == {PointEntry.objects.get(person=m).pk}
    assert ledger_sum(person=m) == 2
    assert set(totals(m, None, DAY).values()) == {Decimal(2)}
    assert points_check(hospital=scratch.hospital) == []


def test_the_same_source_for_different_members_pays_exactly_once(scratch):
    """Different members do not wait for each other's lock: the unique key decides."""
    rule = scratch.rule(2)

    def work(i: int) -> list[Any]:
        return [
            points_award(
                access=scratch.admin,
                person=scratch.people[i % 3],
                rule=rule,
                occurred_on=DAY,
                source_type="patient_praise",
                source_id="9",
            )
        ]

    results = in_threads(work)
    assert sum(not r.duplicate for r in results) == 1
    assert PointEntry.objects.filter(hospital=scratch.hospital).count() == 1
    assert points_check(hospital=scratch.hospital) == []


def test_an_entry_reversed_from_many_threads_is_reversed_once(scratch):
    rule = scratch.rule(5)
    m = scratch.people[0]
    entry = points_award(
        access=scratch.admin, person=m, rule=rule, occurred_on=DAY, source_type="conc"
    ).entry

    def work(i: int) -> list[Any]:
        try:
            return [points_reverse(access=scratch.admin, entry=entry, reason=f"并发冲正{i}")]
        except ValidationError as exc:
            return [exc]

    results = in_threads(work)
    reversals = [r for r in results if isinstance(r, PointEntry)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(reversals) == 1 and len(refused) == THREADS - 1
    assert all("已冲正" in str(e) for e in refused)
    assert PointEntry.objects.filter(kind=EntryKind.REVERSAL).count() == 1
    assert ledger_sum(person=m) == 0
    assert set(totals(m, None, DAY).values()) == {Decimal(0)}
    assert points_check(hospital=scratch.hospital) == []
