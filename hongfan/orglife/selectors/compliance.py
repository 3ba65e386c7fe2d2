"""Compliance with the frequency rules: a branch's calendar, the hospital's matrix, the
city's summary. The reads cost a fixed number of queries whatever the number of branches."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum

from hongfan.core.access import Access
from hongfan.core.dates import month_bounds, year_bounds
from hongfan.org.choices import BranchKind
from hongfan.org.models import Branch, BranchCommittee, Hospital, PartyGroup
from hongfan.orglife.choices import (
    AppraisalStatus,
    Compliance,
    MeetingKind,
    MeetingStatus,
    RequirementPeriod,
)
from hongfan.orglife.models import Appraisal, ComplianceTally, Meeting
from hongfan.orglife.selectors.rules import Requirement, requirements_for


def _periods(period: str, year: int) -> list[tuple[int, int]]:
    """(first month, last month) of each period of a year."""
    if period == RequirementPeriod.MONTH:
        return [(m, m) for m in range(1, 13)]
    if period == RequirementPeriod.QUARTER:
        return [(m, m + 2) for m in (1, 4, 7, 10)]
    return [(1, 12)]


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


def _monthly(before: list[int]) -> list[int]:
    """Each month's count from the counts before each month's end."""
    return [n - (before[i - 1] if i else 0) for i, n in enumerate(before)]


def _held(ids: list[int], year: int) -> _Held:
    """Four queries: committee terms, groups, decided appraisals, and meetings held per
    month (twelve conditional counts with local month boundaries computed here: no per-row
    date function in the database, whatever the number of meetings)."""
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
    # Meetings before the end of each month (the last: all of the year's), differenced
    # below into each month's: one condition per month instead of two, which halves what
    # building the query costs (more than running it).
    per_month = {
        f"m{i}": Count("id", filter=Q(starts_at__lt=b)) if i < 12 else Count("id")
        for i, (_a, b) in enumerate(month_bounds(year), 1)
    }
    # One query for every kind: 党小组会 counted per Party group, the others per branch.
    counts: dict[tuple[int, str, bool], list[int]] = {}
    group_counts: dict[int, list[int]] = {}
    for branch_id, kind, by_secretary, group_id, *before in (
        held.values_list("branch_id", "kind", "by_secretary", "party_group_id")
        .annotate(**per_month)
        .order_by()
    ):
        months = _monthly(before)
        if kind == MeetingKind.GROUP:
            if group_id is not None:
                have = group_counts.setdefault(group_id, [0] * 12)
                group_counts[group_id] = [x + y for x, y in zip(have, months, strict=True)]
            continue
        for by_sec in (False, True) if by_secretary else (False,):
            key = (branch_id, kind, by_sec)
            have = counts.setdefault(key, [0] * 12)
            counts[key] = [x + y for x, y in zip(have, months, strict=True)]
    # A decided 民主评议 (online, without a meeting of its own recorded) is the year's
    # 民主评议党员: counted in the month it was decided (December for a year decided later).
    for bid, decided_on in Appraisal.objects.filter(
        branch_id__in=ids, year=year, status=AppraisalStatus.FINAL
    ).values_list("branch_id", "decided_on"):
        have = counts.setdefault((bid, MeetingKind.APPRAISAL, False), [0] * 12)
        if not any(have):
            month = decided_on.month if decided_on and decided_on.year == year else 12
            have[month - 1] += 1
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
    requirements, committees, groups, decided appraisals, meetings held per (branch, kind,
    Party group, month). With ``cells=False`` only each branch's tally of statuses
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


def city_summary(*, access: Access, year: int, today: date) -> list[HospitalSummary]:
    """Per hospital: how many of the periods begun so far are done, due or overdue, summed
    from the branches' stored tallies (ComplianceTally). Read only: the caller first has
    ``services.compliance.tallies_refresh_stale`` judge the tallies missing or not computed today."""
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


# --- the home page's tasks (core.todos) ----------------------------------------------------------

# A period still open is "about to go red" when it ends within this many days.
ALERT_DAYS = 31


@dataclass(frozen=True)
class ComplianceAlert:
    """A requirement of a branch not yet met: overdue (red), or due and its period ending
    within ``ALERT_DAYS`` (about to go red)."""

    branch: Branch
    label: str  # "支部委员会 12月"
    status: str  # Compliance.OVERDUE or Compliance.DUE
    ends: date  # the period's last day


def compliance_alerts(*, access: Access, today: date) -> list[ComplianceAlert]:
    """The requirements overdue this year or about to be, of the branches the user runs: a
    secretary's, or every branch of the hospitals they administer (five queries whatever
    the number of branches), most pressing first."""
    access.require_business()
    scope = Q(pk__in=access.branch_ids) | Q(hospital_id__in=access.hospital_ids)
    branches = list(
        Branch.objects.filter(scope, active=True, kind=BranchKind.BRANCH)
        .select_related("hospital")
        .order_by("pk")
    )
    if not branches:
        return []
    out: list[ComplianceAlert] = []
    for authority_id in sorted({b.hospital.authority_id for b in branches}):
        mine = [b for b in branches if b.hospital.authority_id == authority_id]
        reqs, rows = compliance(mine, today.year, today, authority_id)
        for bc in rows:
            for r in reqs:
                for cell in bc.cells.get(r.key, []):
                    last = (
                        date(today.year, 12, 31)
                        if cell.last_month == 12
                        else date(today.year, cell.last_month + 1, 1) - timedelta(days=1)
                    )
                    soon = cell.status == Compliance.DUE and (last - today).days < ALERT_DAYS
                    if cell.status == Compliance.OVERDUE or soon:
                        out.append(
                            ComplianceAlert(bc.branch, f"{r.label} {cell.label}", cell.status, last)
                        )
    return sorted(out, key=lambda a: (a.status != Compliance.OVERDUE, a.ends, a.branch.pk))


@dataclass(frozen=True)
class ComplianceCount:
    """One hospital's branches' stored tallies: overdue and due cells, and how many branches
    have something overdue."""

    hospital: str
    overdue: int
    due: int
    branches_overdue: int


def compliance_counts(*, access: Access, year: int) -> list[ComplianceCount]:
    """For the city: per hospital, the overdue and due cells of its branches this year, from
    the stored tallies (one query; the tallies are refreshed each day by the reminder run,
    when a meeting is recorded and when the city's summary is opened)."""
    access.require_business()
    if not access.is_city:
        raise PermissionDenied("只有市卫健委可以查看全市汇总")
    qs = ComplianceTally.objects.filter(
        year=year, branch__active=True, branch__kind=BranchKind.BRANCH
    )
    rows = (
        qs.order_by()
        .values("hospital_id", "hospital__name")
        .annotate(
            overdue_n=Sum("overdue"),
            due_n=Sum("due"),
            late=Count("id", filter=Q(overdue__gt=0)),
        )
        .order_by("hospital_id")
    )
    return [
        ComplianceCount(r["hospital__name"], r["overdue_n"] or 0, r["due_n"] or 0, r["late"])
        for r in rows
    ]
