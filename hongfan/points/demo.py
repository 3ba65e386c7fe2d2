"""Demo points: a believable ledger since the start of last quarter for every member,
generated in bulk with the rules' caps respected, and rollups built from it."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum

from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
from hongfan.org.models import Hospital, Person
from hongfan.points import rules as codes
from hongfan.points.choices import EntryKind, Period
from hongfan.points.models import PointEntry, PointRule, PointRuleVersion, PointTotal
from hongfan.points.periods import ALL_PERIODS, period_start

# code -> (chance per member per working day, typical quantity)
ACTIVITY = {
    codes.ORG_MEETING: (0.12, 1),
    # STUDY-ITEM and STUDY-QUIZ are paid by study's demo for the items its members finish
    # and the exams they pass (hongfan.study.demo), so that the ledger and the study
    # records agree.
    codes.VOL_HOUR: (0.03, 3),
    codes.PUBLIC_PRAISE: (0.015, 1),
    codes.POST_DUTY: (0.05, 1),
    codes.POST_MERIT: (0.004, 1),
    codes.ORG_LECTURE: (0.002, 1),
    codes.DED_ABSENT: (0.004, 1),
    codes.DED_COMPLAINT: (0.001, 1),
}


@transaction.atomic
def build_demo_points(hospital: Hospital, *, start: date, end: date, seed: int) -> int:
    rng = random.Random(seed)
    rules = {r.code: r for r in PointRule.objects.filter(hospital=hospital, active=True)}
    versions: dict[int, list[PointRuleVersion]] = defaultdict(list)
    for v in PointRuleVersion.objects.filter(rule__in=rules.values()).order_by("-effective_from"):
        versions[v.rule_id].append(v)
    members = list(
        Person.objects.filter(
            hospital=hospital, status=PersonStatus.ACTIVE, political_status__in=MEMBER_STATUSES
        ).values_list("pk", flat=True)
    )
    workdays = [
        start + timedelta(days=i)
        for i in range((end - start).days + 1)
        if (start + timedelta(days=i)).weekday() < 5
    ]
    entries: list[PointEntry] = []
    for pid in members:
        zeal = rng.uniform(0.4, 1.6)
        for code, (chance, qty) in ACTIVITY.items():
            rule = rules.get(code)
            if rule is None:
                continue
            mu = chance * len(workdays) * (zeal if not code.startswith("DED") else 1 / zeal)
            k = max(0, min(len(workdays), round(rng.gauss(mu, mu**0.5))))
            used: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
            for day in sorted(rng.sample(workdays, k)):
                found = next((x for x in versions[rule.pk] if x.effective_from <= day), None)
                if found is None:
                    continue
                v = found
                want = abs(v.points * rng.randint(1, qty))
                for period in ALL_PERIODS:
                    cap = v.cap_for(period)
                    if cap is not None:
                        room = cap - used[(period, period_start(period, day))]
                        want = min(want, max(Decimal(0), room))
                if want <= 0:
                    continue
                for period in ALL_PERIODS:
                    used[(period, period_start(period, day))] += want
                pts = want if v.points > 0 else -want
                entries.append(
                    PointEntry(
                        hospital=hospital,
                        person_id=pid,
                        rule=rule,
                        rule_version=v,
                        kind=EntryKind.AWARD if pts > 0 else EntryKind.DEDUCTION,
                        points=pts,
                        requested=pts,
                        occurred_on=day,
                        reason=rule.name,
                        source_type="demo",
                        source_id=str(len(entries)),
                        source_key=None,
                    )
                )
    PointEntry.objects.bulk_create(entries, batch_size=2000)
    points_rebuild_totals(hospital)
    return len(entries)


@transaction.atomic
def points_rebuild_totals(hospital: Hospital) -> int:
    """Recompute every rollup of a hospital from its ledger (demo data, repairs)."""
    PointTotal.objects.filter(hospital=hospital).delete()
    sums: dict[tuple[int, int | None, str, date], list[Decimal]] = defaultdict(
        lambda: [Decimal(0), Decimal(0)]
    )
    rows = (
        PointEntry.objects.filter(hospital=hospital)
        .order_by()
        .values_list("person_id", "rule_id", "occurred_on", "kind")
        .annotate(s=Sum("points"))
    )
    for pid, rid, day, kind, s in rows:
        earned = abs(s) if kind != EntryKind.REVERSAL else -abs(s)
        for period in ALL_PERIODS:
            start = period_start(period, day)
            for key_rule in (rid, None):
                acc = sums[(pid, key_rule, period, start)]
                if key_rule is None:  # a rule's rows count only what its caps count
                    acc[0] += s
                acc[1] += earned
    PointTotal.objects.bulk_create(
        [
            PointTotal(
                hospital=hospital,
                person_id=pid,
                rule_id=rid,
                period=period,
                period_start=start,
                points=v[0],
                earned=v[1],
            )
            for (pid, rid, period, start), v in sums.items()
        ],
        batch_size=5000,
    )
    return len(sums)


__all__ = ["Period", "build_demo_points", "points_rebuild_totals"]


def build_city_points(authority: Any) -> None:
    """The demo city's points (a step of ``builddemo``, registered in apps.py): the city's
    default catalogue, copied into every hospital, and a ledger since the start of last
    quarter for the hospitals without one."""
    from hongfan.core.dates import today
    from hongfan.org.demo.city import PRIMARY
    from hongfan.points.services.catalogue import (
        point_rules_copy_defaults,
        point_rules_seed_city,
    )

    day = today()
    point_rules_seed_city(authority=authority, effective_from=date(day.year - 1, 1, 1))
    last_quarter = period_start("quarter", period_start("quarter", day) - timedelta(days=1))
    this_quarter = period_start("quarter", day)
    for i, hospital in enumerate(Hospital.objects.order_by("pk")):
        point_rules_copy_defaults(access=None, hospital=hospital)
        if not PointEntry.objects.filter(hospital=hospital).exists():
            # The demo accounts' hospital gets last quarter too (quarter stars); the
            # others this quarter, which keeps `make demo` quick.
            start = last_quarter if hospital.name == PRIMARY else this_quarter
            build_demo_points(hospital, start=start, end=day - timedelta(days=1), seed=500 + i)
