"""Reads of the service brand: the hospital's brand and measures, and the brand page's
figures per measure for a year — activities, volunteers (distinct people), hours, people
served and places reached — live from the records (hours from the hours ledger, written by
the hours part). A fixed number of queries whatever the number of activities."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from hongfan.core.access import Access, get_scoped
from hongfan.core.dates import year_bounds
from hongfan.org.models import Hospital
from hongfan.service.choices import ActivityStatus, HourKind
from hongfan.service.models import (
    Activity,
    HourEntry,
    HourTotal,
    ServiceBrand,
    ServiceMeasure,
    ServiceRecord,
)


def held(now: datetime | None = None) -> Q:
    """Activities that took place: published or closed, and begun."""
    return Q(
        status__in=[ActivityStatus.PUBLISHED, ActivityStatus.CLOSED],
        starts_at__lte=now or timezone.now(),
    )


def brand_of(hospital: Hospital) -> ServiceBrand | None:
    return ServiceBrand.objects.filter(hospital=hospital).first()


def measure_get(*, access: Access, pk: int) -> ServiceMeasure:
    """A measure for its hospital's admin (who keeps the brand)."""
    return get_scoped(
        ServiceMeasure.objects.all(),
        pk,
        access,
        noun="服务举措",
        verb="修改",
        may=lambda m: access.administers_hospital(m.hospital_id),
        refusal="服务举措由医院党委维护",
    )


def measures_of(hospital: Hospital, *, active_only: bool = False) -> QuerySet[ServiceMeasure]:
    qs = ServiceMeasure.objects.filter(hospital=hospital)
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("order", "pk")


@dataclass
class MeasureFigures:
    measure: ServiceMeasure | None  # None: the total line
    activities: int = 0
    volunteers: int = 0
    hours: Decimal = Decimal(0)
    people_served: int = 0
    places: int = 0

    @property
    def name(self) -> str:
        return self.measure.name if self.measure is not None else "合计"


@dataclass
class BrandFigures:
    hospital: Hospital
    brand: ServiceBrand | None
    year: int
    rows: list[MeasureFigures]
    total: MeasureFigures
    planned: int = 0  # published activities still ahead this year
    years: list[int] = field(default_factory=list)


def brand_figures(*, hospital: Hospital, year: int, today: date | None = None) -> BrandFigures:
    """The brand page: one line per measure (stopped ones too, they keep their history)
    and the total. Volunteers and hours of the total come from the yearly rollup
    (``HourTotal``); per measure from the ledger (``HourEntry``) of its activities."""
    start, end = year_bounds(year)
    now = timezone.now()
    brand = brand_of(hospital)
    measures = list(measures_of(hospital))
    in_year = Activity.objects.filter(hospital=hospital, starts_at__gte=start, starts_at__lt=end)
    done = in_year.filter(held(now))
    acts: dict[Any, Any] = {
        r["measure_id"]: r
        for r in done.order_by()
        .values("measure_id")
        .annotate(n=Count("id"), places=Count("place", distinct=True))
    }
    served = {
        r["activity__measure_id"]: r["n"]
        for r in ServiceRecord.objects.filter(activity__in=done)
        .order_by()
        .values("activity__measure_id")
        .annotate(n=Sum("people_served"))
    }
    hours: dict[Any, Any] = {
        r["activity__measure_id"]: r
        for r in HourEntry.objects.filter(
            hospital=hospital,
            kind=HourKind.SERVICE,
            occurred_on__year=year,
            activity__isnull=False,
        )
        .order_by()
        .values("activity__measure_id")
        .annotate(h=Sum("hours"), people=Count("person", distinct=True))
    }
    rows = []
    for m in measures:
        a: dict[str, Any] = acts.get(m.pk, {})
        h: dict[str, Any] = hours.get(m.pk, {})
        rows.append(
            MeasureFigures(
                m,
                activities=a.get("n", 0),
                places=a.get("places", 0),
                people_served=served.get(m.pk) or 0,
                hours=h.get("h") or Decimal(0),
                volunteers=h.get("people", 0),
            )
        )
    rollup = HourTotal.objects.filter(
        hospital=hospital, year=year, kind=HourKind.SERVICE, hours__gt=0
    ).aggregate(h=Sum("hours"), people=Count("person", distinct=True))
    total = MeasureFigures(
        None,
        activities=sum(r.activities for r in rows),
        volunteers=rollup["people"] or 0,
        hours=rollup["h"] or Decimal(0),
        people_served=sum(r.people_served for r in rows),
        places=done.exclude(place__isnull=True).values("place").distinct().count(),
    )
    planned = in_year.filter(status=ActivityStatus.PUBLISHED, starts_at__gt=now).count()
    return BrandFigures(hospital, brand, year, rows, total, planned)
