"""Reading the working-day calendar.

The calendar is national public data (the State Council's arrangement), the same for every
hospital, so these reads take no ``access``: any service may count a deadline with them.

Rules: a date listed as a holiday is off, a date listed as a make-up workday (调休) is on,
any other date is on from Monday to Friday. A year with no arrangement recorded is counted
Monday–Friday, and the ``*_result`` functions say which years that was (``WorkdayResult``),
so a page can show ``result.notice``.

Every function reads a whole range with one query (the known years left-joined to their
dates in the range); ``add_workdays`` reads a window large enough for the usual case and
only reads another window if an unusual arrangement (e.g. a very long holiday) needs it.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Generic, TypeVar

from django.db.models import FilteredRelation, Q

from hongfan.workdays.choices import DayKind
from hongfan.workdays.models import CalendarYear, DayOverride

T = TypeVar("T")

MAX_SPAN_DAYS = 20 * 366  # longer counts are a caller's mistake, not a deadline


def fallback_notice(years: tuple[int, ...] | list[int]) -> str:
    """ "2027年节假日安排尚未录入，按周一至周五计算" (several years joined with 、)."""
    if not years:
        return ""
    return "、".join(f"{y}年" for y in sorted(years)) + "节假日安排尚未录入，按周一至周五计算"


@dataclass(frozen=True)
class WorkdayResult(Generic[T]):
    """A calendar answer and whether it relied on the Monday–Friday fallback."""

    value: T
    fallback_years: tuple[int, ...] = ()

    @property
    def fallback(self) -> bool:
        return bool(self.fallback_years)

    @property
    def notice(self) -> str:
        return fallback_notice(self.fallback_years)


@dataclass
class CalendarSpan:
    """The calendar for the dates ``start``..``end`` (inclusive), read in one query."""

    start: date
    end: date
    known_years: frozenset[int]
    days: dict[date, tuple[str, str]] = field(default_factory=dict)  # date -> (kind, name)
    used_fallback: set[int] = field(default_factory=set)

    def is_workday(self, day: date) -> bool:
        if not self.start <= day <= self.end:
            raise ValueError(f"{day} is outside the span read ({self.start}–{self.end})")
        if day.year not in self.known_years:
            self.used_fallback.add(day.year)
            return day.weekday() < 5
        listed = self.days.get(day)
        if listed is not None:
            return listed[0] == DayKind.WORKDAY
        return day.weekday() < 5


def calendar_span(*, start: date, end: date) -> CalendarSpan:
    """One query: the known years of the range, each with its listed dates in the range."""
    if end < start:
        start, end = end, start
    rows = (
        CalendarYear.objects.filter(year__gte=start.year, year__lte=end.year)
        .annotate(
            in_span=FilteredRelation(
                "days", condition=Q(days__date__gte=start, days__date__lte=end)
            )
        )
        .order_by()
        .values_list("year", "in_span__date", "in_span__kind", "in_span__name")
    )
    known: set[int] = set()
    days: dict[date, tuple[str, str]] = {}
    for year, day, kind, name in rows:
        known.add(year)
        if day is not None:
            days[day] = (kind, name)
    return CalendarSpan(start=start, end=end, known_years=frozenset(known), days=days)


def _check_span(days: int) -> None:
    if abs(days) > MAX_SPAN_DAYS:
        raise ValueError(f"a working-day count over {MAX_SPAN_DAYS} days is not supported")


# --- single answers --------------------------------------------------------------------------


def is_workday_result(*, day: date) -> WorkdayResult[bool]:
    span = calendar_span(start=day, end=day)
    value = span.is_workday(day)
    return WorkdayResult(value, tuple(sorted(span.used_fallback)))


def is_workday(*, day: date) -> bool:
    return is_workday_result(day=day).value


def year_known(*, year: int) -> bool:
    """Whether the official arrangement of ``year`` has been recorded (library or admin)."""
    return CalendarYear.objects.filter(year=year).exists()


# --- counting --------------------------------------------------------------------------------


def _window(remaining: int) -> int:
    # 5 working days in 7, less the longest holiday stretches (春节/国庆 up to 9 days off and
    # at most ~20 weekday holidays a year): twice the count plus three weeks is plenty.
    return remaining * 2 + 21


def add_workdays_result(*, start: date, n: int) -> WorkdayResult[date]:
    """The ``n``-th working day after ``start`` (``start`` itself is not counted; ``n`` < 0
    counts backwards, ``n`` == 0 gives ``start``)."""
    _check_span(n * 2)
    if n == 0:
        return WorkdayResult(start)
    step = 1 if n > 0 else -1
    remaining = abs(n)
    day = start
    fallback: set[int] = set()
    window = _window(remaining)
    while True:
        first = day + timedelta(days=step)
        last = day + timedelta(days=step * window)
        span = calendar_span(start=first, end=last)
        for _ in range(window):
            day += timedelta(days=step)
            if span.is_workday(day):
                remaining -= 1
                if remaining == 0:
                    fallback |= span.used_fallback
                    return WorkdayResult(day, tuple(sorted(fallback)))
        fallback |= span.used_fallback
        _check_span((day - start).days)
        window = _window(remaining)


def add_workdays(*, start: date, n: int) -> date:
    return add_workdays_result(start=start, n=n).value


def workdays_between_result(*, a: date, b: date) -> WorkdayResult[int]:
    """The working days from ``a`` to ``b``, counted like ``add_workdays`` so that
    ``workdays_between(a, add_workdays(a, n)) == n`` for any ``n``: after ``a`` up to and
    including ``b``; when ``b`` is before ``a``, minus those from ``b`` up to (not including)
    ``a``."""
    _check_span((b - a).days)
    if a == b:
        return WorkdayResult(0)
    sign = 1 if b > a else -1
    lo, hi = (a + timedelta(days=1), b) if sign > 0 else (b, a - timedelta(days=1))
    span = calendar_span(start=lo, end=hi)
    count = sum(1 for day in _dates(lo, hi) if span.is_workday(day))
    return WorkdayResult(sign * count, tuple(sorted(span.used_fallback)))


def workdays_between(*, a: date, b: date) -> int:
    return workdays_between_result(a=a, b=b).value


def _dates(lo: date, hi: date) -> Iterator[date]:
    day = lo
    while day <= hi:
        yield day
        day += timedelta(days=1)


# --- the year page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarCell:
    day: date
    workday: bool
    weekend: bool
    kind: str  # "" | DayKind value
    name: str
    today: bool = False


@dataclass(frozen=True)
class CalendarMonth:
    month: int
    weeks: list[list[CalendarCell | None]]  # Monday first; None pads the first and last week


@dataclass(frozen=True)
class Stretch:
    """Consecutive listed dates of one kind and name, for the summary list."""

    kind: str
    name: str
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class YearCalendar:
    year: int
    record: CalendarYear | None
    months: list[CalendarMonth]
    holidays: list[DayOverride]
    workdays: list[DayOverride]
    working_days: int

    @property
    def known(self) -> bool:
        return self.record is not None

    @property
    def notice(self) -> str:
        return "" if self.known else fallback_notice([self.year])

    @property
    def stretches(self) -> list[Stretch]:
        out: list[Stretch] = []
        for row in sorted(self.holidays + self.workdays, key=lambda r: r.date):
            prev = out[-1] if out else None
            if (
                prev is not None
                and prev.kind == row.kind
                and prev.name == row.name
                and prev.last + timedelta(days=1) == row.date
            ):
                out[-1] = Stretch(prev.kind, prev.name, prev.first, row.date)
            else:
                out.append(Stretch(row.kind, row.name, row.date, row.date))
        return out


def calendar_year_get(*, year: int, today: date | None = None) -> YearCalendar:
    """A year's arrangement with a month-by-month grid (two queries)."""
    record = CalendarYear.objects.select_related("entered_by").filter(year=year).first()
    rows = list(record.days.order_by("date")) if record is not None else []
    listed = {r.date: r for r in rows}
    months: list[CalendarMonth] = []
    working = 0
    for month in range(1, 13):
        weeks: list[list[CalendarCell | None]] = []
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            cells: list[CalendarCell | None] = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                row = listed.get(day)
                weekend = day.weekday() >= 5
                workday = (row.kind == DayKind.WORKDAY) if row is not None else not weekend
                working += workday
                cells.append(
                    CalendarCell(
                        day=day,
                        workday=workday,
                        weekend=weekend,
                        kind=row.kind if row is not None else "",
                        name=row.name if row is not None else "",
                        today=day == today,
                    )
                )
            weeks.append(cells)
        months.append(CalendarMonth(month=month, weeks=weeks))
    return YearCalendar(
        year=year,
        record=record,
        months=months,
        holidays=[r for r in rows if r.kind == DayKind.HOLIDAY],
        workdays=[r for r in rows if r.kind == DayKind.WORKDAY],
        working_days=working,
    )
