"""The service dashboards on a small world counted by hand (months by the local day, the
hours from the monthly tally, desk help, loans and the nursing clock asked of their
selectors), and their query counts pinned: the same on that small world as on the demo
hospital and the whole city."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hongfan.core.dates import today
from hongfan.org.models import Hospital
from hongfan.org.tests.factories import make_branch, make_person, primary
from hongfan.service.choices import ActivityStatus, HourKind, NursingStatus
from hongfan.service.models import (
    DeskHelp,
    HourEntry,
    LendItem,
    Loan,
    NursingBooking,
    ServiceDesk,
    ServiceRecord,
)
from hongfan.service.selectors.dashboard import city_dashboard, hospital_dashboard
from hongfan.service.services.hours import add_to_tally
from hongfan.service.tests.factories_activities import place_of
from hongfan.service.tests.factories_hours import make_activity
from hongfan.service.tests.factories_nursing import a_booking, a_nurse, a_service

pytestmark = pytest.mark.django_db

YEAR = today().year - 1  # a whole year in the past: every activity held


def _local(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(YEAR, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


def _entry(hospital: Hospital, person: object, hours: str, day: date, **kw: object) -> HourEntry:
    e = HourEntry.objects.create(
        hospital=hospital,
        person=person,
        branch_id=getattr(person, "branch_id", None),
        kind=kw.pop("kind", HourKind.SERVICE),
        hours=Decimal(hours),
        occurred_on=day,
        **kw,
    )
    add_to_tally([e])
    return e


def small_world() -> tuple[Hospital, object]:
    """A new hospital with one branch: in March two activities of the branch at one
    village (30 served), in July one of the hospital itself at another (12 served) and a
    cancelled one; hours 2.5 corrected to 1.5 in March (branch), 3.0 in July (no branch),
    4.0 of training; desk help 5 on 31 March 23:30 and 2 on 1 April 00:10; one loan in
    July; home nursing in March served after 10 h and after 30 h, one refused in July."""
    h = Hospital.objects.create(authority=primary().authority, name="测试医院（仪表盘）")
    branch = make_branch(h)
    member = make_person(h, branch=branch)
    outsider = make_person(h)
    village, school = place_of(h, "东村"), place_of(h, "西村小学")
    a1 = make_activity(h, branch=branch, starts_at=_local(3, 10))
    a2 = make_activity(h, branch=branch, starts_at=_local(3, 20))
    a3 = make_activity(h, starts_at=_local(7, 5))
    make_activity(h, starts_at=_local(7, 6), status=ActivityStatus.CANCELLED)
    for a, place in ((a1, village), (a2, village), (a3, school)):
        a.place = place
        a.save(update_fields=["place"])
    ServiceRecord.objects.create(activity=a1, people_served=30)
    ServiceRecord.objects.create(activity=a3, people_served=12)
    first = _entry(h, member, "2.5", date(YEAR, 3, 10), activity=a1)
    _entry(h, member, "-2.5", date(YEAR, 3, 10), activity=a1, reverses=first)
    _entry(h, member, "1.5", date(YEAR, 3, 10), activity=a1, corrects=first)
    _entry(h, outsider, "3.0", date(YEAR, 7, 5), activity=a3)
    _entry(h, member, "4.0", date(YEAR, 3, 20), activity=a2, kind=HourKind.TRAINING)
    desk = ServiceDesk.objects.create(
        hospital=h, name="门诊驿站", location="大厅", opening_hours="8-17"
    )
    for count, when in ((5, _local(3, 31, 23, 30)), (2, _local(4, 1, 0, 10))):
        DeskHelp.objects.create(
            hospital=h, desk=desk, kind="guidance", count=count, occurred_at=when
        )
    item = LendItem.objects.create(hospital=h, desk=desk, kind="wheelchair", name="轮椅", stock=2)
    Loan.objects.create(
        hospital=h, item=item, borrower="x", mobile="x", mobile_hash="h",
        lent_at=_local(7, 8), due_at=_local(7, 8, 13),
    )  # fmt: skip
    service, nurse = a_service(h), a_nurse(h)
    for asked, after in ((_local(3, 3), 10), (_local(3, 4), 30)):
        b = a_booking(h, service=service, requested_at=asked)
        NursingBooking.objects.filter(pk=b.pk).update(
            status=NursingStatus.CLOSED, nurse=nurse, arrived_at=asked + timedelta(hours=after)
        )
    refused = a_booking(h, service=service, requested_at=_local(7, 9))
    NursingBooking.objects.filter(pk=refused.pk).update(
        status=NursingStatus.REFUSED, refused_reason="超出范围"
    )
    return h, branch


def _figures(line: object) -> tuple:
    names = ("activities", "places", "people_served", "hours", "desk_help", "loans", "nursing",
             "nursing_visited", "nursing_in_time")  # fmt: skip
    return tuple(getattr(line, n) for n in names)


def test_the_hospital_dashboard_gives_the_hand_counted_figures_of_a_small_world() -> None:
    h, branch = small_world()
    d = hospital_dashboard(hospital=h, year=YEAR)
    march, april, july = d.lines[2], d.lines[3], d.lines[6]
    assert _figures(march) == (2, 1, 30, Decimal("1.5"), 5, 0, 2, 2, 1)
    assert _figures(april) == (0, 0, 0, Decimal(0), 2, 0, 0, 0, 0)
    assert _figures(july) == (1, 1, 12, Decimal("3.0"), 0, 1, 1, 0, 0)
    assert all(_figures(m)[:6] == (0, 0, 0, 0, 0, 0) for m in d.lines if m.key not in (3, 4, 7))
    assert _figures(d.total) == (3, 2, 42, Decimal("4.5"), 7, 1, 3, 2, 1)
    assert march.in_time_percent == 50
    assert [(b.label, b.activities, b.people_served, b.hours) for b in d.branches] == [
        (branch.name, 2, 30, Decimal("1.5")),
        ("医院组织（非支部）", 1, 12, Decimal("3.0")),
    ]


def test_the_city_dashboard_gives_the_same_figures_per_hospital() -> None:
    h, _ = small_world()
    d = city_dashboard(authority=h.authority, hospitals=[h], year=YEAR)
    (line,) = d.lines
    assert _figures(line) == (3, 2, 42, Decimal("4.5"), 7, 1, 3, 2, 1)
    assert _figures(d.total) == _figures(line)


def _queries(fn: object) -> int:
    with CaptureQueriesContext(connection) as q:
        fn()  # type: ignore[operator]
    return len(q)


def test_the_dashboards_query_counts_do_not_grow_with_the_rows() -> None:
    h, _ = small_world()
    year, demo = today().year, primary()
    small = _queries(lambda: hospital_dashboard(hospital=h, year=YEAR))
    large = _queries(lambda: hospital_dashboard(hospital=demo, year=year))
    assert small == large <= 11
    hospitals = list(Hospital.objects.order_by("pk"))
    one = _queries(lambda: city_dashboard(authority=h.authority, hospitals=[h], year=YEAR))
    every = _queries(lambda: city_dashboard(authority=h.authority, hospitals=hospitals, year=year))
    assert one == every <= 7


def test_on_the_demo_the_dashboard_equals_the_figures_counted_from_the_raw_rows() -> None:
    """The hours of the tally, the months of ``month_of`` and the stored nursing deadline
    give what a year of raw rows gives (the ledger by day, local months, 24 hours)."""
    demo, year = primary(), today().year
    d = hospital_dashboard(hospital=demo, year=year)
    hours = {m: Decimal(0) for m in range(1, 13)}
    for day, h in HourEntry.objects.filter(
        hospital=demo, kind=HourKind.SERVICE, occurred_on__year=year
    ).values_list("occurred_on", "hours"):
        hours[day.month] += h
    help_, loans, made, visited, in_time = ({m: 0 for m in range(1, 13)} for _ in range(5))
    for at, n in DeskHelp.objects.filter(hospital=demo).values_list("occurred_at", "count"):
        if timezone.localtime(at).year == year:
            help_[timezone.localtime(at).month] += n
    for (at,) in Loan.objects.filter(hospital=demo).values_list("lent_at"):
        if timezone.localtime(at).year == year:
            loans[timezone.localtime(at).month] += 1
    for asked, arrived in NursingBooking.objects.filter(hospital=demo).values_list(
        "requested_at", "arrived_at"
    ):
        local = timezone.localtime(asked)
        if local.year == year:
            made[local.month] += 1
            visited[local.month] += arrived is not None
            in_time[local.month] += arrived is not None and arrived - asked <= timedelta(hours=24)
    for line in d.lines:
        m = line.key
        assert (line.hours, line.desk_help, line.loans) == (hours[m], help_[m], loans[m]), m
        assert (line.nursing, line.nursing_visited, line.nursing_in_time) == (
            made[m],
            visited[m],
            in_time[m],
        ), m
    assert d.total.nursing > 0 and d.total.hours > 0  # the demo has both
