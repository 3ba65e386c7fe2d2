"""Reads of 季度之星: the candidates measured against a selection's rules, the selections
and lists a user may read, a member's and a hospital's stars.

Eligibility for quarter Q (``star_evaluate``), all of these:

- an active Party member (正式或预备党员, 在册) of the hospital;
- quarter points (the overall ``PointTotal`` row: rule NULL, period "quarter") of at least
  ``min_points`` and above 0 (a member with no points this quarter is never a star);
- if ``exclude_complaints``: no entry of the hospital's rule ``points.rules.DED_COMPLAINT`` (扣分)
  dated in the quarter that still stands (neither a reversal nor reversed);
- attendance share of at least ``min_attendance_share``, read from the meetings' attendance
  records (组织生活, through hongfan.orglife.selectors.attendance.attendance_counts): the
  member's roster rows at the hospital's meetings held (已召开) in the quarter, talks
  (谈心谈话) aside, as they earn and cost no points either; *attended* = rows marked present (出席), *absent* = rows marked absent (缺席),
  share = attended / (attended + absent). Leave (请假) counts neither way, as it neither
  earns nor costs points; planned and cancelled meetings do not count; a member with no
  such row counts as 1.0 (shown as "—").

Candidates are ranked by quarter points (descending); the list is the first ``quota``
eligible of each branch (``per_branch``; an active member always has one, a database
constraint) or of the hospital (``hospital_total``). When members tie on points for the
last places of a quota, none of the tied is listed by the system: the tie is shown
(``StarEvaluation.ties``) and the admin picks among them (``StarTieChoice``, through
``services.stars.star_selection_break_tie``); a list with an undecided tie is not
published. ``QuarterStar.rank`` keeps
the member's competition rank (1, 2, 2, 4) among all the hospital's active members that
quarter.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404

from hongfan.core.access import Access
from hongfan.core.dates import today
from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
from hongfan.org.models import Hospital, PartyCommittee, Person
from hongfan.orglife.selectors.attendance import AttendanceCount, attendance_counts
from hongfan.points.choices import EntryKind, Period, RuleCategory
from hongfan.points.models import PointEntry, PointRule, PointTotal
from hongfan.points.periods import quarter_bounds, quarter_label
from hongfan.points.rules import DED_COMPLAINT
from hongfan.recognition.models import (
    QuarterStar,
    QuotaMode,
    StarSelection,
    StarStatus,
    StarTieChoice,
)
from hongfan.workdays.selectors import WorkdayResult, add_workdays_result

NEAR_MISS_LIMIT = 10  # ineligible members shown with their reasons
RESERVE_LIMIT = 10  # eligible members beyond the quota shown as 候补

REASON_POINTS = "积分不足"
REASON_COMPLAINT = "本季度有经核实的投诉"
REASON_ATTENDANCE = "出勤率不足"


def selection_label(selection: StarSelection) -> str:
    return quarter_label(selection.year, selection.quarter)


def _pct(share: Decimal) -> str:
    return f"{(share * 100).quantize(Decimal('1'))}%"


def points_text(value: Decimal) -> str:
    """12.0 -> "12", 12.5 -> "12.5" (the ledger keeps one decimal)."""
    return f"{value.quantize(Decimal(1)) if value == value.to_integral() else value:f}"


def committee_name(hospital: Hospital) -> str:
    """The signature of announcements: the hospital's Party committee."""
    name = PartyCommittee.objects.filter(hospital=hospital).values_list("name", flat=True).first()
    return name or f"中共{hospital.name}委员会"


@dataclass
class Candidate:
    """One active member of the hospital, as the selection's rules see them."""

    person_id: int
    name: str
    branch_id: int | None
    branch: str
    department: str
    points: Decimal
    rank: int = 0  # competition rank among the hospital's active members
    attended: int = 0
    absent: int = 0
    complaints: int = 0
    reasons: list[str] = field(default_factory=list)
    selected: bool = False
    tied: bool = False  # tied on points for the last places of a quota
    note: str = ""  # why an eligible member is not on the list (名额已满)

    @property
    def share(self) -> Decimal:
        total = self.attended + self.absent
        if total == 0:
            return Decimal(1)
        return Decimal(self.attended) / Decimal(total)

    @property
    def share_label(self) -> str:
        if self.attended + self.absent == 0:
            return "—"
        return _pct(self.share)

    @property
    def eligible(self) -> bool:
        return not self.reasons

    @property
    def reason_text(self) -> str:
        return "；".join(self.reasons)


