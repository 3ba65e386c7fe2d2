"""Study hours (confirmed self-study + group study from orglife meetings), yearly targets by
role, who reads the tables, and the cost of the tables."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from hongfan.core.access import access_for
from hongfan.core.dates import today
from hongfan.core.roles import Role
from hongfan.org.models import Person
from hongfan.org.tests.factories import make_person, primary
from hongfan.study.choices import LogMethod, LogStatus
from hongfan.study.models import StudyLog, StudyRule
from hongfan.study.selectors import hours as hour_selectors
from hongfan.study.tests.conftest import committee, group_study, make_user

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


def confirmed_log(
    world, person: Person, minutes: int, day: date, status: str = LogStatus.CONFIRMED
):
    item = world.item()
    return StudyLog.objects.create(
        hospital=world.hospital,
        person=person,
        item=item,
        method=LogMethod.SELF,
        status=status,
        minutes=minutes,
        studied_on=day,
    )


def hours_of(world, person: Person, year: int):
    table = hour_selectors.hours_table(access=world.admin, hospital=world.hospital, year=year)
    return next(r for r in table.rows if r.person_id == person.pk)


# --- hours ------------------------------------------------------------------------------------------


def test_hours_are_confirmed_self_study_plus_held_group_study_attended(world):
    year = today().year
    p, q = world.a[1], world.a[2]
    jan = date(year, 1, 10)
    confirmed_log(world, p, 90, jan)
    confirmed_log(world, p, 30, jan, status=LogStatus.PENDING)  # not yet counted
    confirmed_log(world, p, 45, jan, status=LogStatus.REJECTED)  # never counted
    confirmed_log(world, p, 60, date(year - 1, 12, 31))  # last year
    group_study(world.branch_a, starts=at(jan), minutes=120, present=[p], absent=[q])
    group_study(world.branch_a, starts=at(jan, 14), minutes=60, present=[p, q], status="planned")
    group_study(world.branch_a, starts=at(jan, 15), minutes=60, present=[p], status="cancelled")
    group_study(world.branch_a, starts=at(jan, 16), minutes=90, present=[p], kind="party_lecture")
    group_study(world.branch_a, starts=at(date(year - 1, 12, 31), 20), minutes=60, present=[p])
    row = hours_of(world, p, year)
    assert (row.self_minutes, row.group_minutes, row.total_minutes) == (90, 120, 210)
    assert row.hours == Decimal("3.5")
    assert hours_of(world, q, year).total_minutes == 0
    last = hours_of(world, p, year - 1)
    assert (last.self_minutes, last.group_minutes) == (60, 60)


def test_a_group_study_is_counted_in_the_year_it_started_in_local_time(world):
    year = today().year - 1
    p = world.a[1]
    # 23:30 on 31 December in Shanghai is still that year, though 15:30 UTC
    group_study(world.branch_a, starts=at(date(year, 12, 31), 23), minutes=90, present=[p])
    assert hours_of(world, p, year).group_minutes == 90
    assert hours_of(world, p, year + 1).group_minutes == 0


def test_my_hours_match_the_table(world):
    year = today().year
    p = world.a[1]
    confirmed_log(world, p, 100, date(year, 1, 2))
    group_study(world.branch_a, starts=at(date(year, 1, 3)), minutes=30, present=[p])
    mine = hour_selectors.my_hours(
        Person.objects.select_related("hospital", "branch").get(pk=p.pk), year
    )
    assert mine.total_minutes == hours_of(world, p, year).total_minutes == 130


def test_my_hours_in_one_query_give_every_members_row_of_the_table(
    world, demo_authority, django_assert_num_queries
):
    """我的学习's one query (compiled once per process) gives each member what the hospital's
    table gives them: minutes of both kinds, the target of their role and of the rule in
    force that year, their branch; a late group study counts in its local year."""
    year = today().year
    secretary, seat, plain, old_seat = world.a[0], world.a[1], world.a[2], world.a[3]
    committee(world.branch_a, [(old_seat, "propaganda")], start=date(2015, 1, 1))
    committee(world.branch_a, [(seat, "organisation")], start=date(2022, 1, 1))
    StudyRule.objects.create(
        authority=demo_authority,
        effective_from=date(year - 1, 1, 1),
        member_target_hours=40,
        committee_target_hours=64,
    )
    confirmed_log(world, plain, 100, date(year, 1, 2))
    confirmed_log(world, plain, 30, date(year, 1, 2), status=LogStatus.PENDING)
    confirmed_log(world, seat, 45, date(year - 1, 12, 31))
    group_study(world.branch_a, starts=at(date(year - 1, 12, 31), 23), minutes=90, present=[seat])
    group_study(world.branch_a, starts=at(date(year, 1, 3)), minutes=30, present=[plain, seat])
    for y in (year, year - 1, year - 3):
        table = hour_selectors.hours_table(access=world.admin, hospital=world.hospital, year=y)
        for row in table.rows:
            person = Person.objects.get(pk=row.person_id)
            with django_assert_num_queries(1):
                mine = hour_selectors.my_hours(person, y)
            assert mine == row, (y, person.name)
    assert hour_selectors.my_hours(plain, year).total_minutes == 130
    last = hour_selectors.my_hours(seat, year - 1)
    assert (last.self_minutes, last.group_minutes, last.target_hours) == (45, 90, 64)
    assert hour_selectors.my_hours(secretary, year - 3).target_hours == 56  # no rule yet


# --- targets ---------------------------------------------------------------------------------------


def test_targets_are_32_hours_for_members_and_56_for_secretaries_and_committee_members(world):
    year = today().year
    secretary, seat, plain, old_seat = world.a[0], world.a[1], world.a[2], world.a[3]
    committee(world.branch_a, [(old_seat, "propaganda")], start=date(2015, 1, 1))  # an old term
    committee(world.branch_a, [(seat, "organisation")], start=date(2022, 1, 1))  # the current one
    table = hour_selectors.hours_table(access=world.admin, hospital=world.hospital, year=year)
    targets = {r.person_id: (r.target_hours, r.committee) for r in table.rows}
    assert targets[secretary.pk] == (56, True)  # the branch's secretary
    assert targets[seat.pk] == (56, True)
    assert targets[plain.pk] == (32, False)
    assert targets[old_seat.pk] == (32, False)


def test_a_seat_in_another_branchs_committee_does_not_count(world):
    person = world.a[2]
    committee(world.branch_b, [(person, "member")], start=date(2023, 1, 1))
    assert hours_of(world, person, today().year).target_hours == 32


def test_targets_follow_the_citys_rule_version_for_the_year(world, demo_authority):
    year = today().year
    StudyRule.objects.create(
        authority=demo_authority,
        effective_from=date(year - 1, 1, 1),
        member_target_hours=40,
        committee_target_hours=64,
    )
    StudyRule.objects.create(
        authority=demo_authority,
        effective_from=date(year + 1, 1, 1),
        member_target_hours=99,
        committee_target_hours=99,
    )
    row = hours_of(world, world.a[2], year)
    assert row.target_hours == 40
    assert hours_of(world, world.a[0], year).target_hours == 64
    assert hours_of(world, world.a[2], year - 2).target_hours == 32  # before any version


def test_behind_means_below_the_even_pace_of_the_year(world):
    last_year = today().year - 1
    p = world.a[2]
    for month in (3, 4, 5, 6):
        confirmed_log(world, p, 8 * 60, date(last_year, month, 1))
    row = hours_of(world, p, last_year)
    assert row.reached and not row.behind and row.percent == 100
    q = world.a[3]
    confirmed_log(world, q, 5 * 60, date(last_year, 6, 1))
    confirmed_log(world, q, 5 * 60, date(last_year, 6, 2))
    row = hours_of(world, q, last_year)
    assert row.behind and not row.reached and row.percent == 31


# --- scope -----------------------------------------------------------------------------------------


def test_a_secretary_reads_their_branch_only(world):
    table = hour_selectors.hours_table(access=world.sec, hospital=world.hospital, year=today().year)
    assert table.branch == world.branch_a
    assert {r.person_id for r in table.rows} == {p.pk for p in world.a}
    with pytest.raises(PermissionDenied):
        hour_selectors.hours_table(
            access=world.sec, hospital=world.hospital, year=today().year, branch=world.branch_b
        )


def test_members_and_other_hospitals_cannot_read_the_hours_table(world):
    with pytest.raises(PermissionDenied):
        hour_selectors.hours_table(
            access=world.member(world.a[1]), hospital=world.hospital, year=today().year
        )
    other_admin = access_for(make_user("study_h2", roles=[(Role.HOSPITAL_ADMIN, primary(), None)]))
    with pytest.raises(Http404):
        hour_selectors.hours_table(access=other_admin, hospital=world.hospital, year=today().year)
    auditor = access_for(make_user("study_aud", roles=[(Role.AUDITOR, None, None)]))
    with pytest.raises(PermissionDenied):
        hour_selectors.hours_table(access=auditor, hospital=world.hospital, year=today().year)


# --- query counts ------------------------------------------------------------------------------------


def _grow(world, n: int) -> None:
    year = today().year
    for _ in range(n):
        p = make_person(world.hospital, branch=world.branch_b, political_status="member")
        confirmed_log(world, p, 30, date(year, 1, 5))
        group_study(world.branch_b, starts=at(date(year, 1, 6)), minutes=60, present=[p])


def test_the_hours_table_costs_the_same_whatever_the_number_of_members(
    world, django_assert_max_num_queries
):
    year = today().year
    _grow(world, 2)
    with django_assert_max_num_queries(7):
        small = hour_selectors.hours_table(access=world.admin, hospital=world.hospital, year=year)
    _grow(world, 12)
    with django_assert_max_num_queries(7):
        big = hour_selectors.hours_table(access=world.admin, hospital=world.hospital, year=year)
    assert len(big.rows) == len(small.rows) + 12
    assert all(
        r.total_minutes == 90
        for r in big.rows
        if r.branch == world.branch_b.name and r.person_id not in {p.pk for p in world.b}
    )


def test_the_hours_and_statistics_pages_cost_the_same_whatever_the_number_of_members(world):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from hongfan.study.tests.conftest import make_questions

    make_questions(world.hospital, "页面", easy=3, medium=3, hard=2)
    exam = world.exam()
    client = Client()
    client.force_login(world.users["admin"])
    urls = [reverse("study:hours"), reverse("study:exam_stats", args=[exam.pk])]

    def cost() -> list[int]:
        out = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            out.append(len(ctx))
        return out

    cost()  # warm up (session, permissions)
    before = cost()
    _grow(world, 10)
    assert cost() == before


def test_the_home_tasks_group_minutes_match_the_tables_summed_by_the_database(world):
    # behind_counts (the home page's task) sums the meetings' lengths in the database; the
    # hours table sums them in Python: the same minutes, local year bounds included.
    from django.db.models import Q

    year = today().year
    p, q = world.a[1], world.a[2]
    jan = date(year, 1, 10)
    group_study(world.branch_a, starts=at(jan), minutes=95, present=[p, q])
    group_study(world.branch_a, starts=at(jan, 14), minutes=61, present=[p], absent=[q])
    group_study(world.branch_a, starts=at(date(year - 1, 12, 31), 23), minutes=90, present=[p])
    group_study(world.branch_a, starts=at(jan, 16), minutes=30, present=[p], status="planned")
    for y in (year - 1, year):
        native = hour_selectors._group_minutes_native(Q(), y)
        assert native == hour_selectors.group_minutes(Q(), y)
    assert hour_selectors._group_minutes_native(Q(person_id=p.pk), year) == {p.pk: 156}
