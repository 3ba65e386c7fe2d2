"""Standings: rankings of members and branches and a member's own points — who may see
them, and that they agree with each other and with the ledger."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hongfan.core.access import access_for
from hongfan.core.dates import today
from hongfan.core.roles import Role
from hongfan.org.choices import PersonStatus, PoliticalStatus
from hongfan.org.tests.factories import make_branch, make_person
from hongfan.points.choices import Period, RuleCategory
from hongfan.points.periods import period_start
from hongfan.points.selectors.standings import (
    branch_ranking,
    member_rank,
    member_ranking,
    my_points,
)
from hongfan.points.services.awarding import points_award
from hongfan.points.services.ledger import points_reverse
from hongfan.points.tests.conftest import World, make_access

pytestmark = pytest.mark.django_db

Q2 = date(2025, 4, 1)  # the quarter the ranking scenario happens in
DAY = date(2025, 5, 5)


def give(w: World, person, points: int, day: date = DAY):
    """``points`` (negative: a deduction) to a member in one entry."""
    if points < 0:
        rule = w.rule(-1, category=RuleCategory.DEDUCTION)
    else:
        rule = w.rule(1)
    return points_award(
        access=w.admin,
        person=person,
        rule=rule,
        occurred_on=day,
        source_type="test",
        quantity=abs(points),
    ).entry


@pytest.fixture
def standings(world: World) -> World:
    """Q2 2025 in the tests' hospital:

    branch_a: a0 —, a1 10, a2 10, a3 7, a4 −3     (5 members, total 24, average 4.8)
    branch_b: b0 12, b1 0 (awarded, then reversed), b2 —   (3 members, total 12, average 4.0)
    and a member of branch_b who left, with 50 points: counted nowhere.
    """
    for person, pts in [
        (world.a[1], 10),
        (world.a[2], 10),
        (world.a[3], 7),
        (world.a[4], -3),
        (world.b[0], 12),
    ]:
        give(world, person, pts)
    points_reverse(access=world.admin, entry=give(world, world.b[1], 4), reason="误登记")
    gone = make_person(
        world.hospital, branch=world.branch_b, political_status=PoliticalStatus.MEMBER
    )
    give(world, gone, 50)
    gone.status, gone.left_on = PersonStatus.LEFT, date(2025, 6, 1)
    gone.save()
    return world


def ranks(rows) -> list[tuple[int, int, Decimal]]:
    return [(r.rank, r.person_id, r.points) for r in rows]


# --- member rankings -------------------------------------------------------------------------


def test_hospital_ranking_orders_members_and_ties_share_a_rank(standings):
    w = standings
    rows = member_ranking(access=w.admin, hospital=w.hospital, period=Period.QUARTER, start=Q2)
    assert ranks(rows) == [
        (1, w.b[0].pk, 12),
        (2, w.a[1].pk, 10),
        (2, w.a[2].pk, 10),
        (4, w.a[3].pk, 7),
        (5, w.b[1].pk, 0),
        # a0 and b2 (no points) stand at 0 with b1, so the deducted member is 8th of 8.
        (8, w.a[4].pk, -3),
    ]
    assert rows[0].name == w.b[0].name and rows[0].branch == w.branch_b.name


def test_a_later_page_of_the_ranking_keeps_the_ranks(standings):
    w = standings
    full = ranks(
        member_ranking(access=w.admin, hospital=w.hospital, period=Period.QUARTER, start=Q2)
    )
    for offset in range(len(full)):
        page = member_ranking(
            access=w.admin,
            hospital=w.hospital,
            period=Period.QUARTER,
            start=Q2,
            limit=2,
            offset=offset,
        )
        assert ranks(page) == full[offset : offset + 2]


def test_branch_filter_ranks_within_the_branch(standings):
    w = standings
    for access in (w.admin, w.sec_a):
        rows = member_ranking(
            access=access, hospital=w.hospital, branch=w.branch_a, period=Period.QUARTER, start=Q2
        )
        assert ranks(rows) == [
            (1, w.a[1].pk, 10),
            (1, w.a[2].pk, 10),
            (3, w.a[3].pk, 7),
            (5, w.a[4].pk, -3),  # after a0, who has no points
        ]


def test_the_month_and_year_rankings_and_an_empty_period(standings):
    w = standings
    for period, start in [(Period.MONTH, date(2025, 5, 1)), (Period.YEAR, date(2025, 1, 1))]:
        rows = member_ranking(access=w.admin, hospital=w.hospital, period=period, start=start)
        assert [r.person_id for r in rows][:2] == [w.b[0].pk, w.a[1].pk]
    assert (
        member_ranking(
            access=w.admin, hospital=w.hospital, period=Period.QUARTER, start=date(2025, 7, 1)
        )
        == []
    )


def test_hospital_filter_keeps_other_hospitals_out(standings, users):
    w = standings
    rows = member_ranking(access=w.admin, hospital=w.hospital, period=Period.QUARTER, start=Q2)
    assert {r.person_id for r in rows} <= {p.pk for p in w.a + w.b}
    city = access_for(users["city"])
    assert ranks(
        member_ranking(access=city, hospital=w.hospital, period=Period.QUARTER, start=Q2)
    ) == (ranks(rows))


def test_the_city_ranking_is_for_the_city_admin_only(standings, users):
    w = standings
    city = access_for(users["city"])
    rows = member_ranking(access=city, hospital=None, period=Period.QUARTER, start=Q2, limit=10_000)
    ours = [r for r in rows if r.person_id in {p.pk for p in w.a + w.b}]
    assert [(r.person_id, r.points) for r in ours] == [
        (p, pts)
        for _, p, pts in ranks(
            member_ranking(access=w.admin, hospital=w.hospital, period=Period.QUARTER, start=Q2)
        )
    ]
    assert [r.rank for r in rows] == sorted(r.rank for r in rows)
    for access in (w.admin, w.sec_a, access_for(users["hosp"]), access_for(users["member"])):
        with pytest.raises(PermissionDenied, match="全市排名"):
            member_ranking(access=access, hospital=None, period=Period.QUARTER, start=Q2)


def test_who_may_see_which_ranking(standings, users):
    w = standings
    member = make_access("pts_m1", person=w.a[1], roles=[(Role.MEMBER, None, None)])
    denied = [
        (w.sec_a, {"hospital": w.hospital}),  # a secretary: their branch only
        (w.sec_a, {"hospital": w.hospital, "branch": w.branch_b}),
        (member, {"hospital": w.hospital}),
        (member, {"hospital": w.hospital, "branch": w.branch_a}),
        (access_for(users["hosp2"]), {"hospital": w.hospital}),
        (access_for(users["hosp2"]), {"hospital": w.hospital, "branch": w.branch_a}),
        (access_for(users["audit"]), {"hospital": w.hospital}),
    ]
    for access, where in denied:
        with pytest.raises(PermissionDenied):
            member_ranking(access=access, period=Period.QUARTER, start=Q2, **where)
    for access in (w.sec_a, member, access_for(users["hosp2"]), access_for(users["audit"])):
        with pytest.raises(PermissionDenied):
            branch_ranking(access=access, hospital=w.hospital, period=Period.QUARTER, start=Q2)


# --- one member's rank -----------------------------------------------------------------------


def test_member_rank_agrees_with_the_ranking(standings):
    w = standings
    listed = {
        r.person_id: r.rank
        for r in member_ranking(
            access=w.admin, hospital=w.hospital, period=Period.QUARTER, start=Q2
        )
    }
    for p in w.a + w.b:
        rank = member_rank(hospital_id=w.hospital.pk, person=p, period=Period.QUARTER, start=Q2)
        assert rank == listed.get(p.pk, 5), p  # the unlisted stand at 0, with b1: 5th


def test_member_rank_of_a_member_with_no_points(standings):
    w = standings
    a0 = w.a[0]
    assert member_rank(hospital_id=w.hospital.pk, person=a0, period=Period.QUARTER, start=Q2) == 5
    assert (
        member_rank(
            hospital_id=w.hospital.pk,
            person=a0,
            period=Period.QUARTER,
            start=Q2,
            branch_id=w.branch_a.pk,
        )
        == 4
    )
    # In a quarter in which nobody has points, everybody is first.
    assert (
        member_rank(
            hospital_id=w.hospital.pk, person=a0, period=Period.QUARTER, start=date(2025, 7, 1)
        )
        == 1
    )


def test_a_member_below_zero_ranks_after_the_members_with_no_points(standings):
    w = standings
    a4 = w.a[4]
    assert member_rank(hospital_id=w.hospital.pk, person=a4, period=Period.QUARTER, start=Q2) == 8
    assert (
        member_rank(
            hospital_id=w.hospital.pk,
            person=a4,
            period=Period.QUARTER,
            start=Q2,
            branch_id=w.branch_a.pk,
        )
        == 5
    )


# --- branch rankings -------------------------------------------------------------------------


def test_branches_rank_by_average_points_per_member(standings, users):
    w = standings
    c = make_branch(w.hospital, full=2)
    give(w, c.people.order_by("pk").first(), 8)  # 8 / 2 members = 4.0, as branch_b
    for access in (w.admin, access_for(users["city"])):
        rows = branch_ranking(access=access, hospital=w.hospital, period=Period.QUARTER, start=Q2)
        assert [(r.rank, r.branch_id, r.members, r.total, r.average) for r in rows] == [
            (1, w.branch_a.pk, 5, 24, Decimal("4.8")),  # a0 counts, as 0: 24 / 5, not 24 / 4
            (2, w.branch_b.pk, 3, 12, Decimal("4.0")),  # the member who left does not count
            (2, c.pk, 2, 8, Decimal("4.0")),
        ]
    empty = branch_ranking(
        access=w.admin, hospital=w.hospital, period=Period.QUARTER, start=date(2025, 7, 1)
    )
    assert {(r.rank, r.average) for r in empty} == {(1, 0)}


# --- my points -------------------------------------------------------------------------------


def test_my_points_shows_totals_progress_and_ranks(world):
    w = world
    day = today()
    capped, plain = w.rule(2, daily_cap=5), w.rule(3)
    earlier = sorted({day.replace(month=1, day=1), day - timedelta(days=40), day})
    for d in earlier:
        points_award(
            access=w.admin,
            person=w.a[1],
            rule=plain,
            occurred_on=d,
            source_type="test",
            source_id=f"{d}",
        )
    for _ in range(2):
        points_award(
            access=w.admin, person=w.a[1], rule=capped, occurred_on=day, source_type="test"
        )
    points_award(access=w.admin, person=w.b[0], rule=plain, occurred_on=day, source_type="test")

    me = make_access("pts_m1", person=w.a[1], roles=[(Role.MEMBER, None, None)])
    mine = my_points(access=me, person=w.a[1])

    def since(period: str) -> Decimal:
        start = period_start(period, day)
        return Decimal(3 * len({d for d in earlier if d >= start}) + 4)

    assert (mine.today_total, mine.month, mine.quarter, mine.year) == (
        7,
        since(Period.MONTH),
        since(Period.QUARTER),
        since(Period.YEAR),
    )
    progress = {p.rule.pk: p for p in mine.daily}
    assert (progress[capped.pk].earned, progress[capped.pk].cap, progress[capped.pk].percent) == (
        4,
        5,
        80,
    )
    assert plain.pk not in progress  # no daily cap, nothing to show progress against
    assert (mine.rank_hospital, mine.rank_branch, mine.hospital_size, mine.branch_size) == (
        1,
        1,
        8,
        5,
    )
    # The ledger, newest first.
    assert [e.points for e in mine.entries][:3] == [2, 2, 3]
    assert len(mine.entries) == len(earlier) + 2

    other = my_points(access=w.sec_a, person=w.a[2])
    assert other.rank_branch == 2 and other.today_total == 0


def test_my_points_is_for_the_member_and_their_managers(world, users):
    w = world
    me = make_access("pts_m1", person=w.a[1], roles=[(Role.MEMBER, None, None)])
    for access, person in [(me, w.a[2]), (w.sec_a, w.b[0]), (access_for(users["hosp2"]), w.a[1])]:
        with pytest.raises(PermissionDenied):
            my_points(access=access, person=person)
    for access in (me, w.sec_a, w.admin, access_for(users["city"])):
        assert my_points(access=access, person=w.a[1]).person == w.a[1]


# --- query counts ----------------------------------------------------------------------------


def test_rankings_and_my_points_take_a_fixed_number_of_queries(standings):
    w = standings
    counts = []
    for extra in range(3):  # more members and entries each time: the same number of queries
        member = make_person(w.hospital, branch=w.branch_b, political_status=PoliticalStatus.MEMBER)
        give(w, member, (-1) ** extra * (extra + 1))
        give(w, w.a[1], extra + 1)
        n = []
        for read in (
            lambda: member_ranking(
                access=w.admin, hospital=w.hospital, period=Period.QUARTER, start=Q2
            ),
            lambda: branch_ranking(
                access=w.admin, hospital=w.hospital, period=Period.QUARTER, start=Q2
            ),
            lambda: list(my_points(access=w.admin, person=w.a[1]).entries),
        ):
            with CaptureQueriesContext(connection) as queries:
                read()
            n.append(len(queries))
        counts.append(n)
    assert counts[0] == counts[1] == counts[2], counts
    assert counts[0][0] <= 3 and counts[0][1] <= 2 and counts[0][2] <= 16, counts


def test_my_points_marks_reversed_entries_and_counts_a_negative_quarter_like_member_rank(world):
    """The ledger says which entries were reversed; a member below 0 ranks after every
    member with no points this quarter, as ``member_rank`` says."""

    w = world
    day = today()
    plain = w.rule(3)
    first = points_award(
        access=w.admin, person=w.a[1], rule=plain, occurred_on=day, source_type="test"
    )
    points_reverse(access=w.admin, entry=first.entry, reason="误登记")
    penalty = w.rule(-4)
    points_award(access=w.admin, person=w.a[1], rule=penalty, occurred_on=day, source_type="t")
    mine = my_points(access=w.admin, person=w.a[1])
    marked = {e.pk: e.is_reversed for e in mine.entries}
    assert marked[first.entry.pk] is True and sum(marked.values()) == 1
    q_start = period_start(Period.QUARTER, day)
    assert mine.quarter == -4
    assert mine.rank_hospital == member_rank(
        hospital_id=w.hospital.pk, person=w.a[1], period=Period.QUARTER, start=q_start
    )
    assert mine.rank_branch == member_rank(
        hospital_id=w.hospital.pk,
        person=w.a[1],
        period=Period.QUARTER,
        start=q_start,
        branch_id=w.a[1].branch_id,
    )
    assert mine.rank_hospital == mine.hospital_size  # last: everyone else stands at 0
