"""Reads of 组织生活, always scoped: meetings, a member's meetings, and compliance with the
frequency rules — a branch's calendar, the hospital's matrix, the city's summary. The
compliance reads cost a fixed number of queries whatever the number of branches."""

from __future__ import annotations

import hmac
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.dates import month_bounds, year_bounds
from hongfan.org.choices import BranchKind, PersonStatus
from hongfan.org.models import Branch, BranchCommittee, Hospital, PartyGroup, Person
from hongfan.orglife.choices import (
    AttendanceStatus,
    Compliance,
    MeetingKind,
    MeetingStatus,
    QuorumOf,
    RequirementPeriod,
)
from hongfan.orglife.models import (
    Attendance,
    ComplianceTally,
    Meeting,
    MeetingRequirement,
    MeetingRule,
)

# --- meetings ---------------------------------------------------------------------------------


def meeting_qs(access: Access) -> QuerySet[Meeting]:
    """Meetings the user manages (their branches, their hospitals) or reads (the city)."""
    access.require_business()
    q = Q(hospital_id__in=access.hospital_ids) | Q(branch_id__in=access.branch_ids)
    qs = Meeting.objects.all() if access.is_city else Meeting.objects.filter(q)
    return qs.select_related("branch", "party_group", "host", "recorder", "lecturer")


def meeting_get(access: Access, pk: int, *, manage: bool = False) -> Meeting:
    """A meeting for its managers and the city (read only); a member may read one they are
    on the roster of. Another hospital's meeting is a 404, one inside the user's own
    hospital that they may not see a 403."""
    access.require_business()
    m = (
        Meeting.objects.select_related(
            "branch", "branch__secretary", "party_group", "host", "recorder", "lecturer"
        )
        .filter(pk=pk)
        .first()
    )
    if m is None:
        raise Http404("会议不存在")
    manages = access.manages_branch(m.branch_id, m.hospital_id)
    if manage and not manages:
        if m.hospital_id in access.own_hospital_ids or access.is_city:
            raise PermissionDenied("只能管理本支部的组织生活")
        raise Http404("会议不存在")
    if not manages and not access.is_city:
        on_roster = (
            access.person_id is not None
            and Attendance.objects.filter(meeting=m, person_id=access.person_id).exists()
        )
        if not on_roster:
            if m.hospital_id in access.own_hospital_ids:
                raise PermissionDenied("只能查看本人参加的会议")
            raise Http404("会议不存在")
    return m


BAD_CODE = "签到码无效：请扫描本次会议现场展示的二维码"
NOT_ON_ROSTER = "你不在本次会议的参会名单中，请联系支部书记"


def code_matches(meeting: Meeting, token: str) -> bool:
    """Whether a QR link's code is this meeting's own, compared in constant time."""
    return hmac.compare_digest(meeting.checkin_token.encode(), (token or "").encode())


def meeting_by_code(pk: int, token: str) -> Meeting | None:
    """The meeting a QR check-in link names, or None when the code is not its own (forged,
    stale, or another meeting's: they look the same)."""
    m = Meeting.objects.select_related("branch").filter(pk=pk).first()
    return m if m is not None and code_matches(m, token) else None


# How each kind of meeting is run when a city has set nothing else (DOMAIN.md): the QR code
# works from 30 minutes before the start until 30 minutes after the end; 支部党员大会,
# 支委会 and 民主评议党员 need more than half of those with a vote.
DEFAULT_MEETING_RULES: dict[str, tuple[int, int, str]] = {
    kind: (
        30,
        30,
        QuorumOf.VOTERS
        if kind in {MeetingKind.GENERAL, MeetingKind.COMMITTEE, MeetingKind.APPRAISAL}
        else QuorumOf.NONE,
    )
    for kind in MeetingKind.values
}


def _default_rule(authority_id: int, kind: str) -> MeetingRule:
    before, after, quorum = DEFAULT_MEETING_RULES[kind]
    return MeetingRule(
        authority_id=authority_id,
        kind=kind,
        checkin_before_minutes=before,
        checkin_after_minutes=after,
        quorum_of=quorum,
        effective_from=date(2000, 1, 1),
    )


