"""Reads of 互联网+护理服务: the promise clock (months by the local day of booking, the rule's
hours, month and year boundaries), qualification, the queue's order, the status check."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from hongfan.org.models import Hospital, Person
from hongfan.org.tests.factories import primary
from hongfan.service.choices import NurseTitle, NursingStatus
from hongfan.service.models import NurseProfile, NursingBooking, NursingRule
from hongfan.service.selectors import nursing as sel
from hongfan.service.tests.factories_nursing import a_booking, a_service, office

pytestmark = pytest.mark.django_db


def _local(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.get_current_timezone())


def _served(b: NursingBooking, after: timedelta, status: str = NursingStatus.CLOSED) -> None:
    NursingBooking.objects.filter(pk=b.pk).update(
        status=status, arrived_at=b.requested_at + after, nurse=Person.objects.order_by("pk")[0]
    )


def _empty_hospital() -> Hospital:
    """A hospital without demo bookings, so the figures are only the test's."""
    return Hospital.objects.create(authority=primary().authority, name="测试医院（护理）")


def test_month_boundary_counts_by_the_local_day_of_booking():
    h = _empty_hospital()
    s = a_service(h)
    # 31 January 23:30 local, served 1 February 10:00: January's, within 24 hours.
    jan = a_booking(h, service=s, requested_at=_local(2025, 1, 31, 23, 30))
    _served(jan, timedelta(hours=10, minutes=30))
    # 1 February 00:10 local (still 31 January in UTC): February's, served late.
    feb = a_booking(h, service=s, requested_at=_local(2025, 2, 1, 0, 10))
    _served(feb, timedelta(hours=30))
    months = sel.promise_months(hospital_ids=[h.pk], year=2025, now=_local(2025, 6, 1))[h.pk]
    assert (months[0].bookings, months[0].within, months[0].share) == (1, 1, 100.0)
    assert (months[1].bookings, months[1].served, months[1].within, months[1].share) == (
        1,
        1,
        0,
        0.0,
    )


def test_exactly_the_promise_counts_as_within_and_a_minute_more_does_not():
    h = _empty_hospital()
    s = a_service(h)
    on_time = a_booking(h, service=s, requested_at=_local(2025, 3, 3, 9, 0))
    _served(on_time, timedelta(hours=24))
    late = a_booking(h, service=s, requested_at=_local(2025, 3, 4, 9, 0))
    _served(late, timedelta(hours=24, minutes=1))
    march = sel.promise_months(hospital_ids=[h.pk], year=2025, now=_local(2025, 6, 1))[h.pk][2]
    assert (march.served, march.within, march.share) == (2, 1, 50.0)


def test_year_boundary_and_open_bookings_and_refusals():
    h = _empty_hospital()
    s = a_service(h)
    # 31 December 2024 23:00 local: 2024's, not 2025's.
    a_booking(h, service=s, requested_at=_local(2024, 12, 31, 23, 0))
    still_open = a_booking(h, service=s, requested_at=_local(2025, 5, 30, 8, 0))
    fresh = a_booking(h, service=s, requested_at=_local(2025, 5, 31, 20, 0))
    refused = a_booking(h, service=s, requested_at=_local(2025, 5, 2, 8, 0))
    NursingBooking.objects.filter(pk=refused.pk).update(
        status=NursingStatus.REFUSED, refused_reason="x"
    )
    months = sel.promise_months(hospital_ids=[h.pk], year=2025, now=_local(2025, 6, 1, 9))[h.pk]
    may = months[4]
    assert sum(m.bookings for m in months) == 2  # the December one is 2024's
    assert (may.bookings, may.refused, may.late_open, may.due, may.share) == (2, 1, 1, 1, 0.0)
    assert still_open.pk != fresh.pk


def test_the_promise_hours_are_the_rule_in_force_on_the_day_of_booking():
    h = _empty_hospital()
    s = a_service(h)
    NursingRule.objects.create(
        authority_id=h.authority_id,
        effective_from=date(2025, 4, 1),
        min_clinical_years=5,
        min_title=NurseTitle.SENIOR_NURSE,
        promise_hours=12,
    )
    march = a_booking(h, service=s, requested_at=_local(2025, 3, 10, 8))
    _served(march, timedelta(hours=20))
    april = a_booking(h, service=s, requested_at=_local(2025, 4, 10, 8))
    _served(april, timedelta(hours=20))
    months = sel.promise_months(hospital_ids=[h.pk], year=2025, now=_local(2025, 6, 1))[h.pk]
    assert (months[2].within, months[3].within) == (1, 0)


def test_the_promise_figures_take_two_queries_whatever_the_rows(django_assert_max_num_queries):
    acc, h = office(), primary()
    with django_assert_max_num_queries(2):
        months = sel.promise_figures(access=acc, hospital=h, year=timezone.now().year)
    assert len(months) == 12


def test_clinical_years_are_whole_years():
    assert sel.clinical_years(date(2020, 6, 2), date(2025, 6, 1)) == 4
    assert sel.clinical_years(date(2020, 6, 1), date(2025, 6, 1)) == 5


def test_qualified_nurses_follow_the_rule():
    h = primary()
    names = set(sel.qualified_nurses(access=office(), hospital=h, day=timezone.localdate()))
    for p in NurseProfile.objects.filter(hospital=h).select_related("person"):
        ok = (
            p.active
            and p.title >= 2
            and sel.clinical_years(p.clinical_since, timezone.localdate()) >= 5
        )
        assert (p.person in names) == ok


def test_the_queue_puts_new_bookings_first():
    rows = sel.booking_queue(access=office(), hospital_id=primary().pk)
    order = {"booked": 0, "accepted": 1, "assigned": 2, "visited": 3}
    ranks = [order.get(b.status, 9) for b in rows]
    assert ranks == sorted(ranks) and ranks[0] == 0


def test_the_status_check_needs_the_reference_and_the_last_four_digits():
    b = a_booking(primary(), mobile="13900001234")
    assert sel.booking_status(reference=b.reference.lower(), last4="1234") == b
    assert sel.booking_status(reference=b.reference, last4="4321") is None
    assert sel.booking_status(reference="HLNOTHERE", last4="1234") is None


def test_overdue_open_bookings_are_counted_for_the_office():
    now = timezone.now()
    b = a_booking(primary(), requested_at=now - timedelta(hours=25))
    late = sel.overdue_open(access=office(), hospital=primary(), now=now)
    assert b in late
    waiting = sel.office_waiting(access=office(), now=now)
    assert waiting[0].late == len(late)
