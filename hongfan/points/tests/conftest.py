"""Fixtures for the points tests.

The session's demo city (root conftest) is the background for the role checks; the figures
(caps, totals, rankings) are checked in a hospital of their own (``world``) so that whatever
demo points the demo builder adds cannot change them. Rules are seeded here as well (both
services are idempotent), so the tests do not depend on the demo having a catalogue.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum

from hongfan.accounts.models import RoleAssignment, User
from hongfan.core.access import Access, access_for
from hongfan.core.roles import Role
from hongfan.org.models import Authority, Branch, Hospital, Person
from hongfan.org.tests.factories import PRIMARY, SECOND, make_branch
from hongfan.points.choices import EntryKind, RuleCategory
from hongfan.points.models import PointEntry, PointRule, PointRuleVersion, PointTotal
from hongfan.points.periods import ALL_PERIODS, period_start
from hongfan.points.services.catalogue import (
    point_rule_create,
    point_rules_copy_defaults,
    point_rules_seed_city,
)

D0 = date(2025, 1, 1)  # the catalogue's first version in these tests
_codes = itertools.count(1)


def messages_of(exc: ValidationError) -> str:
    return " ".join(m for msgs in exc.message_dict.values() for m in msgs)


def ledger_state() -> tuple[Any, ...]:
    """What a refused write must leave unchanged."""
    return (
        PointEntry.objects.count(),
        PointTotal.objects.count(),
        PointTotal.objects.aggregate(p=Sum("points"), e=Sum("earned")),
        PointRule.objects.count(),
        PointRuleVersion.objects.count(),
        list(PointRule.objects.order_by("pk").values_list("name", "active")),
    )


def expected_totals(hospital: Hospital) -> dict[tuple, tuple[Decimal, Decimal]]:
    """Every rollup row a hospital should have, computed from its ledger alone:
    (person, rule or None, period, start) -> (points, earned); a rule's rows keep points 0."""
    out: dict[tuple, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for e in PointEntry.objects.filter(hospital=hospital):
        earned = -abs(e.points) if e.kind == EntryKind.REVERSAL else abs(e.points)
        for period in ALL_PERIODS:
            for rule_id in (e.rule_id, None):
                row = out[(e.person_id, rule_id, str(period), period_start(period, e.occurred_on))]
                if rule_id is None:  # a rule's rows count only what its caps count
                    row[0] += e.points
                row[1] += earned
    return {k: (v[0], v[1]) for k, v in out.items()}


def stored_totals(hospital: Hospital) -> dict[tuple, tuple[Decimal, Decimal]]:
    return {
        (t.person_id, t.rule_id, t.period, t.period_start): (t.points, t.earned)
        for t in PointTotal.objects.filter(hospital=hospital)
        if t.points or t.earned  # a row fully reversed to zero is the same as no row
    }


def nonzero(d: dict[tuple, tuple[Decimal, Decimal]]) -> dict[tuple, tuple[Decimal, Decimal]]:
    return {k: v for k, v in d.items() if v[0] or v[1]}


@pytest.fixture
def demo_authority(db: Any) -> Authority:
    return Hospital.objects.get(name=PRIMARY).authority


@pytest.fixture
def demo_rules(demo_authority: Authority) -> dict[str, dict[str, PointRule]]:
    """The city's default catalogue, copied into both demo hospitals: {hospital: {code: rule}}."""
    point_rules_seed_city(authority=demo_authority, effective_from=D0)
    out: dict[str, dict[str, PointRule]] = {}
    for name in (PRIMARY, SECOND):
        h = Hospital.objects.get(name=name)
        point_rules_copy_defaults(access=None, hospital=h)
        out[name] = {r.code: r for r in PointRule.objects.filter(hospital=h)}
    return out


@dataclass
class World:
    """A hospital of the tests' own: two branches of members, an admin and a secretary."""

    hospital: Hospital
    branch_a: Branch
    branch_b: Branch
    admin: Access
    sec_a: Access  # secretary of branch_a
    a: list[Person]  # members of branch_a (a[0] is the secretary)
    b: list[Person]

    def rule(
        self,
        points: Any,
        *,
        category: str = RuleCategory.OTHER,
        effective_from: date = D0,
        **caps: Any,
    ) -> PointRule:
        """A fresh rule of this hospital (its own totals start empty)."""
        values: dict[str, Any] = {"points": Decimal(str(points)), "needs_approval": False}
        values.update({k: Decimal(str(v)) for k, v in caps.items()})
        n = next(_codes)
        return point_rule_create(
            access=self.admin,
            hospital=self.hospital,
            authority=None,
            code=f"T-{n}",
            name=f"测试规则{n}",
            category=category,
            effective_from=effective_from,
            values=values,
        )


def make_access(username: str, *, person: Person | None = None, roles: list[tuple]) -> Access:
    user = User.objects.create(username=username, person=person)
    for role, hospital, branch in roles:
        RoleAssignment.objects.create(user=user, role=role, hospital=hospital, branch=branch)
    return access_for(user)


@pytest.fixture
def world(demo_authority: Authority) -> World:
    hospital = Hospital.objects.create(
        authority=demo_authority, name="积分测试医院", short_name="积分院", region_code="370812"
    )
    point_rules_seed_city(authority=demo_authority, effective_from=D0)
    point_rules_copy_defaults(access=None, hospital=hospital)
    branch_a = make_branch(hospital, full=4, probationary=1)
    branch_b = make_branch(hospital, full=3)
    admin = make_access("pts_admin", roles=[(Role.HOSPITAL_ADMIN, hospital, None)])
    sec_a = make_access(
        "pts_sec",
        person=branch_a.secretary,
        roles=[(Role.BRANCH_SECRETARY, None, branch_a), (Role.MEMBER, None, None)],
    )
    return World(
        hospital=hospital,
        branch_a=branch_a,
        branch_b=branch_b,
        admin=admin,
        sec_a=sec_a,
        a=list(Person.objects.filter(branch=branch_a).order_by("pk")),
        b=list(Person.objects.filter(branch=branch_b).order_by("pk")),
    )


def refused(call: Callable[[], Any], *, says: str = "", exc: type = ValidationError) -> str:
    """The call is refused with ``exc`` (a Chinese message containing ``says``) and changes
    nothing in the points tables."""
    before = ledger_state()
    with pytest.raises(exc) as info:
        call()
    message = (
        messages_of(info.value) if isinstance(info.value, ValidationError) else str(info.value)
    )
    assert says in message, message
    assert ledger_state() == before
    return message
