"""factory_boy builders of the working-day calendar: a known year and its listed dates.

The calendar is national (no hospital). Factory years start at 2040, beyond the years the
pinned chinesecalendar seeds, so a factory year never collides with a seeded one; pass
``year=`` for a particular year (it must not be seeded already).
"""

from __future__ import annotations

from datetime import date, timedelta

import factory
from factory.django import DjangoModelFactory

from hongfan.workdays.choices import DayKind, DaySource, YearSource
from hongfan.workdays.models import CalendarYear, DayOverride


class CalendarYearFactory(DjangoModelFactory):
    """A year whose arrangement an admin entered (without dates: add ``DayOverrideFactory``)."""

    class Meta:
        model = CalendarYear

    year = factory.Sequence(lambda n: 2040 + n % 60)
    source = YearSource.ADMIN
    note = factory.LazyAttribute(
        lambda o: f"国务院办公厅关于{o.year}年部分节假日安排的通知（测试）"
    )


class DayOverrideFactory(DjangoModelFactory):
    """A holiday in its year (``kind=DayKind.WORKDAY`` for a make-up workday); the date
    defaults to successive days of the year from 1 January."""

    class Meta:
        model = DayOverride

    calendar_year = factory.SubFactory(CalendarYearFactory)
    date = factory.LazyAttributeSequence(
        lambda o, n: date(o.calendar_year.year, 1, 1) + timedelta(days=n % 365)
    )
    kind = DayKind.HOLIDAY
    name = factory.LazyAttribute(lambda o: "测试调休" if o.kind == DayKind.WORKDAY else "测试假日")
    source = DaySource.ADMIN
