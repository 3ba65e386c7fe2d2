from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hongfan.workdays.selectors import (
    WorkdayResult,
    add_workdays,
    add_workdays_result,
    calendar_span,
    calendar_year_get,
    fallback_notice,
    is_workday,
    is_workday_result,
    workdays_between,
    workdays_between_result,
    year_known,
)
from hongfan.workdays.tests.conftest import UNKNOWN_YEAR

D = date

# --- 2026, as the State Council arranged it (国办发明电〔2025〕7号) ---------------------------


def test_new_years_day_and_national_day_2026_are_holidays():
    assert is_workday(day=D(2026, 1, 1)) is False  # a Thursday
    assert is_workday(day=D(2026, 10, 1)) is False  # a Thursday
    assert is_workday(day=D(2026, 10, 7)) is False  # a Wednesday, last day of the week off


def test_make_up_weekend_days_2026_are_workdays():
    assert D(2026, 1, 4).weekday() == 6 and is_workday(day=D(2026, 1, 4)) is True  # Sunday
    assert D(2026, 2, 14).weekday() == 5 and is_workday(day=D(2026, 2, 14)) is True  # Saturday
    assert D(2026, 2, 28).weekday() == 5 and is_workday(day=D(2026, 2, 28)) is True
    assert D(2026, 10, 10).weekday() == 5 and is_workday(day=D(2026, 10, 10)) is True


def test_spring_festival_2026_weekdays_are_off_and_an_ordinary_weekend_is_off():
    for day in range(16, 21):  # Monday 16 to Friday 20 February
        assert is_workday(day=D(2026, 2, day)) is False
    assert is_workday(day=D(2026, 2, 23)) is False  # Monday, still 春节
    assert is_workday(day=D(2026, 2, 24)) is True
    assert is_workday(day=D(2026, 3, 7)) is False  # an ordinary Saturday
    assert is_workday(day=D(2026, 3, 9)) is True  # an ordinary Monday


def test_every_day_the_library_covers_agrees_with_the_library():
    first = min(chinese_calendar.holidays).replace(month=1, day=1)
    last = max(chinese_calendar.holidays).replace(month=12, day=31)
    span = calendar_span(start=first, end=last)
    day = first
    while day <= last:
        assert span.is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)
    assert span.used_fallback == set()


def test_2026_spring_festival_make_up_days_match_the_library():
    expected = sorted(d for d in chinese_calendar.workdays if d.year == 2026)
    assert D(2026, 2, 14) in expected and D(2026, 2, 28) in expected
    cal = calendar_year_get(year=2026)
    assert [r.date for r in cal.workdays] == expected
    assert [r.date for r in cal.holidays] == sorted(
        d for d in chinese_calendar.holidays if d.year == 2026
    )
    assert cal.working_days == len(chinese_calendar.get_workdays(D(2026, 1, 1), D(2026, 12, 31)))


def test_years_covered_by_the_library_are_known():
    assert year_known(year=2004) and year_known(year=2026)
    assert not year_known(year=UNKNOWN_YEAR)
    assert not year_known(year=2003)


# --- counting -----------------------------------------------------------------------------------


def test_add_workdays_across_the_national_day_week():
    # Wednesday 30 September: 1–7 October off, Thursday 8 is the first working day after.
    assert add_workdays(start=D(2026, 9, 30), n=1) == D(2026, 10, 8)
    # 8, 9 and the make-up Saturday 10 October.
    assert add_workdays(start=D(2026, 9, 30), n=3) == D(2026, 10, 10)
    # A 5-working-day 公示 starting on 29 September: 30 Sep, 8, 9, 10, 12 October.
    result = add_workdays_result(start=D(2026, 9, 29), n=5)
    assert result == WorkdayResult(D(2026, 10, 12))
    assert result.fallback is False and result.notice == ""