def meeting_rule_for(authority_id: int, kind: str, day: date) -> MeetingRule:
    """The rule of a kind of meeting in force on ``day`` in a city (the latest version from
    that day or before), or the default (unsaved) when the city has set none."""
    row = (
        MeetingRule.objects.filter(authority_id=authority_id, kind=kind, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )
    return row or _default_rule(authority_id, kind)


def meeting_rules_in_force(authority_id: int, day: date) -> list[MeetingRule]:
    """Every kind's rule in force on ``day`` (defaults where the city has set none)."""
    rows = MeetingRule.objects.filter(authority_id=authority_id, effective_from__lte=day).order_by(
        "kind", "-effective_from"
    )
    latest: dict[str, MeetingRule] = {}
    for r in rows:
        latest.setdefault(r.kind, r)
    return [latest.get(k) or _default_rule(authority_id, k) for k in MeetingKind.values]


def meeting_rule_of(meeting: Meeting) -> MeetingRule:
    """The rule a meeting is run by: its city's, in force on its day."""
    return meeting_rule_for(meeting.hospital.authority_id, meeting.kind, meeting.day)


def meeting_people(branch: Branch | None) -> QuerySet[Person]:
    """Who may host, record or be talked with at a branch's meeting: its active people
    (nobody until a branch is chosen)."""
    if branch is None:
        return Person.objects.none()
    return (
        Person.objects.filter(branch=branch, status=PersonStatus.ACTIVE)
        .select_related("department")
        .order_by("pk")
    )


def meeting_lecturers(branch: Branch | None) -> QuerySet[Person]:
    """Who may give a branch's 党课: anyone active in the branch's hospital (nobody until a
    branch is chosen). Too many to list: the form searches them as the user types."""
    if branch is None:
        return Person.objects.none()
    return Person.objects.filter(
        hospital_id=branch.hospital_id, status=PersonStatus.ACTIVE
    ).select_related("department")


SEARCH_LIMIT = 20


def person_search(people: QuerySet[Person], text: str) -> list[Person]:
    """The first rows of ``people`` whose name contains ``text`` (at most ``SEARCH_LIMIT``;
    none for an empty search)."""
    text = text.replace("\x00", "").strip()[:20]
    if not text:
        return []
    return list(
        people.filter(name__contains=text)
        .select_related("department")
        .order_by("name", "pk")[:SEARCH_LIMIT]
    )


def managed_branches(access: Access) -> QuerySet[Branch]:
    """The leaf branches whose meetings the user schedules and records: those of the
    hospitals they administer, and those they are secretary of."""
    qs = Branch.objects.filter(active=True, kind=BranchKind.BRANCH)
    if access.hospital_ids:
        return qs.filter(hospital_id__in=access.hospital_ids) | qs.filter(pk__in=access.branch_ids)
    return qs.filter(pk__in=access.branch_ids)


def meeting_list(*, access: Access) -> QuerySet[Meeting]:
    """The meeting book: the meetings the user manages or reads, with their attendance
    counts, newest first (filtered by ``hongfan.orglife.filters.MeetingFilter``)."""
    return (
        meeting_qs(access)
        .annotate(
            expected=Count("attendance"),
            present=Count("attendance", filter=Q(attendance__status=AttendanceStatus.PRESENT)),
        )
        .order_by("-starts_at", "-pk")
    )


def my_meetings(access: Access) -> QuerySet[Attendance]:
    """A member's own roster rows: upcoming first, then past."""
    if access.person_id is None:
        return Attendance.objects.none()
    return (
        Attendance.objects.filter(person_id=access.person_id)
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .select_related("meeting", "meeting__branch", "points_entry")
        .order_by("-meeting__starts_at")
    )


def roster(meeting: Meeting) -> list[Attendance]:
    return list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("person", "points_entry")
        .order_by("pk")
    )


# --- compliance ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    kind: str
    by_secretary: bool
    period: str
    min_count: int

    @property
    def key(self) -> str:
        return f"{self.kind}{'-sec' if self.by_secretary else ''}"

    @property
    def label(self) -> str:
        name = MeetingKind(self.kind).label
        return "书记讲党课" if self.by_secretary else name

    @property
    def rule_text(self) -> str:
        return f"{RequirementPeriod(self.period).label}至少{self.min_count}次"


def _periods(period: str, year: int) -> list[tuple[int, int]]:
    """(first month, last month) of each period of a year."""
    if period == RequirementPeriod.MONTH:
        return [(m, m) for m in range(1, 13)]
    if period == RequirementPeriod.QUARTER:
        return [(m, m + 2) for m in (1, 4, 7, 10)]
    return [(1, 12)]


def requirements_for(authority_id: int, year: int) -> list[Requirement]:
    """The frequency rules of a year: per kind, the version in force on 1 January (a rule
    changed during the year applies from the next year's calendar, so that a year's
    periods are judged by one rule)."""
    rows = MeetingRequirement.objects.filter(
        authority_id=authority_id, effective_from__lte=date(year, 1, 1)
    ).order_by("kind", "by_secretary", "-effective_from")
    seen: set[tuple[str, bool]] = set()
    out: list[Requirement] = []
    for r in rows:
        if (r.kind, r.by_secretary) in seen:
            continue
        seen.add((r.kind, r.by_secretary))
        if r.active:
            out.append(Requirement(r.kind, r.by_secretary, r.period, r.min_count))
    order = {k: i for i, k in enumerate(MeetingKind.values)}
    return sorted(out, key=lambda r: (order[r.kind], r.by_secretary))


