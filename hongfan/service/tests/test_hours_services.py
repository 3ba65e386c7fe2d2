"""Hours: the arithmetic (actual in/out, capped by the shift and the day, travel excluded),
the organiser's confirmation (ledger entry, yearly rollup, points through the points door,
a message), training kept apart, and corrections as reversing entries with their points
reversed."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.utils import timezone

from hongfan.notices.models import Notification
from hongfan.org.choices import PoliticalStatus
from hongfan.org.tests.factories import make_person, primary, sec_branch
from hongfan.points import rules as codes
from hongfan.points.models import PointEntry
from hongfan.points.selectors.ledger import points_check
from hongfan.service.choices import HourKind, SignupStatus
from hongfan.service.models import HourEntry, HourTotal, Signup
from hongfan.service.selectors.hours import signup_hours
from hongfan.service.services.hours import hours_confirm, hours_correct
from hongfan.service.services.signup import signup_create, signup_mark
from hongfan.service.tests.factories_hours import access_of, demo_access, make_activity

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 5, 6, 8, 0, tzinfo=timezone.get_current_timezone())


def h(minutes_in: int, minutes_out: int | None, excluded: int = 0, cap: str = "12") -> Decimal:
    return signup_hours(
        checked_in_at=T0 + timedelta(minutes=minutes_in),
        checked_out_at=None if minutes_out is None else T0 + timedelta(minutes=minutes_out),
        shift_starts_at=T0,
        shift_ends_at=T0 + timedelta(hours=3),
        excluded_minutes=excluded,
        day_cap=Decimal(cap),
    )


def test_hours_come_from_actual_in_and_out_times() -> None:
    assert h(5, 155) == Decimal("2.5")


def test_hours_are_capped_by_the_shifts_length() -> None:
    assert h(-40, 240) == Decimal("3.0")


def test_travel_minutes_are_excluded() -> None:
    assert h(0, 180, excluded=45) == Decimal("2.3")  # 135 minutes


def test_hours_are_capped_by_what_is_left_of_the_days_maximum() -> None:
    assert h(0, 180, cap="1.5") == Decimal("1.5")
    assert h(0, 180, cap="0") == Decimal("0.0")


def test_without_a_check_out_the_shifts_end_counts_and_without_a_check_in_nothing() -> None:
    assert h(30, None) == Decimal("2.5")
    assert signup_hours(
        checked_in_at=None,
        checked_out_at=None,
        shift_starts_at=T0,
        shift_ends_at=T0 + timedelta(hours=3),
        excluded_minutes=0,
        day_cap=Decimal(12),
    ) == Decimal(0)


def vol_points(person_id: int) -> Decimal:
    return PointEntry.objects.filter(person_id=person_id, rule__code=codes.VOL_HOUR).aggregate(
        s=Sum("points")
    )["s"] or Decimal(0)


def _served(*, members: int = 1, staff: int = 0, absent: int = 0) -> tuple[Any, list[Signup]]:
    """An activity of sec's branch that ended an hour ago (3 hours, 8 places), with people
    signed up in time and checked in for its first two and a half hours."""
    start = timezone.now() - timedelta(hours=4)
    a = make_activity(primary(), branch=sec_branch(), starts_at=start, capacity=8)
    shift = a.shifts.get()
    rows = []
    statuses = [PoliticalStatus.MEMBER] * members + [PoliticalStatus.MASSES] * (staff + absent)
    lead = demo_access("sec")
    for i, status in enumerate(statuses):
        p = make_person(primary(), branch=sec_branch(), political_status=status)
        row = signup_create(access=access_of(p), shift=shift, now=start - timedelta(days=1))
        if i < members + staff:
            signup_mark(access=lead, signup=row, action="in", now=start)
            signup_mark(access=lead, signup=row, action="out", now=start + timedelta(minutes=150))
        rows.append(row)
    return a, rows


def test_confirming_writes_one_entry_per_signup_the_rollup_and_member_points(
    django_capture_on_commit_callbacks: Any,
) -> None:
    a, (member, staff, absent) = _served(members=1, staff=1, absent=1)
    with django_capture_on_commit_callbacks(execute=True):
        done = hours_confirm(access=demo_access("sec"), activity=a, excluded={member.pk: 30})
    assert {e.signup_id: e.hours for e in done.entries} == {
        member.pk: Decimal("2.0"),
        staff.pk: Decimal("2.5"),
    }
    assert done.no_shows == 1
    absent.refresh_from_db()
    assert absent.status == SignupStatus.NO_SHOW
    year = timezone.localtime(a.starts_at).year
    total = HourTotal.objects.get(person_id=member.person_id, year=year, kind=HourKind.SERVICE)
    assert (total.hours, total.activities) == (Decimal("2.0"), 1)
    assert vol_points(member.person_id) > 0  # the member's points rose
    assert vol_points(staff.person_id) == 0  # staff who are not members earn hours only
    assert PointEntry.objects.get(source_key=f"service.signup:{member.pk}").points > 0
    note = Notification.objects.filter(key=f"service.hours:{done.entries[0].pk}").get()
    assert "已确认" in note.title
    assert points_check(hospital=primary()) == []


def test_confirming_twice_or_before_the_end_is_refused() -> None:
    a, _ = _served()
    sec = demo_access("sec")
    hours_confirm(access=sec, activity=a)
    with pytest.raises(ValidationError, match="已确认"):
        hours_confirm(access=sec, activity=a)
    later = make_activity(primary(), branch=sec_branch())
    with pytest.raises(ValidationError, match="活动结束后"):
        hours_confirm(access=sec, activity=later)


def test_travel_minutes_beyond_the_shift_are_refused_and_nothing_is_written() -> None:
    a, (row,) = _served()
    with pytest.raises(ValidationError):
        hours_confirm(access=demo_access("sec"), activity=a, excluded={row.pk: 500})
    assert not HourEntry.objects.filter(activity=a).exists()
    a.refresh_from_db()
    assert a.closed_at is None


def test_a_member_cannot_confirm_hours() -> None:
    a, _ = _served()
    with pytest.raises(PermissionDenied):
        hours_confirm(access=demo_access("member"), activity=a)
    assert not HourEntry.objects.filter(activity=a).exists()


def test_training_hours_are_kept_apart_and_earn_no_points() -> None:
    a, (row,) = _served()
    hours_confirm(access=demo_access("sec"), activity=a, kind=HourKind.TRAINING)
    year = timezone.localtime(a.starts_at).year
    assert HourTotal.objects.get(person_id=row.person_id, year=year).kind == HourKind.TRAINING
    assert not HourTotal.objects.filter(person_id=row.person_id, kind=HourKind.SERVICE).exists()
    assert vol_points(row.person_id) == 0


def test_a_correction_reverses_the_entry_and_its_points_and_writes_a_new_one() -> None:
    a, (row,) = _served()
    hosp = demo_access("hosp")
    hours_confirm(access=hosp, activity=a)
    first = HourEntry.objects.get(signup=row)
    paid = vol_points(row.person_id)
    row.refresh_from_db()
    new = hours_correct(access=hosp, signup=row, hours=Decimal("1.5"), reason="提前离开")
    assert new is not None and new.corrects == first and new.hours == Decimal("1.5")
    reversal = HourEntry.objects.get(reverses=first)
    assert reversal.hours == -first.hours
    first.refresh_from_db()
    assert first.hours == Decimal("2.5")  # never edited
    year = timezone.localtime(a.starts_at).year
    total = HourTotal.objects.get(person_id=row.person_id, year=year, kind=HourKind.SERVICE)
    assert (total.hours, total.activities) == (Decimal("1.5"), 1)
    assert vol_points(row.person_id) < paid
    assert PointEntry.objects.filter(person_id=row.person_id, kind="reversal").count() == 1
    # corrected again, to nothing: the chain stays, the total is back to 0
    assert hours_correct(access=hosp, signup=row, hours=Decimal(0), reason="重复登记") is None
    total.refresh_from_db()
    assert (total.hours, total.activities) == (Decimal("0"), 0)
    assert vol_points(row.person_id) == 0
    assert points_check(hospital=primary()) == []


def test_a_correction_above_the_shifts_length_is_refused() -> None:
    a, (row,) = _served()
    hosp = demo_access("hosp")
    hours_confirm(access=hosp, activity=a)
    with pytest.raises(ValidationError, match="不能超过班次时长"):
        hours_correct(access=hosp, signup=row, hours=Decimal("3.5"), reason="多算")
    assert HourEntry.objects.filter(signup=row).count() == 1


def _tally_of(person_id: int, kind: str = HourKind.SERVICE) -> Decimal:
    from hongfan.org.models import Person
    from hongfan.service.models import HourTally

    p = Person.objects.get(pk=person_id)
    return HourTally.objects.filter(
        hospital_id=p.hospital_id, branch_id=p.branch_id, kind=kind
    ).aggregate(h=Sum("hours"))["h"] or Decimal(0)


def test_the_monthly_tally_moves_with_confirmations_and_corrections_and_equals_the_ledger() -> None:
    from hongfan.service.selectors.hours import tally_check

    a, (row, _other) = _served(members=0, staff=2)
    before = _tally_of(row.person_id)
    hosp = demo_access("hosp")
    hours_confirm(access=hosp, activity=a)
    assert _tally_of(row.person_id) == before + Decimal("5.0")  # two people, 2.5 h each
    row.refresh_from_db()
    hours_correct(access=hosp, signup=row, hours=Decimal("1.5"), reason="提前离开")
    assert _tally_of(row.person_id) == before + Decimal("4.0")
    hours_correct(access=hosp, signup=row, hours=Decimal(0), reason="重复登记")
    assert _tally_of(row.person_id) == before + Decimal("2.5")
    assert tally_check(hospital_id=primary().pk) == []


def test_the_tally_check_finds_a_difference_and_the_command_rebuilds_it() -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from hongfan.service.models import HourTally
    from hongfan.service.selectors.hours import tally_check

    a, _ = _served(staff=1)
    hours_confirm(access=demo_access("hosp"), activity=a)
    HourTally.objects.filter(hospital=primary()).order_by("pk").first().delete()
    assert tally_check(hospital_id=primary().pk) != []
    with pytest.raises(CommandError):
        call_command("checkhours", hospital=primary().pk, stdout=StringIO())
    call_command("checkhours", hospital=primary().pk, fix=True, stdout=StringIO())
    assert tally_check(hospital_id=primary().pk) == []


def test_a_rosters_shifts_count_on_their_own_days_each_under_its_days_maximum(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A 红帆驿站 roster runs over days: each shift's hours are dated on the shift's day and
    the day's maximum applies per day, not once for the whole roster."""
    start = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0) - timedelta(
        days=3
    )
    a = make_activity(primary(), branch=sec_branch(), starts_at=start, hours=8, capacity=2)
    second = a.shifts.create(
        label="第2天",
        starts_at=start + timedelta(days=1),
        ends_at=start + timedelta(days=1, hours=8),
        capacity=2,
    )
    a.ends_at = second.ends_at
    a.save(update_fields=["ends_at"])
    p = make_person(primary(), branch=sec_branch(), political_status=PoliticalStatus.MEMBER)
    lead = demo_access("sec")
    for shift in (a.shifts.order_by("starts_at").first(), second):
        row = signup_create(access=access_of(p), shift=shift, now=start - timedelta(days=1))
        signup_mark(access=lead, signup=row, action="in", now=shift.starts_at)
        signup_mark(access=lead, signup=row, action="out", now=shift.ends_at)
    with django_capture_on_commit_callbacks(execute=True):
        done = hours_confirm(access=lead, activity=a)
    days = sorted((e.occurred_on, e.hours) for e in done.entries)
    first_day = timezone.localtime(start).date()
    assert days == [
        (first_day, Decimal("8.0")),
        (first_day + timedelta(days=1), Decimal("8.0")),
    ]
    total = HourTotal.objects.get(person_id=p.pk, year=first_day.year, kind=HourKind.SERVICE)
    assert (total.hours, total.activities) == (Decimal("16.0"), 1)  # one activity, two days
    note = Notification.objects.get(key=f"service.hours:{done.entries[0].pk}")
    assert "16.0小时" in note.body
