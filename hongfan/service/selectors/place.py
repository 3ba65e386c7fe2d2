"""Reads of the place register: the hospital's places, one place, and which were reached
in a year (an activity held there), by township — the table and the chart of the place
page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from hongfan.core.access import Access, get_scoped
from hongfan.core.dates import year_bounds
from hongfan.org.models import Hospital
from hongfan.service.models import Activity, Place
from hongfan.service.selectors.brand import held


def place_get(*, access: Access, pk: int) -> Place:
    """A place for its hospital's admin (who keeps the register)."""
    return get_scoped(
        Place.objects.all(),
        pk,
        access,
        noun="服务地点",
        may=lambda p: access.administers_hospital(p.hospital_id),
        refusal="服务地点由医院党委维护",
    )


def place_options(hospital_id: int, keep: int | None = None) -> QuerySet[Place]:
    """The places a new activity may be at: the hospital's places in use (and ``keep``,
    the draft's own, even if stopped since)."""
    qs = Place.objects.filter(hospital_id=hospital_id)
    if keep is not None:
        return (qs.filter(active=True) | qs.filter(pk=keep)).order_by("township", "name")
    return qs.filter(active=True).order_by("township", "name")


@dataclass
class PlaceRow:
    place: Place
    visits: int
    last: datetime | None

    @property
    def reached(self) -> bool:
        return self.visits > 0


@dataclass
class Township:
    name: str
    places: int
    reached: int

    @property
    def percent(self) -> float:
        return 100 * self.reached / self.places if self.places else 0.0


@dataclass
class PlaceReach:
    year: int
    rows: list[PlaceRow]
    townships: list[Township]

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def reached(self) -> int:
        return sum(1 for r in self.rows if r.reached)

    @property
    def percent(self) -> float:
        return 100 * self.reached / self.total if self.total else 0.0


def place_reach(*, hospital: Hospital, year: int) -> PlaceReach:
    """Every place of the register (in use, or stopped but visited this year) with its
    activities held in the year, and per township how many of its places were reached.
    Two queries."""
    start, end = year_bounds(year)
    visits: dict[Any, Any] = {
        r["place_id"]: r
        for r in Activity.objects.filter(
            held(timezone.now()), hospital=hospital, starts_at__gte=start, starts_at__lt=end
        )
        .exclude(place__isnull=True)
        .order_by()
        .values("place_id")
        .annotate(n=Count("id"), last=Max("starts_at"))
    }
    rows = []
    for p in Place.objects.filter(hospital=hospital).order_by("county", "township", "name"):
        v: dict[str, Any] = visits.get(p.pk, {})
        if not p.active and not v:
            continue
        rows.append(PlaceRow(p, v.get("n", 0), v.get("last")))
    towns: dict[str, Township] = {}
    for r in rows:
        t = towns.setdefault(r.place.township, Township(r.place.township, 0, 0))
        t.places += 1
        t.reached += 1 if r.reached else 0
    return PlaceReach(year, rows, sorted(towns.values(), key=lambda t: (-t.places, t.name)))
