"""The brand page's figures, the place register's reach and the dashboards, counted live
from the records; the query count does not grow with the rows."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hongfan.core.dates import today
from hongfan.org.models import Person
from hongfan.org.tests.factories import primary, second
from hongfan.service.models import Activity, HourEntry, Place
from hongfan.service.selectors.brand import brand_figures
from hongfan.service.selectors.dashboard import city_dashboard, hospital_dashboard
from hongfan.service.selectors.place import place_reach
from hongfan.service.services.record import record_save
from hongfan.service.tests.factories_activities import acc, measure_of, place_of, plan

pytestmark = pytest.mark.django_db


def held(a: Activity, hours_ago: int = 2) -> Activity:
    """Move an activity into the past and publish it (as if held)."""
    starts = timezone.now() - timedelta(hours=hours_ago)
    Activity.objects.filter(pk=a.pk).update(
        status="published",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        signup_deadline=starts - timedelta(hours=1),
        cancel_deadline=starts - timedelta(hours=1),
    )
    a.refresh_from_db()
    return a


def test_the_brand_page_counts_activities_volunteers_hours_served_and_places_per_measure() -> None:
    year = today().year
    m = measure_of()
    before = {r.measure.pk: r for r in brand_figures(hospital=primary(), year=year).rows}[m.pk]
    a = held(plan(title="计数义诊", place=place_of(name="计数村")))
    b = held(plan(title="计数义诊二", place=place_of(name="计数村")))
    plan(title="未开展的草稿")  # a draft is not counted
    record_save(access=acc("sec"), activity=a, people_served=80, counts={"ecg": 12})
    person = Person.objects.filter(hospital=primary()).first()
    for act in (a, b):
        HourEntry.objects.create(
            hospital=primary(), person=person, kind="service", hours=Decimal("2.5"),
            occurred_on=today(), activity=act,
        )  # fmt: skip
    after = {r.measure.pk: r for r in brand_figures(hospital=primary(), year=year).rows}[m.pk]
    assert after.activities == before.activities + 2
    assert after.people_served == before.people_served + 80
    assert after.hours == before.hours + Decimal(5)
    assert after.volunteers >= 1
    assert after.places >= 1


def test_the_brand_page_takes_a_fixed_number_of_queries() -> None:
    with CaptureQueriesContext(connection) as few:
        brand_figures(hospital=primary(), year=today().year)
    for _ in range(5):
        held(plan(title="更多活动"))
    with CaptureQueriesContext(connection) as more:
        brand_figures(hospital=primary(), year=today().year)
    assert len(more) == len(few) <= 10


def test_places_reached_and_not_reached_by_township() -> None:
    year = today().year
    reached = place_of(name="已到达村")
    waiting = Place.objects.create(
        hospital=primary(), name="未到达村", kind="village", township="测试镇"
    )
    held(plan(place=reached))
    plan(place=waiting)  # a draft does not reach its place
    reach = place_reach(hospital=primary(), year=year)
    rows = {r.place.pk: r for r in reach.rows}
    assert rows[reached.pk].reached and rows[reached.pk].visits == 1
    assert not rows[waiting.pk].reached
    town = next(t for t in reach.townships if t.name == "测试镇")
    assert town.places >= 2 and 1 <= town.reached < town.places
    assert reach.reached == sum(t.reached for t in reach.townships)


def test_a_stopped_place_not_visited_leaves_the_register() -> None:
    gone = Place.objects.create(
        hospital=primary(), name="撤并村", kind="village", township="测试镇", active=False
    )
    rows = {r.place.pk for r in place_reach(hospital=primary(), year=today().year).rows}
    assert gone.pk not in rows


def test_the_hospital_dashboard_sums_months_and_branches_with_fixed_queries() -> None:
    year = today().year
    with CaptureQueriesContext(connection) as few:
        d = hospital_dashboard(hospital=primary(), year=year)
    a = held(plan(title="仪表盘义诊"))
    record_save(access=acc("sec"), activity=a, people_served=33, counts={})
    with CaptureQueriesContext(connection) as more:
        d2 = hospital_dashboard(hospital=primary(), year=year)
    assert len(more) == len(few) <= 15
    assert d2.total.activities == d.total.activities + 1
    assert d2.total.people_served == d.total.people_served + 33
    assert sum(line.activities for line in d2.lines) == d2.total.activities
    assert sum(b.activities for b in d2.branches) == d2.total.activities


def test_the_city_dashboard_puts_the_hospitals_side_by_side() -> None:
    hospitals = [primary(), second()]
    with CaptureQueriesContext(connection) as q:
        d = city_dashboard(authority=primary().authority, hospitals=hospitals, year=today().year)
    assert [line.key for line in d.lines] == [h.pk for h in hospitals]
    assert d.total.activities == sum(line.activities for line in d.lines)
    assert len(q) <= 10
    # the demo year gave both hospitals held activities
    assert all(line.activities > 0 for line in d.lines)


def test_the_hospital_dashboard_reads_desk_help_loans_and_the_nursing_clock() -> None:
    from hongfan.service.models import (
        DeskHelp,
        LendItem,
        Loan,
        NursingBooking,
        NursingService,
        ServiceDesk,
    )

    year = today().year
    before = hospital_dashboard(hospital=primary(), year=year).total
    now = timezone.now()
    desk = ServiceDesk.objects.create(
        hospital=primary(), name="统计驿站", location="门诊大厅", opening_hours="8-17"
    )
    DeskHelp.objects.create(
        hospital=primary(), desk=desk, kind="guidance", count=12, occurred_at=now
    )
    item = LendItem.objects.create(
        hospital=primary(), desk=desk, kind="wheelchair", name="统计轮椅", stock=3
    )
    Loan.objects.create(
        hospital=primary(), item=item, borrower="x", mobile="x", mobile_hash="h",
        lent_at=now, due_at=now + timedelta(hours=4),
    )  # fmt: skip
    service = NursingService.objects.create(hospital=primary(), category="basic", name="统计护理")
    asked = now - timedelta(hours=30)
    for n, arrived in enumerate((asked + timedelta(hours=20), asked + timedelta(hours=28), None)):
        NursingBooking.objects.create(
            hospital=primary(), reference=f"TJ{n}", service=service, patient_kind="elderly",
            patient_name="x", mobile="x", mobile_hash="h", address="x", arrived_at=arrived,
            requested_at=asked, due_at=asked + timedelta(hours=24),
        )  # fmt: skip
    after = hospital_dashboard(hospital=primary(), year=year).total
    assert after.desk_help == before.desk_help + 12
    assert after.loans == before.loans + 1
    assert after.nursing == before.nursing + 3
    assert after.nursing_visited == before.nursing_visited + 2
    assert after.nursing_in_time == before.nursing_in_time + 1
