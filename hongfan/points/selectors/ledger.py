"""Reads of the ledger: ``points_check`` proves every rollup row equals the sum of its ledger
(``manage.py checkpoints``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Case, DecimalField, F, QuerySet, Sum, When
from django.db.models.functions import Abs, TruncMonth, TruncQuarter, TruncYear

from hongfan.core.access import Access, get_scoped
from hongfan.org.models import Hospital, Person
from hongfan.org.selectors.people import person_get
from hongfan.points.choices import EntryKind, Period
from hongfan.points.models import PointEntry, PointTotal
from hongfan.points.models.catalogue import POINT_STEP
from hongfan.points.periods import ALL_PERIODS, period_label


@dataclass(frozen=True)
class TotalMismatch:
    person_id: int
    period: str
    period_start: date
    ledger: Decimal
    total: Decimal
    rule_id: int | None = None  # None: the person's overall total
    field: str = "points"  # or "earned": what the caps count

    def __str__(self) -> str:
        rule = f"（规则{self.rule_id}）" if self.rule_id is not None else ""
        what = "计入上限的积分" if self.field == "earned" else "积分"
        return (
            f"人员{self.person_id}{rule} {period_label(self.period, self.period_start)}{what}："
            f"流水合计{self.ledger}，汇总{self.total}"
        )


_TRUNC = {Period.MONTH: TruncMonth, Period.QUARTER: TruncQuarter, Period.YEAR: TruncYear}
_SUM = DecimalField(max_digits=12, decimal_places=1)


def points_check(*, hospital: Hospital) -> list[TotalMismatch]:
    """Every rollup row of a hospital equals the sum of its ledger, for each day, month,
    quarter and year: the overall rows both the points and what the caps count (the size of
    each award or deduction, less the size of each reversal), a rule's rows what its caps
    count (their points stay 0: see PointTotal)."""
    out: list[TotalMismatch] = []
    earned = Case(
        When(kind=EntryKind.REVERSAL, then=-Abs("points")), default=Abs("points"), output_field=_SUM
    )
    zero = (Decimal(0), Decimal(0))
    for period in ALL_PERIODS:
        start = F("occurred_on") if period == Period.DAY else _TRUNC[period]("occurred_on")
        entries = PointEntry.objects.filter(hospital=hospital).annotate(start=start).order_by()
        for per_rule in (True, False):
            keys = ("person_id", "rule_id", "start") if per_rule else ("person_id", "start")
            ledger: dict[tuple[int, int | None, date], tuple[Decimal, Decimal]] = {}
            for *key, pts, size in entries.values_list(*keys).annotate(
                p=Sum("points", output_field=_SUM), e=Sum(earned, output_field=_SUM)
            ):
                person_id, rule_id, day = key if per_rule else (key[0], None, key[1])
                ledger[(person_id, rule_id, _as_date(day))] = (
                    Decimal(0) if per_rule else pts,
                    size,
                )
            totals: dict[tuple[int, int | None, date], tuple[Decimal, Decimal]] = {
                (person_id, rule_id, day): (pts, size)
                for person_id, rule_id, day, pts, size in PointTotal.objects.filter(
                    hospital=hospital, period=period, rule__isnull=not per_rule
                ).values_list("person_id", "rule_id", "period_start", "points", "earned")
            }
            for key in set(ledger) | set(totals):
                a, b = ledger.get(key, zero), totals.get(key, zero)
                for i, field in enumerate(("points", "earned")):
                    x, y = (v.quantize(POINT_STEP) for v in (a[i], b[i]))
                    if x != y:
                        out.append(
                            TotalMismatch(
                                key[0], period.value, key[2], x, y, rule_id=key[1], field=field
                            )
                        )
    order = {p.value: i for i, p in enumerate(ALL_PERIODS)}
    return sorted(
        out, key=lambda m: (m.person_id, m.rule_id or 0, order[m.period], m.period_start, m.field)
    )


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def entry_list(*, access: Access, person: Person) -> QuerySet[PointEntry]:
    """A person's ledger, newest first (the person already checked by ``person_get``)."""
    return (
        PointEntry.objects.filter(person=person)
        .select_related("rule")
        .order_by("-occurred_on", "-id")
    )


def reversed_entry_ids(*, access: Access, entry_ids: list[int]) -> set[int]:
    """Which of these entries a later entry reverses (冲正)."""
    return set(
        PointEntry.objects.filter(reverses__in=entry_ids).values_list("reverses_id", flat=True)
    )


def entry_get(*, access: Access, pk: int) -> PointEntry:
    """A ledger entry, for those who may see its person (404 when it is not there; the
    person's scope as ``person_get``)."""
    entry = get_scoped(
        PointEntry.objects.select_related("person"), pk, access, noun="积分流水", business=False
    )
    person_get(access=access, pk=entry.person_id)
    return entry