@dataclass
class Tie:
    """Members tied on points for the last ``places`` places of a quota (of the hospital,
    or of one branch): the admin picks who is listed."""

    where: str  # 全院 or the branch's name
    points: Decimal
    places: int
    candidates: list[Candidate]
    decided: bool  # the admin's picks fill the places exactly

    @property
    def names(self) -> str:
        return "、".join(c.name for c in self.candidates)

    @property
    def picked(self) -> list[Candidate]:
        return [c for c in self.candidates if c.selected]


@dataclass
class StarEvaluation:
    selection: StarSelection
    start: date
    end: date
    candidates: list[Candidate]  # every active member, by points desc then person id
    notes: list[str]  # ties at a quota's edge and similar facts the admin should know
    ties: list[Tie] = field(default_factory=list)

    @property
    def open_ties(self) -> list[Tie]:
        """Ties the admin has not decided yet: the list cannot be published."""
        return [t for t in self.ties if not t.decided]

    @property
    def eligible(self) -> list[Candidate]:
        return [c for c in self.candidates if c.eligible]

    @property
    def selected(self) -> list[Candidate]:
        return [c for c in self.candidates if c.selected]

    @property
    def ineligible(self) -> list[Candidate]:
        return [c for c in self.candidates if not c.eligible]

    @property
    def near_misses(self) -> list[Candidate]:
        """The best-placed ineligible members, with the reasons."""
        return self.ineligible[:NEAR_MISS_LIMIT]

    @property
    def shortlist(self) -> list[Candidate]:
        """The eligible members on the list plus the first few after it (候补)."""
        out: list[Candidate] = []
        reserve = 0
        for c in self.eligible:
            if c.selected:
                out.append(c)
            elif reserve < RESERVE_LIMIT:
                out.append(c)
                reserve += 1
        return out

    @property
    def quarter_open(self) -> bool:
        """The quarter is not over yet: points can still change."""
        return today() <= self.end


def _complaint_counts(hospital_id: int, start: date, end: date) -> dict[int, int]:
    """{person: standing entries of the hospital's rule DED-COMPLAINT (扣分) in the quarter}."""
    rules = list(
        PointRule.objects.filter(
            hospital_id=hospital_id, code=DED_COMPLAINT, category=RuleCategory.DEDUCTION
        ).values_list("pk", flat=True)
    )
    if not rules:
        return {}
    return dict(
        PointEntry.objects.filter(
            hospital_id=hospital_id,
            rule_id__in=rules,
            occurred_on__gte=start,
            occurred_on__lte=end,
            reversed_by__isnull=True,
        )
        .exclude(kind=EntryKind.REVERSAL)
        .order_by()
        .values("person_id")
        .annotate(n=Count("id"))
        .values_list("person_id", "n")
    )


def star_evaluation(selection: StarSelection) -> StarEvaluation:
    start, end = quarter_bounds(selection.year, selection.quarter)
    hospital_id = selection.hospital_id
    members = list(
        Person.objects.filter(
            hospital_id=hospital_id,
            status=PersonStatus.ACTIVE,
            political_status__in=MEMBER_STATUSES,
        )
        .order_by()
        .values_list("pk", "name", "branch_id", "branch__name", "department__name")
    )
    totals = dict(
        PointTotal.objects.filter(
            hospital_id=hospital_id,
            rule__isnull=True,
            period=Period.QUARTER,
            period_start=start,
        )
        .order_by()
        .values_list("person_id", "points")
    )
    complaints = _complaint_counts(hospital_id, start, end)
    attendance = attendance_counts(hospital_id=hospital_id, start=start, end=end)
    none = AttendanceCount()
    candidates = [
        Candidate(
            person_id=pk,
            name=name,
            branch_id=branch_id,
            branch=branch or "",
            department=department or "",
            points=totals.get(pk, Decimal(0)),
            attended=attendance.get(pk, none).present,
            absent=attendance.get(pk, none).absent,
            complaints=complaints.get(pk, 0),
        )
        for pk, name, branch_id, branch, department in members
    ]
    candidates.sort(key=lambda c: (-c.points, c.person_id))
    for i, c in enumerate(candidates):
        prev = candidates[i - 1] if i else None
        c.rank = prev.rank if prev is not None and prev.points == c.points else i + 1

    for c in candidates:
        c.reasons.extend(_reasons(selection, c))
    chosen = set(
        StarTieChoice.objects.filter(selection=selection).values_list("person_id", flat=True)
    )
    notes, ties = _fill_quotas(selection, candidates, chosen)
    return StarEvaluation(
        selection=selection, start=start, end=end, candidates=candidates, notes=notes, ties=ties
    )


