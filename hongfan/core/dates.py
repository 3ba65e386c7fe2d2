from __future__ import annotations

import calendar
from datetime import date, datetime, time

from django.utils import timezone


def today() -> date:
    return timezone.localdate()


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_on(birth: date, day: date) -> int:
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """Local midnight of 1 January of ``year`` and of the next year (for range filters that
    use the index on a datetime, instead of a per-row date function)."""
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(date(year, 1, 1), time.min, tzinfo=tz),
        datetime.combine(date(year + 1, 1, 1), time.min, tzinfo=tz),
    )


def month_bounds(year: int) -> list[tuple[datetime, datetime]]:
    """The local midnight bounds of each month of a year."""
    tz = timezone.get_current_timezone()
    starts = [date(year, m, 1) for m in range(1, 13)] + [date(year + 1, 1, 1)]
    edges = [datetime.combine(d, time.min, tzinfo=tz) for d in starts]
    return list(zip(edges[:-1], edges[1:], strict=True))


WEEKDAYS = "一二三四五六日"


def chinese_date(day: date) -> str:
    """``2026年3月5日``: no leading zeros, as official documents and pages write dates."""
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_weekday(day: date) -> str:
    """``星期三``."""
    return f"星期{WEEKDAYS[day.weekday()]}"
