"""The service dashboards: a hospital's year per month and per branch, and the city's year
per hospital side by side — activities held, volunteer hours, people served, places
reached, and beside them the 红帆驿站's help and loans and home nursing's visits with the
share served within the promise.

Every figure is one aggregate query grouped by month, branch or hospital: the number of
queries does not grow with the rows. The desk and nursing figures read models of the other
parts of the app directly (kept apart below, in ``_desk_*`` and ``_nursing_*``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from hongfan.core.dates import year_bounds
from hongfan.org.models import Authority, Branch, Hospital
from hongfan.service.choices import HourKind
from hongfan.service.models import (
    Activity,
    DeskHelp,
    HourEntry,
    HourTotal,
    Loan,
    NursingBooking,
    ServiceRecord,
)
from hongfan.service.selectors.brand import held
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


def _served(activities: QuerySet[Activity], key: str) -> dict[Any, dict[str, Any]]:
    return _grouped(
        ServiceRecord.objects.filter(activity__in=activities).annotate(
            month=ExtractMonth("activity__starts_at"),
            branch=F("activity__branch_id"),
            hospital=F("activity__hospital_id"),
        ),
        key,
        n=Sum("people_served"),
    )


def _hours(entries: QuerySet[HourEntry], key: str) -> dict[Any, dict[str, Any]]:
    return _grouped(entries.annotate(month=ExtractMonth("occurred_on")), key, n=Sum("hours"))


# --- 红帆驿站 (the desks part's models, read here with plain aggregates) -----------------


def _desk_help(qs: QuerySet[DeskHelp], key: str) -> dict[Any, dict[str, Any]]:
    return _grouped(qs.annotate(month=ExtractMonth("occurred_at")), key, n=Sum("count"))


def _desk_loans(qs: QuerySet[Loan], key: str) -> dict[Any, dict[str, Any]]:
    return _grouped(qs.annotate(month=ExtractMonth("lent_at")), key, n=Count("id"))


# --- 互联网+护理服务 (the nursing part's model) ---------------------------------------------


def _nursing(qs: QuerySet[NursingBooking], key: str, promise: int) -> dict[Any, dict[str, Any]]:
    return _grouped(
        qs.annotate(month=ExtractMonth("requested_at")),
        key,
        n=Count("id"),
        visited=Count("id", filter=Q(arrived_at__isnull=False)),
        in_time=Count("id", filter=Q(arrived_at__lte=F("requested_at") + timedelta(hours=promise))),
    )


def _fill(line: Figures, key: Any, parts: dict[str, dict[Any, dict[str, Any]]]) -> Figures:
    a = parts["activities"].get(key, {})
    line.activities = a.get("n", 0)
    line.places = a.get("places", 0)
    line.people_served = (parts["served"].get(key) or {}).get("n") or 0
    line.hours = (parts["hours"].get(key) or {}).get("n") or Decimal(0)
    if "help" in parts:
        line.desk_help = (parts["help"].get(key) or {}).get("n") or 0
        line.loans = (parts["loans"].get(key) or {}).get("n") or 0
        n = parts["nursing"].get(key) or {}
        line.nursing = n.get("n", 0)
        line.nursing_visited = n.get("visited", 0)
        line.nursing_in_time = n.get("in_time", 0)
    return line


def hospital_dashboard(*, hospital: Hospital, year: int) -> Dashboard:
    """A hospital's year per month and per branch (the branches' lines carry the service
    figures only: desks and nursing belong to the hospital)."""
    start, end = year_bounds(year)
    promise = nursing_rule_for(hospital.authority_id, timezone.localdate()).promise_hours
    acts = Activity.objects.filter(
        held(), hospital=hospital, starts_at__gte=start, starts_at__lt=end
    ).annotate(month=ExtractMonth("starts_at"))
    entries = HourEntry.objects.filter(
        hospital=hospital, kind=HourKind.SERVICE, occurred_on__year=year
    )
    months = {
        "activities": _activities(acts, "month"),
        "served": _served(acts, "month"),
        "hours": _hours(entries, "month"),
        "help": _desk_help(
            DeskHelp.objects.filter(hospital=hospital, occurred_at__gte=start, occurred_at__lt=end),
            "month",
        ),
        "loans": _desk_loans(
            Loan.objects.filter(hospital=hospital, lent_at__gte=start, lent_at__lt=end), "month"
        ),
        "nursing": _nursing(
            NursingBooking.objects.filter(
                hospital=hospital, requested_at__gte=start, requested_at__lt=end
            ),
            "month",
            promise,
        ),
    }
    lines = [_fill(Figures(f"{m}月", m), m, months) for m in range(1, 13)]
    total = Figures("全年")
    for line in lines:
        total.add(line)
    total.places = acts.exclude(place__isnull=True).values("place").distinct().count()
    by_branch = {
        "activities": _activities(acts, "branch_id"),
        "served": _served(acts, "branch"),
        "hours": _hours(entries, "branch_id"),
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
    hospitals = list(hospitals)
    ids = [h.pk for h in hospitals]
    promise = nursing_rule_for(authority.pk, timezone.localdate()).promise_hours
    acts = Activity.objects.filter(
        held(), hospital_id__in=ids, starts_at__gte=start, starts_at__lt=end
    )
    parts = {
        "activities": _activities(acts, "hospital_id"),
        "served": _served(acts, "hospital"),
        # The year's hours per hospital from the yearly rollup (one row per person), not
        # the ledger: the same sum, ~10× fewer rows (bench/bench_service.py).
        "hours": _grouped(
            HourTotal.objects.filter(hospital_id__in=ids, kind=HourKind.SERVICE, year=year),
            "hospital_id",
            n=Sum("hours"),
        ),
        "help": _desk_help(
            DeskHelp.objects.filter(
                hospital_id__in=ids, occurred_at__gte=start, occurred_at__lt=end
            ),
            "hospital_id",
        ),
        "loans": _desk_loans(
            Loan.objects.filter(hospital_id__in=ids, lent_at__gte=start, lent_at__lt=end),
            "hospital_id",
        ),
        "nursing": _nursing(
            NursingBooking.objects.filter(
                hospital_id__in=ids, requested_at__gte=start, requested_at__lt=end
            ),
            "hospital_id",
            promise,
        ),
    }
    lines = [_fill(Figures(h.short_name or h.name, h.pk), h.pk, parts) for h in hospitals]
    total = Figures("全市")
    for line in lines:
        total.add(line)
        total.places += line.places
    return Dashboard(year, lines, total, [], promise)