def _reasons(selection: StarSelection, c: Candidate) -> list[str]:
    """Why a member is not eligible under the selection's rules (none: eligible)."""
    reasons: list[str] = []
    min_share = selection.min_attendance_share
    if c.points <= 0 or c.points < selection.min_points:
        reasons.append(
            f"{REASON_POINTS}（{points_text(c.points)}分，"
            + (
                f"须不低于{points_text(selection.min_points)}分）"
                if selection.min_points > 0
                else "须高于0分）"
            )
        )
    if selection.exclude_complaints and c.complaints:
        reasons.append(f"{REASON_COMPLAINT}（{c.complaints}次）")
    if c.share < min_share:
        reasons.append(f"{REASON_ATTENDANCE}（{_pct(c.share)}，须不低于{_pct(min_share)}）")
    return reasons


def _fill_quotas(
    selection: StarSelection, candidates: list[Candidate], chosen: set[int]
) -> tuple[list[str], list[Tie]]:
    """Mark the first ``quota`` eligible of each branch (or of the hospital) as selected.
    Members tied on points for the last places are listed only as the admin picked them
    (``chosen``, when the picks fill those places exactly); return the notes and the ties."""
    per_branch = selection.quota_mode == QuotaMode.PER_BRANCH
    full = "本支部名额已满" if per_branch else "名额已满"
    notes: list[str] = []
    ties: list[Tie] = []
    groups: dict[int | None, list[Candidate]] = defaultdict(list)
    for c in candidates:
        if c.eligible:
            groups[c.branch_id if per_branch else None].append(c)
    for group in groups.values():
        quota = selection.quota
        edge = group[quota - 1].points if len(group) > quota else None
        if edge is None or group[quota].points != edge:
            for i, c in enumerate(group):
                c.selected = i < quota
                c.note = "" if c.selected else full
            continue
        tied = [c for c in group if c.points == edge]
        places = quota - sum(1 for c in group if c.points > edge)
        decided = sum(1 for c in tied if c.person_id in chosen) == places
        for c in group:
            if c.points > edge:
                c.selected = True
            elif c.points < edge:
                c.note = full
            else:
                c.tied = True
                c.selected = decided and c.person_id in chosen
                c.note = "" if c.selected else ("同分未选定" if decided else "同分待定")
        where = (group[0].branch or "未分支部") if per_branch else "全院"
        tie = Tie(where, edge, places, tied, decided)
        ties.append(tie)
        notes.append(
            f"{where}名额的最后{places}个名额有{len(tied)}人同为{points_text(edge)}分（{tie.names}）："
            + (
                f"已选定{'、'.join(c.name for c in tie.picked)}"
                if decided
                else f"请选定{places}人后再发布公示"
            )
        )
    return notes, ties


def star_evaluate(access: Access, selection: StarSelection) -> StarEvaluation:
    """Every active member of the selection's hospital measured against its rules (for the
    admin's selection page: the eligible, the list, and the near misses with reasons)."""
    if not access.reads_hospital(selection.hospital_id):
        raise PermissionDenied("只有医院党委可以查看候选人评估")
    return star_evaluation(selection)


def star_notice_period(*, selection: StarSelection, start: date) -> WorkdayResult[date]:
    """The last day of the notice if it started on ``start`` (``notice_workdays`` working
    days after it, on the official calendar; a year with no data falls back to Mon–Fri)."""
    return add_workdays_result(start=start, n=selection.notice_workdays)


PUBLIC_STATUSES = (StarStatus.NOTICE, StarStatus.CONFIRMED)


