"""Study hours (学时) against the yearly target: self-study plus group study, for one
member or a table of a hospital or branch. The tables cost a fixed number of queries
whatever the number of members."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.http import Http404

from hongfan.core.access import Access
from hongfan.core.dates import today, year_bounds
from hongfan.core.prepared import PreparedQuery
from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
from hongfan.org.models import Branch, BranchCommittee, CommitteeSeat, Hospital, Person
from hongfan.orglife.choices import AttendanceStatus, MeetingKind, MeetingStatus
from hongfan.orglife.models import Attendance, Meeting
from hongfan.study.choices import LogStatus
from hongfan.study.models import StudyLog, StudyRule
from hongfan.study.selectors.learners import learner_for
from hongfan.study.selectors.rules import DEFAULT_RULE_FROM, rule_day, study_rule_for


def committee_people(*, hospital_id: int, person_ids: list[int] | None = None) -> set[int]:
    """People whose target is the committee one: branch secretaries, and members with a seat
    in their own branch's current committee (the latest term). Two queries."""
    current = Subquery(
        BranchCommittee.objects.filter(branch_id=OuterRef("committee__branch_id"))
        .order_by("-term_start", "-pk")
        .values("pk")[:1]
    )
    seats = CommitteeSeat.objects.filter(
        committee__branch__hospital_id=hospital_id,
        person__branch_id=F("committee__branch_id"),
        committee_id=current,
    )
    secretaries = Branch.objects.filter(
        hospital_id=hospital_id, active=True, secretary__isnull=False
    )
    if person_ids is not None:
        seats = seats.filter(person_id__in=person_ids)
        secretaries = secretaries.filter(secretary_id__in=person_ids)
    return set(seats.values_list("person_id", flat=True)) | set(
        secretaries.values_list("secretary_id", flat=True)
    )


# --- hours ---------------------------------------------------------------------------------------


def self_minutes(people: Q, year: int) -> dict[int, int]:
    """Confirmed self-study minutes per person in a year (one grouped query)."""
    rows = (
        StudyLog.objects.filter(
            people,
            status=LogStatus.CONFIRMED,
            studied_on__gte=date(year, 1, 1),
            studied_on__lt=date(year + 1, 1, 1),
        )
        .order_by()
        .values_list("person_id")
        .annotate(m=Sum("minutes"))
    )
    return {pid: int(m or 0) for pid, m in rows}


def group_minutes(people: Q, year: int) -> dict[int, int]:
    """Group-study (集中学习) minutes per person in a year: the length of every held
    ``group_study`` meeting they were present at (one grouped query)."""
    start, end = year_bounds(year)
    length = ExpressionWrapper(
        F("meeting__ends_at") - F("meeting__starts_at"), output_field=DurationField()
    )
    rows = (
        Attendance.objects.filter(
            people,
            status=AttendanceStatus.PRESENT,
            meeting__kind=MeetingKind.GROUP_STUDY,
            meeting__status=MeetingStatus.HELD,
            meeting__starts_at__gte=start,
            meeting__starts_at__lt=end,
        )
        .order_by()
        .values_list("person_id")
        .annotate(d=Sum(length))
    )
    return {pid: _minutes(d) for pid, d in rows if d is not None}


