"""Periods: each starts on its first day and has a Chinese label."""

from __future__ import annotations

from datetime import date

import pytest

from hongfan.points.choices import Period
from hongfan.points.periods import period_label, period_start

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("day", "month", "quarter", "year", "label"),
    [
        (date(2025, 1, 1), date(2025, 1, 1), date(2025, 1, 1), date(2025, 1, 1), "2025年第1季度"),
        (date(2025, 3, 31), date(2025, 3, 1), date(2025, 1, 1), date(2025, 1, 1), "2025年第1季度"),
        (date(2025, 4, 1), date(2025, 4, 1), date(2025, 4, 1), date(2025, 1, 1), "2025年第2季度"),
        (date(2025, 9, 30), date(2025, 9, 1), date(2025, 7, 1), date(2025, 1, 1), "2025年第3季度"),
        (
            date(2025, 12, 31),
            date(2025, 12, 1),
            date(2025, 10, 1),
            date(2025, 1, 1),
            "2025年第4季度",
        ),
    ],
)
def test_periods_start_on_their_first_day(day, month, quarter, year, label):
    assert period_start(Period.DAY, day) == day
    assert period_start(Period.MONTH, day) == month
    assert period_start(Period.QUARTER, day) == quarter
    assert period_start(Period.YEAR, day) == year
    assert period_label(Period.QUARTER, quarter) == label
    assert period_label(Period.MONTH, month) == f"{day.year}年{day.month}月"
    assert period_label(Period.YEAR, year) == f"{day.year}年"