def star_reads_all(access: Access, hospital_id: int) -> bool:
    """Drafts and the candidates' evaluation: the city and the hospital's admins."""
    return access.reads_hospital(hospital_id)


def star_hospital_visible(access: Access, hospital_id: int) -> bool:
    return access.is_city or (hospital_id in access.own_hospital_ids)


def star_hospital_choices(access: Access) -> QuerySet[Hospital] | list[Hospital]:
    """The hospitals the city admin may switch between on the list (others: none)."""
    return Hospital.objects.order_by("pk") if access.is_city else []


def star_listed_person(selection: StarSelection, pk: int) -> Person | None:
    """A person of the selection's hospital (to take off its draft list), or None."""
    return Person.objects.filter(pk=pk, hospital_id=selection.hospital_id).first()


def star_selection_list(access: Access, *, hospital: Hospital) -> list[StarSelection]:
    """A hospital's selections, newest first, with their lists. The city and the hospital's
    admins see all of them; its secretaries and members those published (公示中/已确认)."""
    access.require_business()
    if not star_hospital_visible(access, hospital.pk):
        raise Http404("医院不存在")
    qs = StarSelection.objects.filter(hospital=hospital)
    if not star_reads_all(access, hospital.pk):
        qs = qs.filter(status__in=PUBLIC_STATUSES)
    selections = list(qs.order_by("-year", "-quarter"))
    by_selection: dict[int, list[QuarterStar]] = defaultdict(list)
    for star in (
        QuarterStar.objects.filter(selection__in=[s.pk for s in selections])
        .select_related("person", "branch")
        .order_by("rank", "person_id")
    ):
        by_selection[star.selection_id].append(star)
    for s in selections:
        s.stars_shown = by_selection.get(s.pk, [])  # type: ignore[attr-defined]
    return selections


def star_selection_get(access: Access, pk: int) -> StarSelection:
    """One selection: another tenant's is a 404; a draft is a 403 to the hospital's
    secretaries and members (only published lists are theirs to read)."""
    access.require_business()
    selection = StarSelection.objects.select_related("hospital").filter(pk=pk).first()
    if selection is None or not star_hospital_visible(access, selection.hospital_id):
        raise Http404("评选不存在")
    if selection.status == StarStatus.DRAFT and not star_reads_all(access, selection.hospital_id):
        raise PermissionDenied("评选名单尚未公示")
    return selection


def star_list(selection: StarSelection) -> list[QuarterStar]:
    """The selection's list in order (序号 follows it)."""
    return list(
        QuarterStar.objects.filter(selection=selection)
        .select_related("person", "person__department", "branch")
        .order_by("rank", "person_id")
    )


def person_stars(access: Access, person: Person) -> list[QuarterStar]:
    """A member's stars, past and present, for their page: confirmed ones and those in
    public notice (``star.selection.status == "notice"`` is shown as 公示中)."""
    access.require_business()
    if not star_hospital_visible(access, person.hospital_id):
        raise Http404("人员不存在")
    return list(
        QuarterStar.objects.filter(person=person, selection__status__in=PUBLIC_STATUSES)
        .select_related("selection")
        .order_by("-selection__year", "-selection__quarter")
    )


def hospital_stars(
    access: Access, hospital: Hospital, *, year: int | None = None
) -> list[QuarterStar]:
    """The hospital's stars of a year (the current one by default) for the overview:
    confirmed and in public notice, newest quarter first."""
    access.require_business()
    if not star_hospital_visible(access, hospital.pk):
        raise Http404("医院不存在")
    return list(
        QuarterStar.objects.filter(
            selection__hospital=hospital,
            selection__year=year or today().year,
            selection__status__in=PUBLIC_STATUSES,
        )
        .select_related("selection", "person")
        .order_by("-selection__quarter", "rank", "person_id")
    )


def star_notices_open(*, access: Access, today: date) -> list[StarSelection]:
    """The 季度之星 of the member's hospital in public notice (公示) today (one query)."""
    if access.person_hospital_id is None or not access.is_business:
        return []
    return list(
        StarSelection.objects.filter(
            hospital_id=access.person_hospital_id, status=StarStatus.NOTICE
        )
        .exclude(notice_end__lt=today)
        .order_by("-year", "-quarter")
    )