@dataclass(slots=True)
class Cell:
    status: str
    count: int
    first_month: int
    last_month: int
    # for 党小组会: groups that met / groups
    groups_done: int = 0
    groups: int = 0

    @property
    def span(self) -> int:
        return self.last_month - self.first_month + 1

    @property
    def label(self) -> str:
        if self.first_month == self.last_month:
            return f"{self.first_month}月"
        if self.span == 3:
            return f"第{(self.first_month - 1) // 3 + 1}季度"
        return "全年"


@dataclass
class BranchCompliance:
    branch: Branch
    cells: dict[str, list[Cell]] = field(default_factory=dict)  # requirement key -> periods
    tally: dict[str, int] = field(default_factory=dict)  # status -> cells

    def counts(self) -> dict[str, int]:
        return defaultdict(int, self.tally)

    @property
    def overdue(self) -> int:
        return self.counts().get(Compliance.OVERDUE, 0)

    @property
    def due(self) -> int:
        return self.counts().get(Compliance.DUE, 0)


def _cell_status(
    count: int, need: int, year: int, first: int, last: int, today: date, applicable: bool
) -> str:
    if not applicable:
        return Compliance.NOT_APPLICABLE
    if count >= need:
        return Compliance.DONE
    start = date(year, first, 1)
    end = date(year + 1, 1, 1) if last == 12 else date(year, last + 1, 1)
    if today >= end:
        return Compliance.OVERDUE
    if today >= start:
        return Compliance.DUE
    return Compliance.UPCOMING


@dataclass
class _Held:
    """What the database holds for a year's compliance, fetched once for all branches."""

    terms: dict[int, list[tuple[date, date]]]  # branch -> committee terms in the year
    groups: dict[int, list[int]]  # branch -> its Party groups
    counts: dict[tuple[int, str, bool], list[int]]  # (branch, kind, by_secretary) -> per month
    group_counts: dict[int, list[int]]  # Party group -> 党小组会 per month


def _held(ids: list[int], year: int) -> _Held:
    """Four queries: committee terms, groups, and meetings held per month (twelve conditional
    counts with local month boundaries computed here: no per-row date function in the
    database, whatever the number of meetings)."""
    start, end = year_bounds(year)
    year_end = date(year, 12, 31)
    # A 支委会 is required in a period only while a committee is in office.
    terms: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for bid, t_start, t_end in (
        BranchCommittee.objects.filter(
            branch_id__in=ids, term_start__lte=year_end, term_end__gte=date(year, 1, 1)
        )
        .values_list("branch_id", "term_start", "term_end")
        .order_by()
    ):
        terms[bid].append((t_start, t_end))
    groups: dict[int, list[int]] = defaultdict(list)
    for gid, bid in PartyGroup.objects.filter(branch_id__in=ids).values_list("id", "branch_id"):
        groups[bid].append(gid)
    held = Meeting.objects.filter(
        branch_id__in=ids, status=MeetingStatus.HELD, starts_at__gte=start, starts_at__lt=end
    )
    per_month = {
        f"m{i}": Count("id", filter=Q(starts_at__gte=a, starts_at__lt=b))
        for i, (a, b) in enumerate(month_bounds(year), 1)
    }
    counts: dict[tuple[int, str, bool], list[int]] = {}
    for branch_id, kind, by_secretary, *months in (
        held.exclude(kind=MeetingKind.GROUP)
        .values_list("branch_id", "kind", "by_secretary")
        .annotate(**per_month)
        .order_by()
    ):
        for by_sec in (False, True) if by_secretary else (False,):
            key = (branch_id, kind, by_sec)
            have = counts.setdefault(key, [0] * 12)
            counts[key] = [x + y for x, y in zip(have, months, strict=True)]
    group_counts: dict[int, list[int]] = {}
    for group_id, *group_months in (
        held.filter(kind=MeetingKind.GROUP, party_group__isnull=False)
        .values_list("party_group_id")
        .annotate(**per_month)
        .order_by()
    ):
        group_counts[group_id] = list(group_months)
    return _Held(terms, groups, counts, group_counts)


Slot = tuple[int, int, date, str]  # first month, last month, end, status when not done


def _slots(reqs: list[Requirement], year: int, today: date) -> list[list[Slot]]:
    """Per requirement, its periods — the same for every branch."""
    slots: list[list[Slot]] = []
    for r in reqs:
        slot = []
        for first, last in _periods(r.period, year):
            period_end = date(year + 1, 1, 1) if last == 12 else date(year, last + 1, 1)
            undone = _cell_status(0, 1, year, first, last, today, True)
            slot.append((first, last, period_end, undone))
        slots.append(slot)
    return slots


