"""The service dashboards: a hospital's year per month and per branch, and the city's year
per hospital side by side — activities held, volunteer hours, people served, places
reached, and beside them the 红帆驿站's help and loans and home nursing's visits with the
share served within the promise.

Every figure is one grouped query whatever the number of rows, and none re-aggregates a
year of raw rows it need not: the hours come from the monthly tally (``HourTally``, kept
with the ledger), months are grouped with ``periods.month_of`` (no per-row date function
on SQLite), and the desk and nursing figures are asked of their selectors (``help_counts``,
``loan_month_counts``, the promise clock ``promise_months``). bench/README.md, "Volunteer
service", has the measurements."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, QuerySet, Sum
from django.utils import timezone

from hongfan.core.dates import year_bounds
from hongfan.org.models import Authority, Branch, Hospital
from hongfan.service.models import Activity, ServiceRecord
from hongfan.service.periods import month_of
from hongfan.service.selectors.brand import held
from hongfan.service.selectors.desk import help_counts
from hongfan.service.selectors.hours import tally_sums
from hongfan.service.selectors.loan import loan_month_counts
from hongfan.service.selectors.nursing import PromiseMonth, promise_months
from hongfan.service.selectors.rules import nursing_rule_for


@dataclass
class Figures:
    """One line of a dashboard (a month, a branch or a hospital)."""

    label: str
    key: Any = None
    activities: int = 0
    hours: Decimal = Decimal(0)
    people_served: int = 0
    places: int = 0
    desk_help: int = 0
    loans: int = 0
    nursing: int = 0  # bookings made
    nursing_visited: int = 0  # of them, visited
    nursing_in_time: int = 0  # of them, visited within the promise

    @property
    def in_time_percent(self) -> float | None:
        return 100 * self.nursing_in_time / self.nursing_visited if self.nursing_visited else None

    def add(self, other: Figures) -> None:
        for name in (
            "activities",
            "hours",
            "people_served",
            "desk_help",
            "loans",
            "nursing",
            "nursing_visited",
            "nursing_in_time",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Dashboard:
    year: int
    lines: list[Figures]  # per month, or per hospital
    total: Figures
    branches: list[Figures] = field(default_factory=list)
    promise_hours: int = 24


def _grouped(qs: QuerySet[Any], key: str, **values: Any) -> dict[Any, dict[str, Any]]:
    return {r[key]: r for r in qs.order_by().values(key).annotate(**values)}


def _activities(qs: QuerySet[Activity], key: str) -> dict[Any, dict[str, Any]]:
    return _grouped(qs, key, n=Count("id"), places=Count("place", distinct=True))


def _served(activities: QuerySet[Activity], key: str, year: int) -> dict[Any, dict[str, Any]]:
    return _grouped(
        ServiceRecord.objects.filter(activity__in=activities).annotate(
            month=month_of("activity__starts_at", year),
            branch=F("activity__branch_id"),
            hospital=F("activity__hospital_id"),
        ),
        key,
        n=Sum("people_served"),
    )


def _by(counts: dict[tuple[Any, ...], Any], position: int) -> dict[Any, dict[str, Any]]:
    """Fold (key, key, …) → n into one key's sums, in the shape of ``_grouped``."""
    out: dict[Any, dict[str, Any]] = {}
    for key, n in counts.items():
        line = out.setdefault(key[position], {"n": 0})
        line["n"] += n
    return out


def _nursing_by(months: dict[int, list[PromiseMonth]], per_month: bool) -> dict[Any, Any]:
    """The promise clock's months as {month: PromiseMonth} (one hospital) or
    {hospital: PromiseMonth} (the year of each)."""
    if per_month:
        (only,) = months.values()
        return {m.month: m for m in only}
    out = {}
    for hospital_id, rows in months.items():
        total = PromiseMonth(0)
        for m in rows:
            total.add(m)
        out[hospital_id] = total
    return out


