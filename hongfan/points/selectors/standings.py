"""Reads of standings: a member's points and caps, member and branch rankings, all from the
rollups, so their cost does not grow with the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Sum, Value

from hongfan.core.access import Access
from hongfan.core.dates import today
from hongfan.core.prepared import PreparedQuery
from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
from hongfan.org.models import Branch, Hospital, Person
from hongfan.points.choices import Period
from hongfan.points.models import (
    AppealStatus,
    PointAppeal,
    PointEntry,
    PointRule,
    PointRuleVersion,
    PointTotal,
)
from hongfan.points.periods import ALL_PERIODS, period_start


@dataclass
class CapProgress:
    rule: PointRule
    version: PointRuleVersion
    earned: Decimal
    cap: Decimal

    @property
    def percent(self) -> int:
        if not self.cap:
            return 100
        return min(100, int(self.earned / self.cap * 100))


@dataclass
class MyPoints:
    person: Person
    today_total: Decimal
    month: Decimal
    quarter: Decimal
    year: Decimal
    daily: list[CapProgress]
    rank_branch: int | None
    rank_hospital: int | None
    branch_size: int
    hospital_size: int
    entries: QuerySet[PointEntry]


def _members_without_total(
    *, hospital_id: int | None, period: str, start: date, branch_id: int | None = None
) -> int:
    """Active members with no total row for the period: they stand at 0, above anyone whose
    deductions put them below 0."""
    members = Person.objects.filter(
        status=PersonStatus.ACTIVE, political_status__in=MEMBER_STATUSES
    )
    if hospital_id is not None:
        members = members.filter(hospital_id=hospital_id)
    if branch_id is not None:
        members = members.filter(branch_id=branch_id)
    with_total = PointTotal.objects.filter(rule__isnull=True, period=period, period_start=start)
    return members.exclude(pk__in=with_total.values("person_id")).count()


def member_rank(
    *, hospital_id: int, person: Person, period: str, start: date, branch_id: int | None = None
) -> int:
    """Competition rank (1, 2, 2, 4) among the hospital's (or branch's) active members.
    Members with no points this period count as 0."""
    mine = (
        PointTotal.objects.filter(
            person=person, rule__isnull=True, period=period, period_start=start
        )
        .values_list("points", flat=True)
        .first()
    )
    mine = mine if mine is not None else Decimal(0)
    qs = PointTotal.objects.filter(
        hospital_id=hospital_id,
        rule__isnull=True,
        period=period,
        period_start=start,
        points__gt=mine,
        person__status=PersonStatus.ACTIVE,
        person__political_status__in=MEMBER_STATUSES,
    )
    if branch_id is not None:
        qs = qs.filter(person__branch_id=branch_id)
    rank = qs.count() + 1
    if mine < 0:
        rank += _members_without_total(
            hospital_id=hospital_id, period=period, start=start, branch_id=branch_id
        )
    return rank


def _versions_query(hospital_id: int, day: date) -> QuerySet[PointRuleVersion]:
    """The versions begun by ``day`` of the hospital's active rules, with their rule, per
    rule the latest first (``in_force_by``'s query; ``_VERSIONS``, compiled once)."""
    return (
        PointRuleVersion.objects.filter(
            rule__hospital_id=hospital_id, rule__active=True, effective_from__lte=day
        )
        .select_related("rule")
        .order_by("rule_id", "-effective_from")
    )


_VERSIONS = PreparedQuery(_versions_query, objects=True)


def _capped_versions(hospital_id: int, day: date) -> list[PointRuleVersion]:
    """The versions in force today of the hospital's active rules that have a daily cap, in
    the catalogue's order (with their rule): one query."""
    versions: dict[int, PointRuleVersion] = {}
    for v in _VERSIONS.rows(hospital_id, day):  # per rule, the latest version first
        versions.setdefault(v.rule_id, v)
    return sorted(
        (v for v in versions.values() if v.daily_cap),
        key=lambda v: (v.rule.category, v.rule.code),
    )


def _totals_query(
    person_id: int, day: date, month: date, quarter: date, year: date, *rule_ids: int
) -> QuerySet[Any]:
    """``_my_totals``'s query (``_TOTALS``, compiled once per process and number of rules)."""
    this = Q(
        person_id=person_id,
        rule__isnull=True,
        period__in=list(ALL_PERIODS),
        period_start__in=[day, month, quarter, year],
    )
    if rule_ids:
        this |= Q(person_id=person_id, rule_id__in=rule_ids, period=Period.DAY, period_start=day)
    return (
        PointTotal.objects.filter(this)
        .order_by()
        .values_list("rule_id", "period", "period_start", "points", "earned")
    )


_TOTALS = PreparedQuery(_totals_query, convert=True)


def _my_totals(
    person: Person, day: date, rule_ids: list[int]
) -> tuple[dict[str, Decimal], dict[int, Decimal]]:
    """The person's overall totals of today, the month, the quarter and the year, and what
    each of these rules earned them today (its cap counter): one query, each branch of its
    OR on one of the rollups' unique indexes."""
    starts = {period: period_start(period, day) for period in ALL_PERIODS}
    overall: dict[str, Decimal] = {}
    earned_today: dict[int, Decimal] = {}
    for rule_id, period, start, points, earned in _TOTALS.rows(
        person.pk,
        starts[Period.DAY],
        starts[Period.MONTH],
        starts[Period.QUARTER],
        starts[Period.YEAR],
        *rule_ids,
    ):
        if rule_id is not None:
            earned_today[rule_id] = earned
        elif start == starts[period]:  # not another period's start (the IN asks a few more)
            overall[period] = points
    return overall, earned_today


def _above_query(hospital_id: int, branch_id: int, start: date, mine: Decimal) -> QuerySet[Any]:
    """How many members of the hospital, and of the branch (0: none), have more points
    than ``mine`` this quarter: one count over the rollups (``_ABOVE``)."""
    return (
        PointTotal.objects.filter(
            hospital_id=hospital_id,
            rule__isnull=True,
            period=Period.QUARTER,
            period_start=start,
            points__gt=mine,
            person__status=PersonStatus.ACTIVE,
            person__political_status__in=MEMBER_STATUSES,
        )
        .order_by()
        .annotate(whole=Value(1, output_field=IntegerField()))  # no GROUP BY: one row
        .values("whole")
        .annotate(hospital=Count("pk"), branch=Count("pk", filter=Q(person__branch_id=branch_id)))
        .values_list("hospital", "branch")
    )


def _members_query(hospital_id: int, branch_id: int, *more: Any) -> QuerySet[Any]:
    """The hospital's and the branch's active members (``_MEMBERS``); given the quarter's
    start, also those of them without a total this quarter (``_MEMBERS_UNLISTED``)."""
    in_branch = Q(branch_id=branch_id)
    counts: dict[str, Any] = {"hospital": Count("pk"), "branch": Count("pk", filter=in_branch)}
    if more:
        with_total = PointTotal.objects.filter(
            rule__isnull=True, period=Period.QUARTER, period_start=more[0]
        ).values("person_id")
        unlisted = ~Q(pk__in=with_total)
        counts["hospital_unlisted"] = Count("pk", filter=unlisted)
        counts["branch_unlisted"] = Count("pk", filter=in_branch & unlisted)
    return (
        Person.objects.filter(
            hospital_id=hospital_id,
            status=PersonStatus.ACTIVE,
            political_status__in=MEMBER_STATUSES,
        )
        .order_by()
        .annotate(whole=Value(1, output_field=IntegerField()))  # no GROUP BY: one row
        .values("whole")
        .annotate(**counts)
        .values_list(*counts)
    )


_ABOVE = PreparedQuery(_above_query)
_MEMBERS = PreparedQuery(_members_query)


def _ranks(person: Person, mine: Decimal, start: date) -> tuple[int | None, int, int, int]:
    """(rank in the branch, rank in the hospital, branch size, hospital size) this quarter,
    as ``member_rank`` and the members counts say: two queries (one count over the rollups,
    one over the members), each compiled once per process. A person without a branch is
    counted with branch 0, which no branch has (the branch figures are not used)."""
    branch_id = person.branch_id or 0
    ((above_hospital, above_branch),) = _ABOVE.rows(person.hospital_id, branch_id, start, mine)
    if mine < 0:  # members with no total stand at 0, above this member (as member_rank)
        ((hospital, branch, hospital_unlisted, branch_unlisted),) = _MEMBERS.rows(
            person.hospital_id, branch_id, start
        )
    else:
        ((hospital, branch),) = _MEMBERS.rows(person.hospital_id, branch_id)
        hospital_unlisted = branch_unlisted = 0
    rank_hospital = above_hospital + 1 + hospital_unlisted
    rank_branch = above_branch + 1 + branch_unlisted
    if person.branch_id is None:
        return None, rank_hospital, 0, hospital
    return rank_branch, rank_hospital, branch, hospital


def own_person(*, access: Access) -> Person:
    """The acting member's own person for 我的积分, with their branch: the page shows only the
    name and the branch, so none of ``person_get``'s other joins (hospital, department,
    party group). One's own person is always in scope (``person_qs`` includes it); the 三员
    are refused as ``person_get`` refuses them."""
    access.require_business()
    if access.person_id is None:
        raise PermissionDenied("此账号未关联党员，没有个人积分")
    found = _OWN_PERSON.rows(access.person_id)
    if not found:
        raise Person.DoesNotExist("此账号关联的人员不存在")
    return found[0]


def _own_person_query(person_id: int) -> QuerySet[Person]:
    return Person.objects.select_related("branch").filter(pk=person_id)


_OWN_PERSON = PreparedQuery(_own_person_query, objects=True)


def my_points(*, access: Access, person: Person) -> MyPoints:
    """A member's points (today, month, quarter, year), today's progress against the daily
    caps, their quarter's ranks and their ledger, for the member and their managers: five
    queries, and the ledger's (each entry marked when reversed or under appeal)."""
    if access.person_id != person.pk and not access.manages_branch(
        person.branch_id, person.hospital_id
    ):
        if not access.is_city:
            raise PermissionDenied("只能查看自己的积分")
    day = today()
    capped = _capped_versions(person.hospital_id, day)
    overall, earned_today = _my_totals(person, day, [v.rule_id for v in capped])
    quarter = overall.get(Period.QUARTER, Decimal(0))
    rank_branch, rank_hospital, branch_size, hospital_size = _ranks(
        person, quarter, period_start(Period.QUARTER, day)
    )
    return MyPoints(
        person=person,
        today_total=overall.get(Period.DAY, Decimal(0)),
        month=overall.get(Period.MONTH, Decimal(0)),
        quarter=quarter,
        year=overall.get(Period.YEAR, Decimal(0)),
        daily=[
            CapProgress(
                v.rule, v, earned_today.get(v.rule_id, Decimal(0)), v.daily_cap or Decimal(0)
            )
            for v in capped
        ],
        rank_branch=rank_branch,
        rank_hospital=rank_hospital,
        branch_size=branch_size,
        hospital_size=hospital_size,
        entries=PointEntry.objects.filter(person=person)
        .only("id", "kind", "points", "requested", "occurred_on", "reason")
        .annotate(
            is_reversed=Exists(PointEntry.objects.filter(reverses=OuterRef("pk"))),
            appeal_open=Exists(
                PointAppeal.objects.filter(entry=OuterRef("pk"), status=AppealStatus.PENDING)
            ),
        )
        .order_by("-occurred_on", "-id"),
    )


@dataclass
class RankRow:
    rank: int
    person_id: int
    name: str
    branch: str
    department: str
    points: Decimal
    hospital: str = ""


def member_ranking(
    *,
    access: Access,
    hospital: Hospital | None,
    period: str,
    start: date,
    branch: Branch | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[RankRow]:
    """Top members by points for a period, from the rollups (an index range scan)."""
    if hospital is None:
        if not access.is_city:
            raise PermissionDenied("全市排名仅市卫健委可见")
    elif branch is not None:
        if not (access.is_city or access.manages_branch(branch.pk, branch.hospital_id)):
            raise PermissionDenied("没有权限查看此支部排名")
    elif not access.reads_hospital(hospital.pk):
        raise PermissionDenied("没有权限查看全院排名")
    qs = PointTotal.objects.filter(
        rule__isnull=True,
        period=period,
        period_start=start,
        person__status=PersonStatus.ACTIVE,
        person__political_status__in=MEMBER_STATUSES,
    )
    if hospital is not None:
        qs = qs.filter(hospital=hospital)
    if branch is not None:
        qs = qs.filter(person__branch=branch)
    rows = list(
        qs.order_by("-points", "person_id").values_list(
            "person_id",
            "person__name",
            "person__branch__name",
            "person__department__name",
            "points",
            "hospital__name",
        )[offset : offset + limit]
    )
    # Members with no points this period are not listed but stand at 0: anyone below 0
    # ranks after them (as member_rank says).
    unlisted = 0
    if rows and rows[-1][4] < 0:
        unlisted = _members_without_total(
            hospital_id=hospital.pk if hospital else None,
            period=period,
            start=start,
            branch_id=branch.pk if branch else None,
        )
    out: list[RankRow] = []
    for i, (pid, name, bname, dname, pts, hname) in enumerate(rows):
        below_zero = unlisted if pts < 0 else 0
        if out and out[-1].points == pts:
            rank = out[-1].rank
        elif i == 0 and offset:
            rank = qs.filter(points__gt=pts).count() + 1 + below_zero
        else:
            rank = offset + i + 1 + below_zero
        out.append(RankRow(rank, pid, name, bname or "", dname or "", pts, hname or ""))
    return out


@dataclass
class BranchRankRow:
    rank: int
    branch_id: int
    name: str
    members: int
    total: Decimal
    average: Decimal


def branch_ranking(
    *, access: Access, hospital: Hospital, period: str, start: date
) -> list[BranchRankRow]:
    """Branches by average points per member (members with no points count as 0)."""
    if not access.reads_hospital(hospital.pk):
        raise PermissionDenied("没有权限查看支部排名")
    totals = dict(
        PointTotal.objects.filter(
            hospital=hospital,
            rule__isnull=True,
            period=period,
            period_start=start,
            person__status=PersonStatus.ACTIVE,
            person__political_status__in=MEMBER_STATUSES,
        )
        .order_by()
        .values_list("person__branch_id")
        .annotate(s=Sum("points"))
    )
    branches = list(
        Branch.objects.filter(hospital=hospital, active=True, kind="branch")
        .annotate(
            n=Count(
                "people",
                filter=Q(
                    people__status=PersonStatus.ACTIVE, people__political_status__in=MEMBER_STATUSES
                ),
            )
        )
        .order_by("pk")
    )
    rows = []
    for b in branches:
        total = totals.get(b.pk) or Decimal(0)
        avg = (total / b.n).quantize(Decimal("0.1")) if b.n else Decimal(0)  # type: ignore[attr-defined]
        rows.append(BranchRankRow(0, b.pk, b.name, b.n, total, avg))  # type: ignore[attr-defined]
    rows.sort(key=lambda r: (-r.average, r.branch_id))
    for i, r in enumerate(rows):
        r.rank = rows[i - 1].rank if i and rows[i - 1].average == r.average else i + 1
    return rows


@dataclass
class HospitalRankRow:
    rank: int
    hospital_id: int
    name: str
    members: int
    total: Decimal
    average: Decimal


def hospital_ranking(*, access: Access, period: str, start: date) -> list[HospitalRankRow]:
    """The city's hospitals by average points per active member (members with no points
    count as 0), with their members and total; ties share a rank. The city's only."""
    if not access.is_city:
        raise PermissionDenied("医院排名仅市卫健委可见")
    totals = dict(
        PointTotal.objects.filter(
            rule__isnull=True,
            period=period,
            period_start=start,
            person__status=PersonStatus.ACTIVE,
            person__political_status__in=MEMBER_STATUSES,
        )
        .order_by()
        .values_list("hospital_id")
        .annotate(s=Sum("points"))
    )
    hospitals = list(
        Hospital.objects.annotate(
            n=Count(
                "people",
                filter=Q(
                    people__status=PersonStatus.ACTIVE, people__political_status__in=MEMBER_STATUSES
                ),
            )
        ).order_by("pk")
    )
    rows = []
    for h in hospitals:
        n = h.n  # type: ignore[attr-defined]
        total = totals.get(h.pk) or Decimal(0)
        avg = (total / n).quantize(Decimal("0.1")) if n else Decimal(0)
        rows.append(HospitalRankRow(0, h.pk, h.name, n, total, avg))
    rows.sort(key=lambda r: (-r.average, r.hospital_id))
    for i, r in enumerate(rows):
        r.rank = rows[i - 1].rank if i and rows[i - 1].average == r.average else i + 1
    return rows


# --- the home page and the person page (core.panels) --------------------------------------------


@dataclass(frozen=True)
class HomePoints:
    """A member's points today and this quarter, and their rank in their branch this
    quarter (the home page)."""

    today_total: Decimal
    quarter: Decimal
    rank_branch: int | None
    branch_size: int


def home_points(*, access: Access) -> HomePoints | None:
    """The acting member's own figures, from the rollups (four queries at most); None for a
    user without a person."""
    if access.person_id is None or access.person_hospital_id is None:
        return None
    day = today()
    q_start = period_start(Period.QUARTER, day)
    totals = {
        period: points
        for period, points in PointTotal.objects.filter(
            person_id=access.person_id, rule__isnull=True
        )
        .filter(
            Q(period=Period.DAY, period_start=day) | Q(period=Period.QUARTER, period_start=q_start)
        )
        .values_list("period", "points")
    }
    rank = None
    size = 0
    branch_id = access.person_branch_id
    if branch_id is not None:
        # The branch's size and how many of its members stand above this one (member_rank's
        # competition rank), counted together in one query.
        mine = totals.get(Period.QUARTER, Decimal(0))
        above = PointTotal.objects.filter(
            person_id=OuterRef("pk"),
            hospital_id=access.person_hospital_id,
            rule__isnull=True,
            period=Period.QUARTER,
            period_start=q_start,
            points__gt=mine,
        )
        got = Person.objects.filter(
            branch_id=branch_id, status=PersonStatus.ACTIVE, political_status__in=MEMBER_STATUSES
        ).aggregate(size=Count("pk"), above=Count("pk", filter=Q(Exists(above))))
        size, rank = got["size"], got["above"] + 1
        if mine < 0:
            rank += _members_without_total(
                hospital_id=access.person_hospital_id,
                period=Period.QUARTER,
                start=q_start,
                branch_id=branch_id,
            )
    return HomePoints(
        today_total=totals.get(Period.DAY, Decimal(0)),
        quarter=totals.get(Period.QUARTER, Decimal(0)),
        rank_branch=rank,
        branch_size=size,
    )


@dataclass(frozen=True)
class PersonPoints:
    """A person's points this year and quarter and their latest entries (the 党员档案)."""

    year: Decimal
    quarter: Decimal
    entries: list[PointEntry]


def person_points(*, access: Access, person: Person, limit: int = 15) -> PersonPoints | None:
    """A person's points for whoever may read them (themself, their branch's secretary,
    their hospital's admin, the city), else None (two queries)."""
    access.require_business()
    allowed = (
        access.person_id == person.pk
        or access.manages_branch(person.branch_id, person.hospital_id)
        or access.reads_hospital(person.hospital_id)
    )
    if not allowed:
        return None
    day = today()
    totals = {
        period: points
        for period, points in PointTotal.objects.filter(person=person, rule__isnull=True)
        .filter(
            Q(period=Period.YEAR, period_start=period_start(Period.YEAR, day))
            | Q(period=Period.QUARTER, period_start=period_start(Period.QUARTER, day))
        )
        .values_list("period", "points")
    }
    entries = list(
        PointEntry.objects.filter(person=person)
        .select_related("rule")
        .order_by("-occurred_on", "-id")[:limit]
    )
    return PersonPoints(
        year=totals.get(Period.YEAR, Decimal(0)),
        quarter=totals.get(Period.QUARTER, Decimal(0)),
        entries=entries,
    )
