from __future__ import annotations

from datetime import date, timedelta

from hongfan.core.dates import today
from hongfan.points.choices import Period


def period_start(period: str, day: date) -> date:
    if period == Period.DAY:
        return day
    if period == Period.MONTH:
        return day.replace(day=1)
    if period == Period.QUARTER:
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if period == Period.YEAR:
        return date(day.year, 1, 1)
    raise ValueError(period)


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def period_label(period: str, start: date) -> str:
    if period == Period.DAY:
        return f"{start:%Y年%m月%d日}"
    if period == Period.MONTH:
        return f"{start.year}年{start.month}月"
    if period == Period.QUARTER:
        return f"{start.year}年第{quarter_of(start)}季度"
    return f"{start.year}年"


ALL_PERIODS = (Period.DAY, Period.MONTH, Period.QUARTER, Period.YEAR)

QUARTER_CN = {1: "一", 2: "二", 3: "三", 4: "四"}


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a quarter."""
    start = date(year, 3 * quarter - 2, 1)
    nxt = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, nxt - timedelta(days=1)


def last_finished_quarter(day: date | None = None) -> tuple[int, int]:
    """(year, quarter) of the last quarter that is over: stars are chosen once it is."""
    day = day or today()
    q = (day.month - 1) // 3 + 1
    return (day.year, q - 1) if q > 1 else (day.year - 1, 4)


def quarter_label(year: int, quarter: int) -> str:
    return f"{year}年第{QUARTER_CN.get(quarter, str(quarter))}季度"
