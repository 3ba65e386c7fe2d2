from __future__ import annotations

from datetime import date

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