def hours_text(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def year_share(year: int) -> Decimal:
    """How much of a year has passed (1 for past years): the pace a target is judged by."""
    day = today()
    if year < day.year:
        return Decimal(1)
    if year > day.year:
        return Decimal(0)
    days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    return Decimal((day - date(year, 1, 1)).days + 1) / Decimal(days)


@dataclass
class Hours:
    """A member's study hours in a year against the target."""

    person_id: int
    name: str
    branch: str
    self_minutes: int
    group_minutes: int
    target_hours: int
    committee: bool
    share: Decimal = Decimal(1)  # of the year passed

    @property
    def total_minutes(self) -> int:
        return self.self_minutes + self.group_minutes

    @property
    def hours(self) -> Decimal:
        return hours_text(self.total_minutes)

    @property
    def self_hours(self) -> Decimal:
        return hours_text(self.self_minutes)

    @property
    def group_hours(self) -> Decimal:
        return hours_text(self.group_minutes)

    @property
    def percent(self) -> int:
        if not self.target_hours:
            return 100
        return min(100, int(self.total_minutes * 100 / (self.target_hours * 60)))

    @property
    def expected_hours(self) -> Decimal:
        """Where the member should be by now to reach the target at an even pace."""
        return (self.target_hours * self.share).quantize(Decimal("0.1"))

    @property
    def behind(self) -> bool:
        return Decimal(self.total_minutes) / 60 < self.target_hours * self.share

    @property
    def reached(self) -> bool:
        return self.total_minutes >= self.target_hours * 60

    @property
    def role_label(self) -> str:
        return "支部书记/支委" if self.committee else "党员"


def _hours_rows(
    people: list[tuple[int, str, str]],
    *,
    hospital: Hospital,
    year: int,
    people_q: Q,
    rule: StudyRule,
) -> list[Hours]:
    own = self_minutes(people_q, year)
    group = group_minutes(people_q, year)
    committee = committee_people(hospital_id=hospital.pk)
    share = year_share(year)
    return [
        Hours(
            person_id=pid,
            name=name,
            branch=branch or "",
            self_minutes=own.get(pid, 0),
            group_minutes=group.get(pid, 0),
            target_hours=rule.committee_target_hours
            if pid in committee
            else rule.member_target_hours,
            committee=pid in committee,
            share=share,
        )
        for pid, name, branch in people
    ]


def _my_hours_query(
    person_id: int, first_day: date, next_first_day: date, start: Any, end: Any, day: date
) -> QuerySet[Any]:
    """``my_hours``'s one query (compiled once per process, see ``_MY_HOURS``)."""
    own = (
        StudyLog.objects.filter(
            person_id=OuterRef("pk"),
            status=LogStatus.CONFIRMED,
            studied_on__gte=first_day,
            studied_on__lt=next_first_day,
        )
        .order_by()
        .values("person_id")
        .annotate(m=Sum("minutes"))
        .values("m")
    )
    length = ExpressionWrapper(
        F("meeting__ends_at") - F("meeting__starts_at"), output_field=DurationField()
    )
    group = (
        Attendance.objects.filter(
            person_id=OuterRef("pk"),
            status=AttendanceStatus.PRESENT,
            meeting__kind=MeetingKind.GROUP_STUDY,
            meeting__status=MeetingStatus.HELD,
            meeting__starts_at__gte=start,
            meeting__starts_at__lt=end,
        )
        .order_by()
        .values("person_id")
        .annotate(d=Sum(length))
        .values("d")
    )
    current = Subquery(
        BranchCommittee.objects.filter(branch_id=OuterRef("committee__branch_id"))
        .order_by("-term_start", "-pk")
        .values("pk")[:1]
    )
    seat = CommitteeSeat.objects.filter(
        committee__branch__hospital_id=OuterRef("hospital_id"),
        person_id=OuterRef("pk"),
        person__branch_id=F("committee__branch_id"),
        committee_id=current,
    )
    secretary = Branch.objects.filter(
        hospital_id=OuterRef("hospital_id"), active=True, secretary_id=OuterRef("pk")
    )
    rule = StudyRule.objects.filter(
        authority_id=OuterRef("hospital__authority_id"), effective_from__lte=day
    ).order_by("-effective_from")
    return (
        Person.objects.filter(pk=person_id)
        .annotate(
            own=Subquery(own[:1], output_field=IntegerField()),
            group=Subquery(group[:1], output_field=DurationField()),
            seat=Exists(seat),
            secretary=Exists(secretary),
            member_target=Subquery(rule.values("member_target_hours")[:1]),
            committee_target=Subquery(rule.values("committee_target_hours")[:1]),
        )
        .values_list(
            "name",
            "branch__name",
            "own",
            "group",
            "seat",
            "secretary",
            "member_target",
            "committee_target",
        )
    )


_MY_HOURS = PreparedQuery(_my_hours_query, convert=True)


def my_hours(person: Person, year: int) -> Hours:
    """One member's hours in a year against their target, in one query: the confirmed
    self-study and the group-study minutes as subqueries, whether they hold a committee seat
    in their own branch or are a branch's secretary (the committee target), and the targets
    of the rule in force (the DOMAIN.md defaults when none is stored). Reads only
    ``person.pk``."""
    start, end = year_bounds(year)
    (row,) = _MY_HOURS.rows(
        person.pk, date(year, 1, 1), date(year + 1, 1, 1), start, end, rule_day(year)
    )
    name, branch, own_minutes, length_sum, seat_held, secretary_of, member_t, committee_t = row
    if member_t is None:  # no rule stored: the defaults (as study_rule_for gives)
        default = StudyRule(effective_from=DEFAULT_RULE_FROM)
        member_t, committee_t = default.member_target_hours, default.committee_target_hours
    committee = bool(seat_held or secretary_of)
    return Hours(
        person_id=person.pk,
        name=name,
        branch=branch or "",
        self_minutes=int(own_minutes or 0),
        group_minutes=_minutes(length_sum),
        target_hours=committee_t if committee else member_t,
        committee=committee,
        share=year_share(year),
    )


def _minutes(length: Any) -> int:
    """A summed meeting length as whole minutes (a timedelta, or SQLite's microseconds)."""
    if length is None:
        return 0
    seconds = length.total_seconds() if isinstance(length, timedelta) else int(length) / 1_000_000
    return int(seconds // 60)


@dataclass
class HoursTable:
    hospital: Hospital
    branch: Branch | None
    year: int
    rule: StudyRule
    rows: list[Hours] = field(default_factory=list)

    @property
    def behind_count(self) -> int:
        return sum(1 for r in self.rows if r.behind)

    @property
    def reached_count(self) -> int:
        return sum(1 for r in self.rows if r.reached)

    @property
    def average_hours(self) -> Decimal:
        if not self.rows:
            return Decimal(0)
        return hours_text(sum(r.total_minutes for r in self.rows) // len(self.rows))


def _hours_scope(access: Access, hospital: Hospital, branch: Branch | None) -> Branch | None:
    """Check who may read a hours table: the city and the hospital admin (hospital or any
    branch), a secretary (their branch; asked for the hospital, they get their branch)."""
    access.require_business()
    if branch is not None:
        if branch.hospital_id != hospital.pk:
            raise Http404("支部不存在")
        if access.is_city or access.manages_branch(branch.pk, hospital.pk):
            return branch
        raise access.denied(hospital.pk, "支部的学习情况")
    if access.reads_hospital(hospital.pk):
        return None
    if hospital.pk in access.branch_hospital_ids and access.branch_ids:
        return Branch.objects.get(pk=min(access.branch_ids))
    raise access.denied(hospital.pk, "医院的学习情况")


def hours_table(
    *, access: Access, hospital: Hospital, year: int, branch: Branch | None = None
) -> HoursTable:
    """Every active member of a hospital (or branch) with their hours against the target:
    six queries whatever the number of members."""
    branch = _hours_scope(access, hospital, branch)
    people_q = Q(person__hospital_id=hospital.pk)
    members = Person.objects.filter(
        hospital=hospital, status=PersonStatus.ACTIVE, political_status__in=MEMBER_STATUSES
    )
    if branch is not None:
        people_q &= Q(person__branch_id=branch.pk)
        members = members.filter(branch=branch)
    people = list(
        members.order_by("branch_id", "name", "pk").values_list("pk", "name", "branch__name")
    )
    rule = study_rule_for(hospital.authority_id, rule_day(year))
    rows = _hours_rows(people, hospital=hospital, year=year, people_q=people_q, rule=rule)
    return HoursTable(hospital=hospital, branch=branch, year=year, rule=rule, rows=rows)


# --- the home page's tasks and the person page (core.todos, core.panels) ------------------------


def _committee_in(hospital_ids: set[int]) -> set[int]:
    """``committee_people`` over several hospitals (one query: the seats and the
    secretaries as a union)."""
    current = Subquery(
        BranchCommittee.objects.filter(branch_id=OuterRef("committee__branch_id"))
        .order_by("-term_start", "-pk")
        .values("pk")[:1]
    )
    seats = CommitteeSeat.objects.filter(
        committee__branch__hospital_id__in=hospital_ids,
        person__branch_id=F("committee__branch_id"),
        committee_id=current,
    ).values_list("person_id", flat=True)
    secretaries = Branch.objects.filter(
        hospital_id__in=hospital_ids, active=True, secretary__isnull=False
    ).values_list("secretary_id", flat=True)
    return set(seats.order_by().union(secretaries.order_by()))


@dataclass(frozen=True)
class Behind:
    """How many members of a hospital (in the user's scope) are behind the even pace of
    their yearly target, and the first branch among them (for the link)."""

    hospital_id: int
    hospital: str
    behind: int
    members: int
    branch_id: int | None


class _MeetingSeconds(Func):
    """The length of an attendance's meeting in whole seconds, computed by the database
    itself: on SQLite, Django's ``ends_at - starts_at`` calls back into Python for every
    row (17,000 rows for the demo city's year). Meetings start and end on whole minutes."""

    output_field = IntegerField()
    template = "CAST(EXTRACT(EPOCH FROM (%(expressions)s)) AS BIGINT)"
    arg_joiner = " - "

    def __init__(self) -> None:
        super().__init__(F("meeting__ends_at"), F("meeting__starts_at"))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(ROUND((julianday(%(expressions)s)) * 86400) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def _group_minutes_native(people: Q, year: int) -> dict[int, int]:
    """``group_minutes`` with the meetings' lengths summed by the database (one grouped
    query, no Python per attendance)."""
    return {pid: int(s) // 60 for pid, s in _group_seconds(people, year) if s is not None}


def _group_seconds(people: Q, year: int) -> QuerySet[Attendance, tuple[int, int]]:
    """Per person, the seconds of the held group-study meetings they were present at."""
    start, end = year_bounds(year)
    # The year's group-study meetings as a list subquery: SQLite then reads the attendance
    # of those meetings by its meeting index instead of every attendance of every member.
    meetings = Meeting.objects.filter(
        kind=MeetingKind.GROUP_STUDY,
        status=MeetingStatus.HELD,
        starts_at__gte=start,
        starts_at__lt=end,
    ).values("pk")
    return (
        Attendance.objects.filter(people, meeting_id__in=meetings, status=AttendanceStatus.PRESENT)
        .order_by()
        .values_list("person_id")
        .annotate(s=Sum(_MeetingSeconds()))
    )


def behind_counts(*, access: Access, year: int) -> list[Behind]:
    """Per hospital in the user's scope (a secretary's branches, an admin's hospitals, every
    hospital for the city): members behind on study hours (``Hours.behind``). Six queries
    or so, whatever the number of members or hospitals, and a few operations per member."""
    access.require_business()
    members = Person.objects.filter(
        status=PersonStatus.ACTIVE, political_status__in=MEMBER_STATUSES
    )
    if access.is_city:
        pass
    elif access.hospital_ids:
        members = members.filter(
            Q(hospital_id__in=access.hospital_ids) | Q(branch_id__in=access.branch_ids)
        )
    elif access.branch_ids:
        members = members.filter(branch_id__in=access.branch_ids)
    else:
        return []
    people = list(
        members.order_by("hospital_id", "branch_id", "pk").values_list(
            "pk", "hospital_id", "hospital__name", "hospital__authority_id", "branch_id"
        )
    )
    if not people:
        return []
    # The city's members are (nearly) everyone: no need to ask the database to narrow the
    # logs and attendances to them; the loop below reads only the members' minutes.
    q = Q() if access.is_city else Q(person__in=members.values("pk"))
    own, group = self_minutes(q, year), _group_minutes_native(q, year)
    committee = _committee_in({h for _, h, _, _, _ in people})
    share = year_share(year)
    # Behind when hours < target × share, i.e. minutes < target × 60 × share: one limit per
    # (authority, committee or not), compared with each member's minutes.
    limits: dict[tuple[int, bool], Decimal] = {}
    for a in sorted({a for *_, a, _ in people}):
        rule = study_rule_for(a, rule_day(year))
        limits[a, True] = rule.committee_target_hours * share * 60
        limits[a, False] = rule.member_target_hours * share * 60
    names: dict[int, str] = {}
    behind: dict[int, int] = defaultdict(int)
    count: dict[int, int] = defaultdict(int)
    first_branch: dict[int, int] = {}
    for pid, hid, name, authority, branch_id in people:
        names[hid] = name
        count[hid] += 1
        if own.get(pid, 0) + group.get(pid, 0) < limits[authority, pid in committee]:
            behind[hid] += 1
            if branch_id is not None and hid not in first_branch:
                first_branch[hid] = branch_id
    return [Behind(h, names[h], behind[h], count[h], first_branch.get(h)) for h in names]


def person_hours(*, access: Access, person: Person, year: int) -> Hours | None:
    """A person's hours for the 党员档案, for whoever may read them (themself, their
    branch's secretary, their hospital's admin, the city), else None."""
    access.require_business()
    allowed = (
        access.person_id == person.pk
        or access.manages_branch(person.branch_id, person.hospital_id)
        or access.reads_hospital(person.hospital_id)
    )
    return my_hours(person, year) if allowed else None


@dataclass
class BoardRow:
    rank: int
    name: str
    hours: Decimal
    mine: bool


@dataclass
class Board:
    branch: Branch
    year: int
    rows: list[BoardRow]

    @property
    def my_row(self) -> BoardRow | None:
        return next((r for r in self.rows if r.mine), None)


def branch_board(*, access: Access, year: int) -> Board:
    """学习榜: the study hours of every active member of the acting member's own branch in a
    year, most first (equal hours share a rank). Only the member's own branch: names and
    hours, nothing else. Four queries whatever the size of the branch."""
    person = learner_for(access)
    if person.branch_id is None or person.branch is None:
        raise PermissionDenied("您尚未编入党支部，暂无支部学习榜")
    people_q = Q(person__branch_id=person.branch_id)
    people = list(
        Person.objects.filter(
            branch_id=person.branch_id,
            status=PersonStatus.ACTIVE,
            political_status__in=MEMBER_STATUSES,
        ).values_list("pk", "name")
    )
    own = self_minutes(people_q, year)
    group = group_minutes(people_q, year)
    totals = sorted(
        ((own.get(pid, 0) + group.get(pid, 0), name, pid) for pid, name in people),
        key=lambda r: (-r[0], r[1], r[2]),
    )
    rows: list[BoardRow] = []
    for i, (minutes, name, pid) in enumerate(totals):
        rank = rows[-1].rank if rows and totals[i - 1][0] == minutes else i + 1
        rows.append(BoardRow(rank, name, hours_text(minutes), pid == person.pk))
    return Board(person.branch, year, rows)
