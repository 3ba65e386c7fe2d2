"""award_by_code: modules award by a rule code of ``points.rules``; the rule is the active one
of the person's hospital, and its caps, versions and idempotency are those of points_award."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from hongfan.points import rules as codes
from hongfan.points.models import PointEntry, PointRule
from hongfan.points.services.awarding import CodedAward, award_by_code, award_many_by_code
from hongfan.points.services.catalogue import DEFAULT_CATALOGUE
from hongfan.points.tests.conftest import World, ledger_state

pytestmark = pytest.mark.django_db

DAY = date(2025, 6, 2)


def test_every_catalogue_code_is_a_constant():
    assert [code for code, *_ in DEFAULT_CATALOGUE] == list(codes.ALL_CODES)
    assert len(set(codes.ALL_CODES)) == len(codes.ALL_CODES)


def test_an_award_by_code_pays_under_the_hospitals_rule_of_that_code(world: World):
    person = world.a[1]
    result = award_by_code(
        access=None,
        person=person,
        code=codes.ORG_MEETING,
        occurred_on=DAY,
        source_type="attendance",
        source_id="m1-1",
        reason="参加支部党员大会",
    )
    assert result is not None and result.granted == Decimal(2)
    entry = PointEntry.objects.get(pk=result.entry.pk)
    assert entry.rule == PointRule.objects.get(hospital=world.hospital, code=codes.ORG_MEETING)
    assert (entry.source_type, entry.source_id, entry.reason) == (
        "attendance",
        "m1-1",
        "参加支部党员大会",
    )


def test_an_award_by_code_applies_the_caps_and_pays_a_source_once(world: World):
    person = world.a[1]

    def meeting(n: int):
        return award_by_code(
            access=None,
            person=person,
            code=codes.ORG_MEETING,
            occurred_on=DAY,
            source_type="attendance",
            source_id=str(n),
        )

    assert [meeting(n).granted for n in (1, 2, 3)] == [2, 2, 0]  # daily cap 4
    again = meeting(1)
    assert again.duplicate and again.granted == 2


def test_no_active_rule_of_the_code_is_none_and_writes_nothing(world: World):
    PointRule.objects.filter(hospital=world.hospital, code=codes.STUDY_ITEM).update(active=False)
    before = ledger_state()
    assert (
        award_by_code(
            access=None,
            person=world.a[1],
            code=codes.STUDY_ITEM,
            occurred_on=DAY,
            source_type="study",
            source_id="1",
        )
        is None
    )
    assert ledger_state() == before


def test_a_code_not_in_points_rules_is_a_programming_error(world: World):
    with pytest.raises(ValueError, match="NOT-A-CODE"):
        award_by_code(
            access=None,
            person=world.a[1],
            code="NOT-A-CODE",
            occurred_on=DAY,
            source_type="x",
        )


def test_a_batch_by_code_keeps_the_order_and_skips_the_missing_rule(
    world: World, django_assert_max_num_queries
):
    PointRule.objects.filter(hospital=world.hospital, code=codes.DED_ABSENT).update(active=False)
    present, absent, lecturer = world.a[1], world.a[2], world.b[0]
    awards = [
        CodedAward(present, codes.ORG_MEETING, DAY, "attendance", "p"),
        CodedAward(absent, codes.DED_ABSENT, DAY, "absence", "a"),
        CodedAward(lecturer, codes.ORG_LECTURE, DAY, "lecture", "l"),
    ]
    with django_assert_max_num_queries(12):
        results = award_many_by_code(access=None, awards=awards)
    assert results[1] is None
    assert [r.granted for r in (results[0], results[2])] == [Decimal(2), Decimal(5)]
    assert PointEntry.objects.filter(hospital=world.hospital, person=absent).count() == 0


def test_an_empty_batch_is_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert award_many_by_code(access=None, awards=[]) == []
