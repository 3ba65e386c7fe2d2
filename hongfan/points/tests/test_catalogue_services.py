"""The rule catalogue's writes: bad rules are refused and change nothing, versions from a
date, hospitals keep their own catalogue, the city's defaults are seeded and copied."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from hongfan.core.access import access_for
from hongfan.org.tests.factories import PRIMARY, SECOND
from hongfan.points.choices import RuleCategory
from hongfan.points.models import PointRule, PointRuleVersion
from hongfan.points.services.catalogue import (
    point_rule_create,
    point_rule_revise,
    point_rules_copy_defaults,
    point_rules_seed_city,
)
from hongfan.points.tests.conftest import D0, refused

pytestmark = pytest.mark.django_db


def create(access, hospital, code="NEW-1", *, category=RuleCategory.OTHER, **values):
    return lambda: point_rule_create(
        access=access,
        hospital=hospital,
        authority=None,
        code=code,
        name="新规则",
        category=category,
        effective_from=D0,
        values={"points": Decimal(1), **values},
    )


def test_a_rule_with_a_negative_cap_is_refused(world):
    for cap in ("daily_cap", "monthly_cap", "quarterly_cap", "yearly_cap"):
        refused(create(world.admin, world.hospital, **{cap: Decimal(-1)}), says="不能为负数")
    rule = world.rule(2)
    refused(
        lambda: point_rule_revise(
            access=world.admin,
            rule=rule,
            effective_from=date(2025, 6, 1),
            values={"points": Decimal(2), "monthly_cap": Decimal("-0.5")},
        ),
        says="每月上限不能为负数",
    )


def test_a_rule_worth_zero_points_is_refused(world):
    refused(create(world.admin, world.hospital, points=Decimal(0)), says="分值不能为0")
    rule = world.rule(2)
    refused(
        lambda: point_rule_revise(
            access=world.admin, rule=rule, effective_from=date(2025, 6, 1), values={"points": 0}
        ),
        says="分值不能为0",
    )


def test_a_deduction_rule_with_positive_points_is_refused(world):
    refused(
        create(world.admin, world.hospital, category=RuleCategory.DEDUCTION, points=Decimal(3)),
        says="应为负数",
    )
    rule = PointRule.objects.get(hospital=world.hospital, code="DED-ABSENT")
    refused(
        lambda: point_rule_revise(
            access=world.admin, rule=rule, effective_from=date(2025, 6, 1), values={"points": 3}
        ),
        says="应为负数",
    )


def test_a_duplicate_rule_code_is_refused(world):
    rule = world.rule(2)
    refused(create(world.admin, world.hospital, code=rule.code), says="已有相同编码")
    refused(create(world.admin, world.hospital, code=f" {rule.code.lower()} "), says="已有相同编码")
    # The same code in another hospital is another rule.
    assert PointRule.objects.filter(code="ORG-MEETING", hospital__isnull=False).count() >= 2


def test_a_version_dated_before_the_current_one_is_refused(world):
    rule = world.rule(2, effective_from=date(2025, 6, 1))
    refused(
        lambda: point_rule_revise(
            access=world.admin, rule=rule, effective_from=date(2025, 5, 31), values={"points": 3}
        ),
        says="不能早于当前版本",
    )
    refused(
        lambda: point_rule_revise(
            access=world.admin, rule=rule, effective_from=date(2025, 6, 1), values={"points": 3}
        ),
        says="已有一个版本",
    )


def test_hospital_admins_keep_only_their_own_catalogue(users, demo_rules):
    hosp, hosp2, sec = (access_for(users[u]) for u in ("hosp", "hosp2", "sec"))
    primary_rule = demo_rules[PRIMARY]["ORG-MEETING"]
    city_rule = primary_rule.copied_from
    primary = primary_rule.hospital
    for call in [
        create(hosp, None),  # the city's catalogue
        create(hosp2, primary),  # another hospital's
        create(sec, primary),  # a secretary
    ]:
        refused(call, exc=PermissionDenied)
    for access, rule in [(hosp, city_rule), (hosp2, primary_rule), (sec, primary_rule)]:
        refused(
            lambda a=access, r=rule: point_rule_revise(
                access=a, rule=r, effective_from=date(2026, 1, 1), values={"points": 9}
            ),
            exc=PermissionDenied,
        )
    refused(lambda: point_rules_copy_defaults(access=hosp2, hospital=primary), exc=PermissionDenied)


def test_the_city_publishes_a_default_that_hospitals_copy(users, demo_authority, demo_rules):
    city = access_for(users["city"])
    rule = point_rule_create(
        access=city,
        hospital=None,
        authority=demo_authority,
        code="vol-rescue",
        name="应急救援",
        category=RuleCategory.VOLUNTEER,
        effective_from=D0,
        values={"points": Decimal(5), "yearly_cap": Decimal(20), "needs_approval": True},
    )
    point_rule_revise(
        access=city,
        rule=rule,
        effective_from=date(2026, 1, 1),
        values={"points": Decimal(6), "yearly_cap": Decimal(24), "needs_approval": True},
    )
    assert rule.code == "VOL-RESCUE"
    second = demo_rules[SECOND]["ORG-MEETING"].hospital
    hosp2 = access_for(users["hosp2"])
    assert point_rules_copy_defaults(access=hosp2, hospital=second) == 1
    assert point_rules_copy_defaults(access=hosp2, hospital=second) == 0
    copy = PointRule.objects.get(hospital=second, code="VOL-RESCUE")
    assert copy.copied_from_id == rule.pk
    assert list(copy.versions.order_by("effective_from").values_list("points", "yearly_cap")) == [
        (5, 20),
        (6, 24),
    ]
    # The hospital adjusts its copy; the city's default stays as it was.
    point_rule_revise(
        access=hosp2, rule=copy, effective_from=date(2026, 6, 1), values={"points": Decimal(8)}
    )
    assert rule.versions.count() == 2


def test_seeding_the_city_catalogue_is_idempotent(demo_authority, demo_rules):
    n = PointRuleVersion.objects.count()
    assert point_rules_seed_city(authority=demo_authority, effective_from=D0) == 0
    assert PointRuleVersion.objects.count() == n
    codes = set(PointRule.objects.filter(authority=demo_authority).values_list("code", flat=True))
    assert {"ORG-MEETING", "STUDY-ITEM", "VOL-HOUR", "DED-ABSENT", "DED-COMPLAINT"} <= codes
    for rule in PointRule.objects.filter(authority=demo_authority, category="deduction"):
        assert all(v.points < 0 for v in rule.versions.all())
