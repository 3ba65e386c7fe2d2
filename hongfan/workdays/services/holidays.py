"""Copying the years the ``chinesecalendar`` library knows into the calendar tables.

Used by migration 0002 (with the historical models) and by ``manage.py seedholidays``
(after upgrading the library, to pick up a newly published year). Keep the signature of
``seed_from_library`` stable: the migration calls it.

Idempotent: a second run changes nothing. A year an admin has entered (source ``admin``) is
left alone — the admin's entry wins over the library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import chinese_calendar
from django.db import transaction
from django.utils import timezone

HOLIDAY, WORKDAY = "holiday", "workday"  # DayKind values (migrations must not need choices)
SEEDED, LIBRARY, ADMIN = "seeded", "library", "admin"


@dataclass
class SeedResult:
    years: list[int] = field(default_factory=list)  # years the library covers
    created: int = 0
    updated: int = 0
    deleted: int = 0
    skipped_admin_years: list[int] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


def _chinese(english: str) -> str:
    try:
        return str(chinese_calendar.Holiday(english).chinese)
    except ValueError:
        return english[:50]


def library_version() -> str:
    return str(getattr(chinese_calendar, "__version__", ""))


def library_days() -> dict[date, tuple[str, str]]:
    """Every date the library lists: date -> (kind, Chinese name)."""
    days: dict[date, tuple[str, str]] = {}
    for day, english in chinese_calendar.holidays.items():
        days[day] = (HOLIDAY, _chinese(english))
    for day, english in chinese_calendar.workdays.items():
        days[day] = (WORKDAY, f"{_chinese(english)}调休")
    return days


# What a user reads about a seeded year (the library and its version are for the audit
# trail and ``seedholidays``' output, not for the page).
LIBRARY_NOTE = "国务院办公厅节假日安排通知"


def seed_from_library(*, year_model: Any = None, day_model: Any = None) -> SeedResult:
    if year_model is None or day_model is None:
        from hongfan.workdays.models import CalendarYear, DayOverride

        year_model, day_model = CalendarYear, DayOverride
    wanted = library_days()
    result = SeedResult(years=sorted({d.year for d in wanted}))
    if not wanted:
        return result
    note = LIBRARY_NOTE
    with transaction.atomic():
        years = {y.year: y for y in year_model.objects.filter(year__in=result.years)}
        result.skipped_admin_years = sorted(y for y, row in years.items() if row.source == ADMIN)
        for y in result.years:
            if y not in years:
                years[y] = year_model.objects.create(
                    year=y, source=LIBRARY, note=note, entered_at=timezone.now()
                )
        own = {y: row for y, row in years.items() if row.source != ADMIN}
        existing = {
            d.date: d
            for d in day_model.objects.filter(
                date__gte=date(result.years[0], 1, 1), date__lte=date(result.years[-1], 12, 31)
            )
        }
        to_create, to_update, to_delete = [], [], []
        for day, (kind, name) in sorted(wanted.items()):
            if day.year not in own:
                continue
            row = existing.get(day)
            if row is None:
                to_create.append(
                    day_model(
                        calendar_year=own[day.year],
                        date=day,
                        kind=kind,
                        name=name,
                        source=SEEDED,
                    )
                )
            elif (row.kind, row.name, row.calendar_year_id) != (kind, name, own[day.year].pk):
                row.kind, row.name, row.calendar_year = kind, name, own[day.year]
                to_update.append(row)
        for day, row in existing.items():
            if day.year in own and day not in wanted:
                to_delete.append(row.pk)
        day_model.objects.bulk_create(to_create)
        day_model.objects.bulk_update(to_update, ["kind", "name", "calendar_year"])
        day_model.objects.filter(pk__in=to_delete).delete()
        result.created, result.updated, result.deleted = (
            len(to_create),
            len(to_update),
            len(to_delete),
        )
    return result
