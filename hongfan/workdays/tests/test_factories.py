"""The workdays factories build valid rows, a date they list changes how deadlines are
counted, and the year page costs the same whatever the number of listed dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hongfan.workdays.choices import DayKind
from hongfan.workdays.selectors import add_workdays, is_workday, workdays_between
from hongfan.workdays.tests.conftest import UNKNOWN_YEAR
from hongfan.workdays.tests.factories import CalendarYearFactory, DayOverrideFactory

pytestmark = pytest.mark.django_db

Y = UNKNOWN_YEAR
WEDNESDAY = date(Y, 3, 3)
SATURDAY = date(Y, 3, 6)


def test_workdays_factories_build_valid_rows():
    rows = [
        CalendarYearFactory(),
        DayOverrideFactory(),
        DayOverrideFactory(kind=DayKind.WORKDAY),
    ]
    for row in rows:
        row.full_clean()


def test_a_holiday_from_the_factory_is_a_day_off_and_moves_a_deadline():
    year = CalendarYearFactory(year=Y)
    assert is_workday(day=WEDNESDAY)
    assert add_workdays(start=date(Y, 3, 2), n=1) == WEDNESDAY
    DayOverrideFactory(calendar_year=year, date=WEDNESDAY, name="测试假日")
    assert not is_workday(day=WEDNESDAY)
    assert add_workdays(start=date(Y, 3, 2), n=1) == date(Y, 3, 4)


def test_a_make_up_workday_from_the_factory_counts_a_saturday():
    year = CalendarYearFactory(year=Y)
    friday, monday = SATURDAY - timedelta(days=1), SATURDAY + timedelta(days=2)
    assert workdays_between(a=friday, b=monday) == 1
    DayOverrideFactory(calendar_year=year, date=SATURDAY, kind=DayKind.WORKDAY)
    assert is_workday(day=SATURDAY)
    assert add_workdays(start=friday, n=1) == SATURDAY
    assert workdays_between(a=friday, b=monday) == 2


def test_the_year_page_costs_the_same_with_twenty_more_listed_dates(
    client_for, django_assert_max_num_queries
):
    year = CalendarYearFactory(year=Y)
    DayOverrideFactory.create_batch(5, calendar_year=year)
    client = client_for("member")
    url = reverse("workdays:year", args=[Y])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    count()  # warm up (the first request of a session does a few more)
    before = count()
    DayOverrideFactory.create_batch(20, calendar_year=year)
    assert count() == before
    with django_assert_max_num_queries(8):
        client.get(url)
