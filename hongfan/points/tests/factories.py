"""factory_boy builders of 积分 rows: a hospital's rule with its version and a member's pending
claim (the 季度之星 selection's is in hongfan.recognition.tests.factories).

The session's demo city is the background: rows belong by default to the demo's primary
hospital, and a claim is made by the demo member ``member`` (of ``sec``'s branch), so the
demo's ``sec`` reviews it. Rows are written straight to the tables (no service, no audit
row), as the services would write them.

The ledger (``PointEntry``, ``PointTotal``) has no factory on purpose: it is append-only and
written only by the award engine; a test that needs points awards them with
``hongfan.points.services.awarding``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from hongfan.accounts.models import User
from hongfan.core.dates import today
from hongfan.org.models import Person
from hongfan.org.tests.factories import primary
from hongfan.points.choices import RuleCategory
from hongfan.points.models import (
    ClaimStatus,
    PointClaim,
    PointRule,
    PointRuleVersion,
)

# A factory rule's version is in force from long before any claim a test makes.
RULES_FROM = date(2020, 1, 1)


def demo_member() -> Person:
    """The person of the demo login ``member``."""
    person = User.objects.get(username="member").person
    assert person is not None
    return person


class PointRuleVersionFactory(DjangoModelFactory):
    """The numbers of a rule from 2020 on: 2 points, no caps, claims need the secretary."""

    class Meta:
        model = PointRuleVersion

    rule = factory.SubFactory("hongfan.points.tests.factories.PointRuleFactory", versions=None)
    effective_from = RULES_FROM
    points = Decimal("2.0")
    needs_approval = True


class PointRuleFactory(DjangoModelFactory):
    """An active rule of the primary hospital with one version (see
    ``PointRuleVersionFactory``; ``versions__points=...`` etc. change its numbers)."""

    class Meta:
        model = PointRule
        skip_postgeneration_save = True

    authority = None
    hospital = factory.LazyFunction(primary)
    code = factory.Sequence(lambda n: f"FX-{n}")
    name = factory.Sequence(lambda n: f"测试积分规则{n}")
    category = RuleCategory.OTHER
    active = True
    versions = factory.RelatedFactory(PointRuleVersionFactory, factory_related_name="rule")


class PointClaimFactory(DjangoModelFactory):
    """A pending claim of the demo ``member`` under a new rule of their hospital, for today,
    with a written description as its evidence."""

    class Meta:
        model = PointClaim

    person = factory.LazyFunction(demo_member)
    hospital = factory.LazyAttribute(lambda o: o.person.hospital)
    rule = factory.LazyAttribute(lambda o: PointRuleFactory(hospital=o.hospital))
    occurred_on = factory.LazyFunction(today)
    quantity = Decimal("1.0")
    description = factory.Sequence(lambda n: f"参加社区义诊志愿服务（第{n}次）")
    status = ClaimStatus.PENDING