_NONE = [0] * 12


def _branch_compliance(
    b: Branch,
    reqs: list[Requirement],
    slots: list[list[Slot]],
    held: _Held,
    year: int,
    keep: bool,
) -> BranchCompliance:
    """One branch's cells (or only its tally, without ``keep``) from what was fetched."""
    founded = b.founded_on
    is_branch = b.kind == BranchKind.BRANCH
    gids = held.groups.get(b.pk, [])
    bc = BranchCompliance(b)
    tally = bc.tally
    for r, periods in zip(reqs, slots, strict=True):
        need = r.min_count
        row_cells: list[Cell] = []
        is_committee = r.kind == MeetingKind.COMMITTEE
        is_group = r.kind == MeetingKind.GROUP
        kind_ok = is_branch and (not is_group or bool(gids))
        in_office = held.terms.get(b.pk, [])
        monthly = held.counts.get((b.pk, r.kind, r.by_secretary), _NONE)
        for first, last, period_end, undone in periods:
            applicable = kind_ok and (founded is None or founded < period_end)
            if is_committee:
                period_start = date(year, first, 1)
                applicable = applicable and any(
                    ts < period_end and te >= period_start for ts, te in in_office
                )
            if is_group:
                n = sum(
                    1
                    for g in gids
                    if sum(held.group_counts.get(g, _NONE)[first - 1 : last]) >= need
                )
                done = bool(gids) and n == len(gids)
            else:
                n = sum(monthly[first - 1 : last])
                done = n >= need
            status = (
                Compliance.NOT_APPLICABLE if not applicable else Compliance.DONE if done else undone
            )
            tally[status] = tally.get(status, 0) + 1
            if keep:
                cell = Cell(status, n, first, last)
                if is_group:
                    cell.groups_done, cell.groups = n, len(gids)
                row_cells.append(cell)
        if keep:
            bc.cells[r.key] = row_cells
    return bc


def compliance(
    branches: list[Branch], year: int, today: date, authority_id: int, *, cells: bool = True
) -> tuple[list[Requirement], list[BranchCompliance]]:
    """The compliance of branches for a year, in five queries whatever their number:
    requirements, committees, groups, meetings held per (branch, kind, month), group
    meetings per (group, month). With ``cells=False`` only each branch's tally of statuses
    is kept (the city summary)."""
    reqs = requirements_for(authority_id, year)
    held = _held([b.pk for b in branches], year)
    slots = _slots(reqs, year, today)
    return reqs, [_branch_compliance(b, reqs, slots, held, year, cells) for b in branches]


def compliance_branches(hospital: Hospital) -> list[Branch]:
    return list(
        Branch.objects.filter(hospital=hospital, active=True, kind=BranchKind.BRANCH)
        .select_related("secretary")
        .order_by("pk")
    )


def branch_compliance(
    branch: Branch, year: int, today: date
) -> tuple[list[Requirement], BranchCompliance]:
    reqs, rows = compliance([branch], year, today, branch.hospital.authority_id)
    return reqs, rows[0]


@dataclass
class HospitalSummary:
    hospital: Hospital
    branches: int
    cells: int  # cells whose period has begun (due, done or overdue)
    done: int
    overdue: int
    due: int

    @property
    def done_share(self) -> float:
        return self.done / self.cells if self.cells else 0.0


def city_summary(access: Access, year: int, today: date) -> list[HospitalSummary]:
    """Per hospital: how many of the periods begun so far are done, due or overdue, summed
    from the branches' stored tallies (ComplianceTally). Read only: the caller first has
    ``services.tallies_refresh_stale`` judge the tallies missing or not computed today."""
    access.require_business()
    if not access.is_city:
        raise PermissionDenied("只有市卫健委可以查看全市汇总")
    hospitals = list(Hospital.objects.order_by("pk"))
    if not hospitals:
        return []
    sums = {
        row["hospital_id"]: row
        for row in ComplianceTally.objects.filter(
            year=year, branch__active=True, branch__kind=BranchKind.BRANCH
        )
        .values("hospital_id")
        .annotate(
            branches=Count("id"),
            done_n=Sum("done"),
            due_n=Sum("due"),
            overdue_n=Sum("overdue"),
        )
        .order_by()
    }
    out = []
    for h in hospitals:
        t = sums.get(h.pk)
        done, due, overdue = (t["done_n"], t["due_n"], t["overdue_n"]) if t else (0, 0, 0)
        out.append(
            HospitalSummary(h, t["branches"] if t else 0, done + due + overdue, done, overdue, due)
        )
    return out


def upcoming_for_member(access: Access) -> QuerySet[Attendance]:
    now = timezone.now()
    return my_meetings(access).filter(
        meeting__status=MeetingStatus.PLANNED, meeting__checkin_closes_at__gte=now
    )
