"""Reads of hours: a volunteer's record (year and cumulative against the target, star
level, training apart), the table of volunteers, the national export's rows, the
certificate; and the demo's hours on a hospital's activities."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hongfan.accounts.models import User
from hongfan.org.choices import PoliticalStatus
from hongfan.org.tests.factories import make_person, primary, sec_branch
from hongfan.points import rules as codes
from hongfan.points.models import PointEntry
from hongfan.points.selectors.ledger import points_check
from hongfan.service.choices import HourKind, SignupStatus
from hongfan.service.demo import build_hospital_hours
from hongfan.service.models import HourEntry, HourTotal, Signup
from hongfan.service.selectors.hours import (
    certificate,
    national_rows,
    volunteer_record,
    volunteer_rows,
)
from hongfan.service.selectors.rules import star_level
from hongfan.service.tests.factories_hours import demo_access, make_activity

pytestmark = pytest.mark.django_db


def _hours(person, year: int, hours: str, kind: str = HourKind.SERVICE) -> None:
    HourTotal.objects.create(
        hospital=person.hospital,
        person=person,
        year=year,
        kind=kind,
        hours=Decimal(hours),
        activities=3,
    )
    HourEntry.objects.create(
        hospital=person.hospital,
        person=person,
        branch=person.branch,
        kind=kind,
        hours=Decimal(hours),
        occurred_on=date(year, 3, 1),
    )


def test_a_young_volunteers_record_counts_the_year_and_all_years_against_the_target() -> None:
    year = timezone.localdate().year
    p = make_person(primary(), branch=sec_branch(), birth_date=date(year - 26, 1, 1))
    _hours(p, year - 1, "80")
    _hours(p, year, "30")
    _hours(p, year, "6", HourKind.TRAINING)
    r = volunteer_record(access=demo_access("sec"), person=p, year=year)
    assert (r.year_hours, r.total_hours) == (Decimal(30), Decimal(110))
    assert r.year_training == Decimal(6)  # apart, not in the service hours
    assert r.target == 50 and r.target_share == 60 and not r.target_met
    assert r.star == 1 and r.next_star_at == 300


def test_staff_above_the_young_age_have_no_target() -> None:
    p = make_person(primary(), branch=sec_branch(), birth_date=date(1970, 1, 1))
    assert volunteer_record(access=demo_access("hosp"), person=p).target is None


def test_star_levels_follow_the_thresholds() -> None:
    t = [100, 300, 600, 1000, 1500]
    assert [star_level(Decimal(h), t) for h in (99, 100, 650, 1500)] == [0, 1, 3, 5]


def test_a_member_cannot_read_another_persons_record() -> None:
    p = make_person(primary(), branch=sec_branch())
    with pytest.raises(PermissionDenied):
        volunteer_record(access=demo_access("member"), person=p)


def test_the_table_lists_volunteers_with_this_years_hours_and_a_secretary_only_their_branch() -> (
    None
):
    year = timezone.localdate().year
    mine = make_person(primary(), branch=sec_branch(), political_status=PoliticalStatus.MEMBER)
    from hongfan.org.tests.factories import other_branch

    other = make_person(primary(), branch=other_branch(), political_status=PoliticalStatus.MEMBER)
    _hours(mine, year, "12.5")
    _hours(other, year, "7")
    rows = {
        r.person_id: r
        for r in volunteer_rows(access=demo_access("hosp"), hospital=primary(), year=year)
    }
    assert rows[mine.pk].year_hours == Decimal("12.5") and other.pk in rows
    sec_rows = volunteer_rows(access=demo_access("sec"), hospital=primary(), year=year)
    assert mine.pk in {r.person_id for r in sec_rows}
    assert other.pk not in {r.person_id for r in sec_rows}


def test_the_national_rows_are_for_the_hospital_admin_only() -> None:
    with pytest.raises(PermissionDenied):
        national_rows(access=demo_access("sec"), hospital=primary(), year=2026)


def test_the_certificate_masks_the_id_number_and_names_the_party_committee() -> None:
    p = make_person(primary(), branch=sec_branch())
    _hours(p, timezone.localdate().year, "42")
    c = certificate(access=demo_access("hosp"), person=p)
    assert c.hours == Decimal(42)
    assert p.id_number not in c.id_masked and c.id_masked[:6] == p.id_number[:6]
    assert c.issuer == f"中共{primary().name}委员会"
    assert c.number.startswith("ZYFW-")


def test_the_demo_fills_past_shifts_confirms_their_hours_and_pays_points_once() -> None:
    h = primary()
    now = timezone.now()
    for i in range(12):
        make_activity(h, starts_at=now - timedelta(days=10 + 7 * i), capacity=8, shifts=2)
    waiting = make_activity(h, branch=sec_branch(), starts_at=now - timedelta(days=1), capacity=6)
    upcoming = make_activity(h, starts_at=now + timedelta(days=3), capacity=10)
    assert build_hospital_hours(h) > 0
    entries = HourEntry.objects.filter(hospital=h, activity__isnull=False)
    assert entries.exists()
    paid = PointEntry.objects.filter(
        hospital=h, rule__code=codes.VOL_HOUR, source_type="service.signup"
    )
    assert paid.exists()
    assert points_check(hospital=h) == []
    for username in ("member", "sec"):
        person_id = User.objects.get(username=username).person_id
        assert HourTotal.objects.filter(person_id=person_id).exists(), username
        assert Signup.objects.filter(person_id=person_id, activity=upcoming).exists(), username
    assert Signup.objects.filter(activity=upcoming, status=SignupStatus.SIGNED).exists()
    from hongfan.service.selectors.signup import pending_confirmation

    assert waiting in pending_confirmation(access=demo_access("sec"))
    assert not HourEntry.objects.filter(activity=waiting).exists()
    before = Signup.objects.count()
    assert build_hospital_hours(h) == 0  # again: nothing new
    assert Signup.objects.count() == before