def _fill(line: Figures, key: Any, parts: dict[str, dict[Any, Any]]) -> Figures:
    a = parts["activities"].get(key, {})
    line.activities = a.get("n", 0)
    line.places = a.get("places", 0)
    line.people_served = (parts["served"].get(key) or {}).get("n") or 0
    line.hours = (parts["hours"].get(key) or {}).get("n") or Decimal(0)
    if "help" in parts:
        line.desk_help = (parts["help"].get(key) or {}).get("n") or 0
        line.loans = (parts["loans"].get(key) or {}).get("n") or 0
        n = parts["nursing"].get(key)
        if n is not None:
            line.nursing = n.made
            line.nursing_visited = n.served
            line.nursing_in_time = n.within
    return line


def hospital_dashboard(*, hospital: Hospital, year: int) -> Dashboard:
    """A hospital's year per month and per branch (the branches' lines carry the service
    figures only: desks and nursing belong to the hospital)."""
    start, end = year_bounds(year)
    now = timezone.now()
    promise = nursing_rule_for(hospital.authority_id, timezone.localdate(now)).promise_hours
    acts = Activity.objects.filter(
        held(now), hospital=hospital, starts_at__gte=start, starts_at__lt=end
    ).annotate(month=month_of("starts_at", year))
    ids = [hospital.pk]
    hours = tally_sums(hospital_ids=ids, year=year, by=("branch_id", "month"))
    months = {
        "activities": _activities(acts, "month"),
        "served": _served(acts, "month", year),
        "hours": _by(hours, 1),
        "help": _by(help_counts(hospital_ids=ids, year=year), 1),
        "loans": _by(loan_month_counts(hospital_ids=ids, year=year), 1),
        "nursing": _nursing_by(promise_months(hospital_ids=ids, year=year, now=now), True),
    }
    lines = [_fill(Figures(f"{m}月", m), m, months) for m in range(1, 13)]
    total = Figures("全年")
    for line in lines:
        total.add(line)
    total.places = acts.exclude(place__isnull=True).values("place").distinct().count()
    by_branch = {
        "activities": _activities(acts, "branch_id"),
        "served": _served(acts, "branch", year),
        "hours": _by(hours, 0),
    }
    branches = [
        _fill(Figures(b.name, b.pk), b.pk, by_branch)
        for b in Branch.objects.filter(hospital=hospital, kind="branch").order_by("pk")
    ]
    own = _fill(Figures("医院组织（非支部）", None), None, by_branch)
    branches = [b for b in branches if b.activities or b.hours or b.people_served]
    if own.activities or own.hours or own.people_served:
        branches.append(own)
    return Dashboard(year, lines, total, branches, promise)


def city_dashboard(*, authority: Authority, hospitals: Iterable[Hospital], year: int) -> Dashboard:
    """The city's year: one line per hospital, side by side."""
    start, end = year_bounds(year)
    now = timezone.now()
    hospitals = list(hospitals)
    ids = [h.pk for h in hospitals]
    promise = nursing_rule_for(authority.pk, timezone.localdate(now)).promise_hours
    acts = Activity.objects.filter(
        held(now), hospital_id__in=ids, starts_at__gte=start, starts_at__lt=end
    )
    parts = {
        "activities": _activities(acts, "hospital_id"),
        "served": _served(acts, "hospital", year),
        "hours": _by(tally_sums(hospital_ids=ids, year=year, by=("hospital_id",)), 0),
        "help": _by(help_counts(hospital_ids=ids, year=year, per_month=False), 0),
        "loans": _by(loan_month_counts(hospital_ids=ids, year=year, per_month=False), 0),
        "nursing": _nursing_by(
            promise_months(hospital_ids=ids, year=year, now=now, per_month=False), False
        ),
    }
    lines = [_fill(Figures(h.short_name or h.name, h.pk), h.pk, parts) for h in hospitals]
    total = Figures("全市")
    for line in lines:
        total.add(line)
        total.places += line.places
    return Dashboard(year, lines, total, [], promise)
