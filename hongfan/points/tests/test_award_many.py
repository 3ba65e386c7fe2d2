"""points_award_many: a batch (a meeting's attendance) pays like single awards, in one
transaction, and is refused whole when one request is not allowed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hongfan.org.choices import PoliticalStatus
from hongfan.points.models import PointEntry
from hongfan.points.services.awarding import AwardRequest, points_award, points_award_many
from hongfan.points.tests.conftest import (
    World,
    expected_totals,
    ledger_state,
    nonzero,
    stored_totals,
)

pytestmark = pytest.mark.django_db
DAY = date(2025, 3, 4)


def req(person, rule, source: str = "", day: date = DAY, **kw) -> AwardRequest:
    return AwardRequest(person, rule, day, kw.pop("source_type", "meeting"), source, **kw)


def test_a_batch_pays_everyone_and_the_totals_equal_the_ledger(world: World):
    rule = world.rule(2)
    people = world.a + world.b
    results = points_award_many(
        access=world.admin, awards=[req(p, rule, f"att-{p.pk}") for p in people]
    )
    assert [r.granted for r in results] == [Decimal(2)] * len(people)
    assert all(r.entry is not None and r.entry.pk for r in results)
    assert PointEntry.objects.filter(rule=rule).count() == len(people)
    assert nonzero(stored_totals(world.hospital)) == nonzero(expected_totals(world.hospital))


def test_caps_count_the_batchs_own_earlier_awards(world: World):
    rule = world.rule(2, daily_cap=5)
    member = world.a[1]
    results = points_award_many(
        access=world.admin, awards=[req(member, rule, f"s{i}") for i in range(4)]
    )
    assert [r.granted for r in results] == [Decimal(2), Decimal(2), Decimal(1), Decimal(0)]
    assert results[2].capped_by == "day" and "每日上限" in results[2].message
    assert results[3].entry is None
    # and a single award afterwards sees the batch's use of the cap
    assert points_award(
        access=world.admin,
        person=member,
        rule=rule,
        occurred_on=DAY,
        source_type="meeting",
        source_id="later",
    ).granted == Decimal(0)


def test_a_source_repeated_in_the_batch_or_before_pays_once(world: World):
    rule = world.rule(3)
    first = points_award_many(access=world.admin, awards=[req(world.a[1], rule, "att-1")])
    again = points_award_many(
        access=world.admin,
        awards=[
            req(world.a[1], rule, "att-1"),
            req(world.a[2], rule, "att-2"),
            req(world.a[2], rule, "att-2"),
        ],
    )
    assert again[0].duplicate and again[0].entry == first[0].entry
    assert not again[1].duplicate and again[1].granted == 3
    assert again[2].duplicate and again[2].entry == again[1].entry
    assert PointEntry.objects.filter(rule=rule).count() == 2


def test_one_non_member_refuses_the_whole_batch_and_writes_nothing(world: World):
    rule = world.rule(2)
    outsider = world.b[1]
    outsider.political_status = PoliticalStatus.MASSES
    outsider.save()
    before = ledger_state()
    with pytest.raises(ValidationError) as info:
        points_award_many(
            access=world.admin,
            awards=[req(world.a[1], rule, "x1"), req(outsider, rule, "x2")],
        )
    assert "不是在册党员" in str(info.value)
    assert ledger_state() == before


def test_a_secretary_cannot_slip_another_branchs_member_into_a_batch(world: World):
    rule = world.rule(2)
    before = ledger_state()
    with pytest.raises(PermissionDenied):
        points_award_many(
            access=world.sec_a, awards=[req(world.a[1], rule, "y1"), req(world.b[1], rule, "y2")]
        )
    assert ledger_state() == before


def test_a_batch_costs_the_same_statements_whatever_its_size(world: World):
    rule = world.rule(1)

    def statements(n: int, tag: str) -> int:
        people = (world.a + world.b)[:n]
        with CaptureQueriesContext(connection) as ctx:
            points_award_many(
                access=world.admin, awards=[req(p, rule, f"{tag}-{p.pk}") for p in people]
            )
        return len(ctx.captured_queries)

    assert statements(1, "one") == statements(len(world.a + world.b), "all")


def test_awkward_sources_and_reasons_are_stored_exactly_and_still_pay_once(world: World):
    # PostgreSQL receives a batch's values as array literals: quotes, backslashes, commas,
    # braces, NULL-like words and Chinese text must all arrive unchanged.
    rule = world.rule(1)
    sources = ['a"b', "c\\d", "e,f", "{g}", "NULL", "会议 2025-03-04"]
    people = (world.a + world.b)[: len(sources)]
    awards = [
        req(p, rule, s, reason=f"理由 {s} \"'\\") for p, s in zip(people, sources, strict=True)
    ]
    first = points_award_many(access=world.admin, awards=awards)
    assert [r.entry.source_id for r in first if r.entry] == sources
    stored = {e.source_id: e.reason for e in PointEntry.objects.filter(rule=rule)}
    assert stored == {s: f"理由 {s} \"'\\" for s in sources}
    again = points_award_many(access=world.admin, awards=awards)
    assert all(r.duplicate for r in again)
    assert PointEntry.objects.filter(rule=rule).count() == len(sources)


def test_the_statements_text_does_not_depend_on_the_batch_size(world: World):
    # so that PostgreSQL prepares each statement once per connection
    rule = world.rule(1)

    def texts(n: int, tag: str) -> list[str]:
        people = (world.a + world.b)[:n]
        with CaptureQueriesContext(connection) as ctx:
            points_award_many(
                access=world.admin, awards=[req(p, rule, f"{tag}-{p.pk}") for p in people]
            )
        return [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]

    if connection.vendor != "postgresql":
        pytest.skip("SQLite statements list their values")
    one = texts(1, "one")
    assert len(one) == 3  # lock, read, write
    assert one == texts(len(world.a + world.b), "all")