def test_add_workdays_does_not_count_the_start_day():
    assert add_workdays(start=D(2026, 3, 9), n=1) == D(2026, 3, 10)
    assert add_workdays(start=D(2026, 3, 9), n=0) == D(2026, 3, 9)
    assert add_workdays(start=D(2026, 3, 7), n=1) == D(2026, 3, 9)  # from a Saturday


def test_add_workdays_counts_backwards_over_the_spring_festival():
    assert add_workdays(start=D(2026, 2, 24), n=-1) == D(2026, 2, 14)  # the make-up Saturday
    assert add_workdays(start=D(2026, 2, 24), n=-2) == D(2026, 2, 13)


def test_workdays_between_the_2026_spring_festival():
    # Friday 13 Feb -> Tuesday 24 Feb: only Saturday 14 (make-up) and Tuesday 24 count.
    assert workdays_between(a=D(2026, 2, 13), b=D(2026, 2, 24)) == 2
    assert workdays_between(a=D(2026, 2, 24), b=D(2026, 2, 13)) == -2
    assert workdays_between(a=D(2026, 2, 13), b=D(2026, 2, 13)) == 0


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 12, 31)),
    n=st.integers(min_value=-80, max_value=80),
)
def test_workdays_between_undoes_add_workdays(start, n):
    end = add_workdays(start=start, n=n)
    assert workdays_between(a=start, b=end) == n
    if n:
        assert is_workday(day=end)


# --- the Monday–Friday fallback -----------------------------------------------------------------


def test_an_unknown_year_is_counted_monday_to_friday_and_says_so():
    result = add_workdays_result(start=D(UNKNOWN_YEAR, 1, 29), n=5)  # a Friday
    assert result.value == D(UNKNOWN_YEAR, 2, 5)
    assert result.fallback is True
    assert result.fallback_years == (UNKNOWN_YEAR,)
    assert result.notice == "2027年节假日安排尚未录入，按周一至周五计算"
    assert is_workday_result(day=D(UNKNOWN_YEAR, 1, 1)) == WorkdayResult(True, (UNKNOWN_YEAR,))
    assert is_workday(day=D(UNKNOWN_YEAR, 1, 2)) is False  # a Saturday


def test_a_count_that_runs_into_an_unknown_year_is_flagged():
    result = add_workdays_result(start=D(2026, 12, 30), n=3)
    assert result.value == D(UNKNOWN_YEAR, 1, 4)  # 31 Dec, Fri 1 Jan (fallback), Mon 4 Jan
    assert result.fallback_years == (UNKNOWN_YEAR,)
    between = workdays_between_result(a=D(2026, 12, 1), b=D(UNKNOWN_YEAR, 1, 31))
    assert between.fallback_years == (UNKNOWN_YEAR,)


def test_a_count_that_stays_in_known_years_is_not_flagged():
    assert add_workdays_result(start=D(2026, 12, 1), n=5).fallback is False
    assert workdays_between_result(a=D(2025, 1, 1), b=D(2026, 12, 31)).fallback is False


def test_fallback_notice_names_every_year():
    assert fallback_notice([2028, 2027]) == "2027年、2028年节假日安排尚未录入，按周一至周五计算"
    assert fallback_notice([]) == ""


# --- one query per range -------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 5, 10, 60, -60])
def test_add_workdays_reads_the_calendar_in_one_query(n, django_assert_num_queries):
    with django_assert_num_queries(1):
        add_workdays(start=D(2026, 9, 1), n=n)  # over the National Day week
    with django_assert_num_queries(1):
        add_workdays(start=D(2026, 1, 20), n=n)  # over the Spring Festival


def test_a_whole_year_of_counting_is_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        workdays_between(a=D(2025, 12, 31), b=D(2026, 12, 31))
    with django_assert_num_queries(1):
        add_workdays_result(start=D(2026, 11, 1), n=60)  # into the unknown year


def test_a_count_longer_than_twenty_years_is_refused():
    with pytest.raises(ValueError):
        add_workdays(start=D(2026, 1, 1), n=10_000)
