"""季度之星: each quarter's selection of stars from the points ranking, its public notice
(公示) on the official working-day calendar, and the announcement in Word.

The workflow of a ``StarSelection``: the hospital admin creates it with its rules (草拟),
draws the draft list from the ranking (and may take a person off it, with a reason),
publishes it for a notice period of ``notice_workdays`` working days (公示中), and confirms
it once the period is over (已确认). A confirmed selection never changes.

Eligibility for quarter Q (``star_evaluate``), all of these:

- an active Party member (正式或预备党员, 在册) of the hospital;
- quarter points (the overall ``PointTotal`` row: rule NULL, period "quarter") of at least
  ``min_points`` and above 0 (a member with no points this quarter is never a star);
- if ``exclude_complaints``: no entry of the hospital's rule ``DED-COMPLAINT`` (category 扣分)
  dated in the quarter that still stands (neither a reversal nor reversed);
- attendance share of at least ``min_attendance_share``. Until the meetings module records
  attendance this is a proxy read from the ledger: *attended* = the quarter's standing
  ``ORG-MEETING`` awards, *absent* = its standing ``DED-ABSENT`` deductions, share =
  attended / (attended + absent); a member with neither counts as 1.0
  (``ATTENDANCE_PROXY_NOTE`` says so on the pages).

Candidates are ranked by quarter points (descending, ties by person id); the list is the
first ``quota`` eligible of each branch (``per_branch``; an active member always has one,
a database constraint) or of the hospital (``hospital_total``). ``QuarterStar.rank`` keeps the member's competition rank (1, 2, 2, 4)
among all the hospital's active members that quarter.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.dates import today
from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
from hongfan.org.models import Hospital, PartyCommittee, Person
from hongfan.points.choices import EntryKind, Period, RuleCategory
from hongfan.points.models import (
    PointEntry,
    PointRule,
    PointTotal,
    QuarterStar,
    QuotaMode,
    StarSelection,
    StarStatus,
)
from hongfan.workdays.selectors import WorkdayResult, add_workdays_result

QUARTER_CN = {1: "一", 2: "二", 3: "三", 4: "四"}
COMPLAINT_CODE = "DED-COMPLAINT"
MEETING_CODE = "ORG-MEETING"
ABSENT_CODE = "DED-ABSENT"
NEAR_MISS_LIMIT = 10  # ineligible members shown with their reasons
RESERVE_LIMIT = 10  # eligible members beyond the quota shown as 候补
MAX_QUOTA = 500
MAX_NOTICE_WORKDAYS = 30
MIN_YEAR = 2000

REASON_POINTS = "积分不足"
REASON_COMPLAINT = "本季度有经核实的投诉"
REASON_ATTENDANCE = "出勤率不足"

ATTENDANCE_PROXY_NOTE = (
    "出勤率暂按积分流水估算：本季度“参加组织生活”（ORG-MEETING）加分次数 ÷"
    "（该次数＋“无故缺席组织生活”（DED-ABSENT）扣分次数），已冲正的不计；"
    "两者都没有的按100%计。会议签到模块上线后改按签到记录计算。"
)
OBJECTION_LINE = "公示期间如有异议，请向医院党委反映。"

FROZEN = "评选结果已确认，不能再修改"


# --- small helpers ---------------------------------------------------------------------------


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a quarter."""
    start = date(year, 3 * quarter - 2, 1)
    nxt = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, nxt - timedelta(days=1)


def last_finished_quarter(day: date | None = None) -> tuple[int, int]:
    """(year, quarter) of the last quarter that is over: stars are chosen once it is."""
    day = day or today()
    q = (day.month - 1) // 3 + 1
    return (day.year, q - 1) if q > 1 else (day.year - 1, 4)


def quarter_label(year: int, quarter: int) -> str:
    return f"{year}年第{QUARTER_CN.get(quarter, str(quarter))}季度"


def selection_label(selection: StarSelection) -> str:
    return quarter_label(selection.year, selection.quarter)


def _cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _pct(share: Decimal) -> str:
    return f"{(share * 100).quantize(Decimal('1'))}%"


def _points(value: Decimal) -> str:
    """12.0 -> "12", 12.5 -> "12.5" (the ledger keeps one decimal)."""
    return f"{value.quantize(Decimal(1)) if value == value.to_integral() else value:f}"


def committee_name(hospital: Hospital) -> str:
    """The signature of announcements: the hospital's Party committee."""
    name = PartyCommittee.objects.filter(hospital=hospital).values_list("name", flat=True).first()
    return name or f"中共{hospital.name}委员会"


# --- eligibility -----------------------------------------------------------------------------


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
class StarEvaluation:
    selection: StarSelection
    start: date
    end: date
    candidates: list[Candidate]  # every active member, by points desc then person id
    notes: list[str]  # ties at a quota's edge and similar facts the admin should know

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


def _evaluate(selection: StarSelection) -> StarEvaluation:
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
    rules = dict(
        PointRule.objects.filter(hospital_id=hospital_id)
        .filter(
            Q(code=COMPLAINT_CODE, category=RuleCategory.DEDUCTION)
            | Q(code__in=[MEETING_CODE, ABSENT_CODE])
        )
        .values_list("pk", "code")
    )
    counts: dict[tuple[int, str], int] = {}
    if rules:
        for person_id, rule_id, n in (
            PointEntry.objects.filter(
                hospital_id=hospital_id,
                rule_id__in=list(rules),
                occurred_on__gte=start,
                occurred_on__lte=end,
                reversed_by__isnull=True,
            )
            .exclude(kind=EntryKind.REVERSAL)
            .order_by()
            .values_list("person_id", "rule_id")
            .annotate(n=Count("id"))
        ):
            key = (person_id, rules[rule_id])
            counts[key] = counts.get(key, 0) + n

    candidates = [
        Candidate(
            person_id=pk,
            name=name,
            branch_id=branch_id,
            branch=branch or "",
            department=department or "",
            points=totals.get(pk, Decimal(0)),
            attended=counts.get((pk, MEETING_CODE), 0),
            absent=counts.get((pk, ABSENT_CODE), 0),
            complaints=counts.get((pk, COMPLAINT_CODE), 0),
        )
        for pk, name, branch_id, branch, department in members
    ]
    candidates.sort(key=lambda c: (-c.points, c.person_id))
    for i, c in enumerate(candidates):
        prev = candidates[i - 1] if i else None
        c.rank = prev.rank if prev is not None and prev.points == c.points else i + 1

    min_share = selection.min_attendance_share
    per_branch = selection.quota_mode == QuotaMode.PER_BRANCH
    for c in candidates:
        if c.points <= 0 or c.points < selection.min_points:
            c.reasons.append(
                f"{REASON_POINTS}（{_points(c.points)}分，"
                + (
                    f"须不低于{_points(selection.min_points)}分）"
                    if selection.min_points > 0
                    else "须高于0分）"
                )
            )
        if selection.exclude_complaints and c.complaints:
            c.reasons.append(f"{REASON_COMPLAINT}（{c.complaints}次）")
        if c.share < min_share:
            c.reasons.append(f"{REASON_ATTENDANCE}（{_pct(c.share)}，须不低于{_pct(min_share)}）")

    notes: list[str] = []
    groups: dict[int | None, list[Candidate]] = defaultdict(list)
    for c in candidates:
        if c.eligible:
            groups[c.branch_id if per_branch else None].append(c)
    for group in groups.values():
        for i, c in enumerate(group):
            if i < selection.quota:
                c.selected = True
            else:
                c.note = "本支部名额已满" if per_branch else "名额已满"
        if len(group) > selection.quota:
            last, first_out = group[selection.quota - 1], group[selection.quota]
            if last.points == first_out.points:
                where = f"{last.branch}" if per_branch else "全院"
                notes.append(
                    f"{where}名额的最后一名{last.name}与{first_out.name}同为"
                    f"{_points(last.points)}分，按人员编号先后取舍"
                )
    return StarEvaluation(
        selection=selection, start=start, end=end, candidates=candidates, notes=notes
    )


def star_evaluate(access: Access, selection: StarSelection) -> StarEvaluation:
    """Every active member of the selection's hospital measured against its rules (for the
    admin's selection page: the eligible, the list, and the near misses with reasons)."""
    if not access.reads_hospital(selection.hospital_id):
        raise PermissionDenied("只有医院党委可以查看候选人评估")
    return _evaluate(selection)


# --- writes ----------------------------------------------------------------------------------


def _require_admin(access: Access, hospital_id: int) -> None:
    if not access.administers_hospital(hospital_id):
        raise PermissionDenied("季度之星评选由医院党委办理")


def _as_decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _validate_rules(
    *,
    quota_mode: str,
    quota: int,
    min_points: Decimal | None,
    min_attendance_share: Decimal | None,
    notice_workdays: int,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if quota_mode not in QuotaMode.values:
        errors["quota_mode"] = "请选择名额方式：每个支部名额或全院总名额"
    if quota is None or quota < 1:
        errors["quota"] = "名额至少为1"
    elif quota > MAX_QUOTA:
        errors["quota"] = f"名额不能超过{MAX_QUOTA}"
    if min_points is None:
        errors["min_points"] = "请填写最低季度积分"
    elif min_points < 0:
        errors["min_points"] = "最低季度积分不能为负数"
    elif min_points >= Decimal("10000000"):
        errors["min_points"] = "最低季度积分过大"
    if min_attendance_share is None:
        errors["min_attendance_share"] = "请填写出勤率下限（0到1之间，如0.8）"
    elif not Decimal(0) <= min_attendance_share <= Decimal(1):
        errors["min_attendance_share"] = "出勤率下限应在0到1之间（如0.8表示80%）"
    elif min_attendance_share != min_attendance_share.quantize(Decimal("0.01")):
        errors["min_attendance_share"] = "出勤率下限最多保留两位小数"
    if notice_workdays is None or notice_workdays < 1:
        errors["notice_workdays"] = "公示期至少1个工作日"
    elif notice_workdays > MAX_NOTICE_WORKDAYS:
        errors["notice_workdays"] = f"公示期不能超过{MAX_NOTICE_WORKDAYS}个工作日"
    return errors


def _locked(selection: StarSelection) -> StarSelection:
    """The selection re-read under a row lock (PostgreSQL; SQLite's IMMEDIATE transactions
    already serialise writers), so two admins' clicks cannot both pass a status check."""
    return StarSelection.objects.select_for_update().select_related("hospital").get(pk=selection.pk)


@transaction.atomic
def star_selection_create(
    *,
    access: Access,
    hospital: Hospital,
    year: int,
    quarter: int,
    quota_mode: str = QuotaMode.HOSPITAL_TOTAL,
    quota: int = 9,
    min_points: Decimal | int | str = 0,
    min_attendance_share: Decimal | int | str = 0,
    exclude_complaints: bool = True,
    notice_workdays: int = 5,
    request: HttpRequest | None = None,
) -> StarSelection:
    """Open a quarter's selection with its rules (草拟). One per hospital and quarter; the
    quarter must have started."""
    _require_admin(access, hospital.pk)
    points = _as_decimal(min_points)
    share = _as_decimal(min_attendance_share)
    errors = _validate_rules(
        quota_mode=quota_mode,
        quota=quota,
        min_points=points,
        min_attendance_share=share,
        notice_workdays=notice_workdays,
    )
    day = today()
    if quarter not in QUARTER_CN:
        errors["quarter"] = "季度应为1—4"
    if not MIN_YEAR <= year <= day.year + 1:  # next year: refused below as not started
        errors["year"] = f"年度应在{MIN_YEAR}年至{day.year}年之间"
    if "year" not in errors and "quarter" not in errors:
        start, _ = quarter_bounds(year, quarter)
        if start > day:
            errors["quarter"] = (
                f"{quarter_label(year, quarter)}尚未开始（{_cn_date(start)}起），不能评选"
            )
        elif StarSelection.objects.filter(hospital=hospital, year=year, quarter=quarter).exists():
            errors["quarter"] = f"本院{quarter_label(year, quarter)}已有季度之星评选"
    if errors:
        raise ValidationError(errors)
    assert points is not None and share is not None
    try:
        with transaction.atomic():
            selection = StarSelection.objects.create(
                hospital=hospital,
                year=year,
                quarter=quarter,
                quota_mode=quota_mode,
                quota=quota,
                min_points=points,
                min_attendance_share=share,
                exclude_complaints=exclude_complaints,
                notice_workdays=notice_workdays,
                created_by_id=access.user_id,
            )
    except IntegrityError as exc:  # another admin created it a moment ago
        raise ValidationError(
            {"quarter": f"本院{quarter_label(year, quarter)}已有季度之星评选"}
        ) from exc
    audit_log(
        action=AuditAction.DATA_CREATED,
        request=request,
        actor_id=access.user_id,
        target=selection,
        quarter=f"{year}Q{quarter}",
        quota_mode=quota_mode,
        quota=quota,
        min_points=str(points),
        min_attendance_share=str(share),
        exclude_complaints=exclude_complaints,
        notice_workdays=notice_workdays,
    )
    return selection


def _require_draft(selection: StarSelection, what: str) -> None:
    if selection.status == StarStatus.CONFIRMED:
        raise ValidationError(FROZEN)
    if selection.status != StarStatus.DRAFT:
        raise ValidationError(f"名单已公示，不能再{what}")


def _draw(selection: StarSelection) -> list[QuarterStar]:
    evaluation = _evaluate(selection)
    QuarterStar.objects.filter(selection=selection).delete()
    return QuarterStar.objects.bulk_create(
        [
            QuarterStar(
                selection=selection,
                person_id=c.person_id,
                branch_id=c.branch_id,
                points=c.points,
                rank=c.rank,
            )
            for c in evaluation.selected
        ]
    )


@transaction.atomic
def star_selection_revise(
    *,
    access: Access,
    selection: StarSelection,
    quota_mode: str,
    quota: int,
    min_points: Decimal | int | str,
    min_attendance_share: Decimal | int | str,
    exclude_complaints: bool,
    notice_workdays: int,
    request: HttpRequest | None = None,
) -> StarSelection:
    """Change a draft's rules; the draft list is drawn again under the new rules."""
    _require_admin(access, selection.hospital_id)
    locked = _locked(selection)
    _require_draft(locked, "修改评选条件")
    points = _as_decimal(min_points)
    share = _as_decimal(min_attendance_share)
    errors = _validate_rules(
        quota_mode=quota_mode,
        quota=quota,
        min_points=points,
        min_attendance_share=share,
        notice_workdays=notice_workdays,
    )
    if errors:
        raise ValidationError(errors)
    assert points is not None and share is not None
    locked.quota_mode = quota_mode
    locked.quota = quota
    locked.min_points = points
    locked.min_attendance_share = share
    locked.exclude_complaints = exclude_complaints
    locked.notice_workdays = notice_workdays
    locked.save(
        update_fields=[
            "quota_mode",
            "quota",
            "min_points",
            "min_attendance_share",
            "exclude_complaints",
            "notice_workdays",
        ]
    )
    stars = _draw(locked)
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=locked,
        quota_mode=quota_mode,
        quota=quota,
        min_points=str(points),
        min_attendance_share=str(share),
        exclude_complaints=exclude_complaints,
        notice_workdays=notice_workdays,
        drawn=len(stars),
    )
    selection.refresh_from_db()
    return locked


@transaction.atomic
def star_selection_draft(
    *, access: Access, selection: StarSelection, request: HttpRequest | None = None
) -> list[QuarterStar]:
    """Draw the draft list from the ranking under the selection's rules, replacing the
    previous draft (people taken off it by hand come back if the rules still pick them)."""
    _require_admin(access, selection.hospital_id)
    locked = _locked(selection)
    _require_draft(locked, "重新生成名单")
    stars = _draw(locked)
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=locked,
        step="draft",
        drawn=len(stars),
    )
    return stars


@transaction.atomic
def star_selection_remove(
    *,
    access: Access,
    selection: StarSelection,
    person: Person,
    reason: str,
    request: HttpRequest | None = None,
) -> None:
    """Take one person off a draft list before it is published, with a reason (audited)."""
    _require_admin(access, selection.hospital_id)
    locked = _locked(selection)
    _require_draft(locked, "调整名单")
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = "请填写移出名单的原因"
    elif len(reason) > 200:
        errors["reason"] = "原因不超过200字"
    star = QuarterStar.objects.filter(selection=locked, person=person).first()
    if star is None:
        errors["person"] = f"{person.name}不在草拟名单中"
    if errors:
        raise ValidationError(errors)
    assert star is not None
    star.delete()
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=locked,
        step="remove",
        person_id=person.pk,
        reason=reason,
    )


def star_notice_period(*, selection: StarSelection, start: date) -> WorkdayResult[date]:
    """The last day of the notice if it started on ``start`` (``notice_workdays`` working
    days after it, on the official calendar; a year with no data falls back to Mon–Fri)."""
    return add_workdays_result(start=start, n=selection.notice_workdays)


@transaction.atomic
def star_selection_publish(
    *,
    access: Access,
    selection: StarSelection,
    start: date | None = None,
    request: HttpRequest | None = None,
) -> StarSelection:
    """Publish the draft list for the public notice (公示) from ``start`` (today)."""
    _require_admin(access, selection.hospital_id)
    locked = _locked(selection)
    if locked.status == StarStatus.CONFIRMED:
        raise ValidationError(FROZEN)
    if locked.status == StarStatus.NOTICE:
        raise ValidationError(f"名单已于{_cn_date(locked.notice_start)}公示，不能重复发布")  # type: ignore[arg-type]
    start = start or today()
    q_start, _ = quarter_bounds(locked.year, locked.quarter)
    if start < q_start:
        raise ValidationError({"start": "公示开始日期不能早于评选季度开始"})
    stars = list(QuarterStar.objects.filter(selection=locked).select_related("person"))
    if not stars:
        raise ValidationError("草拟名单为空，不能公示；请先生成名单或放宽评选条件")
    gone = [
        s.person.name
        for s in stars
        if s.person.status != PersonStatus.ACTIVE
        or s.person.political_status not in MEMBER_STATUSES
        or s.person.hospital_id != locked.hospital_id
    ]
    if gone:
        raise ValidationError(
            f"{'、'.join(gone)}已不是本院在册党员，请移出名单或重新生成名单后再公示"
        )
    result = star_notice_period(selection=locked, start=start)
    locked.status = StarStatus.NOTICE
    locked.notice_start = start
    locked.notice_end = result.value
    locked.notice_fallback = result.notice[:100]
    locked.save(update_fields=["status", "notice_start", "notice_end", "notice_fallback"])
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=locked,
        step="publish",
        notice_start=str(start),
        notice_end=str(result.value),
        fallback=result.notice,
        stars=len(stars),
    )
    selection.refresh_from_db()
    return locked


@transaction.atomic
def star_selection_confirm(
    *, access: Access, selection: StarSelection, request: HttpRequest | None = None
) -> StarSelection:
    """Confirm the list once the notice period is over (the day after ``notice_end``)."""
    _require_admin(access, selection.hospital_id)
    locked = _locked(selection)
    if locked.status == StarStatus.CONFIRMED:
        raise ValidationError(FROZEN)
    if locked.status != StarStatus.NOTICE or locked.notice_end is None:
        raise ValidationError("名单尚未公示，公示期满后方可确认")
    if today() <= locked.notice_end:
        raise ValidationError(
            f"公示期至{_cn_date(locked.notice_end)}，"
            f"期满后（{_cn_date(locked.notice_end + timedelta(days=1))}起）方可确认"
        )
    locked.status = StarStatus.CONFIRMED
    locked.confirmed_by_id = access.user_id
    locked.confirmed_at = timezone.now()
    locked.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=locked,
        step="confirm",
        stars=QuarterStar.objects.filter(selection=locked).count(),
    )
    selection.refresh_from_db()
    return locked


# --- reads -----------------------------------------------------------------------------------

PUBLIC_STATUSES = (StarStatus.NOTICE, StarStatus.CONFIRMED)


def star_reads_all(access: Access, hospital_id: int) -> bool:
    """Drafts and the candidates' evaluation: the city and the hospital's admins."""
    return access.reads_hospital(hospital_id)


def star_hospital_visible(access: Access, hospital_id: int) -> bool:
    return access.is_city or (hospital_id in access.own_hospital_ids)


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


# --- the announcement in Word ----------------------------------------------------------------


@dataclass(frozen=True)
class Announcement:
    content: bytes
    filename: str
    title: str


DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
TABLE_FONT = "宋体"


def announcement_title(selection: StarSelection) -> str:
    head = f"{selection.hospital.name}{selection_label(selection)}“季度之星”"
    if selection.status == StarStatus.CONFIRMED:
        return head + "名单"
    return head + "评选结果公示"


def star_announcement(
    access: Access, selection: StarSelection, *, request: HttpRequest | None = None
) -> Announcement:
    """The announcement as a .docx: title, introduction, the table 序号/姓名/支部/科室/季度积分,
    the notice period and where to object, signed by the hospital's Party committee. A draft
    (admins only) is marked 草拟稿. The export is audited."""
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    if selection.status == StarStatus.DRAFT and not star_reads_all(access, selection.hospital_id):
        raise PermissionDenied("评选名单尚未公示")
    stars = star_list(selection)
    label = selection_label(selection)
    title = announcement_title(selection)
    if selection.status == StarStatus.DRAFT:
        title += "（草拟稿）"

    def font(run: Any, name: str, size: float, bold: bool = False) -> None:
        run.font.name = name
        run.font.size = Pt(size)
        run.font.bold = bold
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)

    def para(text: str, *, align: Any = None, indent: bool = True, size: float = 16) -> None:
        p = document.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        p.paragraph_format.line_spacing = Pt(28)
        font(p.add_run(text), BODY_FONT, size)

    document = docx.Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT  # type: ignore[attr-defined]
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)  # type: ignore[attr-defined]
    document.core_properties.title = title

    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.space_after = Pt(16)
    font(heading.add_run(title), TITLE_FONT, 22)

    n = len(stars)
    if selection.status == StarStatus.CONFIRMED:
        para(
            f"根据党员积分量化管理有关规定，经季度积分排名、资格审核、公示和医院党委研究，"
            f"确定以下{n}名同志为{label}“季度之星”。希望受表彰的同志珍惜荣誉、再接再厉，"
            f"全院党员以先进为榜样，在本职岗位上发挥先锋模范作用。"
        )
    else:
        para(
            f"根据党员积分量化管理有关规定，经季度积分排名、资格审核和医院党委研究，"
            f"拟确定以下{n}名同志为{label}“季度之星”，现予以公示。"
        )

    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Cm(1.5), Cm(2.6), Cm(5.2), Cm(4.0), Cm(2.3))
    for cell, text, width in zip(
        table.rows[0].cells, ("序号", "姓名", "支部", "科室", "季度积分"), widths, strict=True
    ):
        cell.width = width
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        font(cell.paragraphs[0].add_run(text), TABLE_FONT, 12, bold=True)
    for i, star in enumerate(stars, start=1):
        values = (
            str(i),
            star.person.name,
            star.branch.name if star.branch else "",
            star.person.department.name if star.person.department else "",
            _points(star.points),
        )
        cells = table.add_row().cells
        for j, (cell, text, width) in enumerate(zip(cells, values, widths, strict=True)):
            cell.width = width
            if j in (0, 1, 4):
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            font(cell.paragraphs[0].add_run(text), TABLE_FONT, 12)

    document.add_paragraph()
    days = selection.notice_workdays
    if selection.notice_start and selection.notice_end:
        period = (
            f"公示期：{_cn_date(selection.notice_start)}至{_cn_date(selection.notice_end)}"
            f"（{days}个工作日）。"
        )
        if selection.status == StarStatus.CONFIRMED:
            period = period[:-1] + "，已期满。"
    else:
        period = f"公示期：自公示之日起{days}个工作日。"
    para(period)
    if selection.status != StarStatus.CONFIRMED:
        para(OBJECTION_LINE)

    if selection.status == StarStatus.CONFIRMED and selection.confirmed_at is not None:
        signed = timezone.localtime(selection.confirmed_at).date()
    elif selection.notice_start is not None:
        signed = selection.notice_start
    else:
        signed = today()
    document.add_paragraph()
    for text in (committee_name(selection.hospital), _cn_date(signed)):
        para(text, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)

    out = io.BytesIO()
    document.save(out)
    kind = {"draft": "草拟稿", "notice": "公示", "confirmed": "名单"}[selection.status]
    short = re.sub(r'[\\/:*?"<>|\s]+', "", selection.hospital.short_name or selection.hospital.name)
    filename = f"{short}{selection.year}年第{QUARTER_CN[selection.quarter]}季度季度之星{kind}.docx"
    audit_log(
        action=AuditAction.EXPORT,
        request=request,
        actor_id=access.user_id,
        target=selection,
        kind="star_announcement",
        count=n,
        file=filename,
    )
    return Announcement(out.getvalue(), filename, title)


__all__ = [
    "ATTENDANCE_PROXY_NOTE",
    "DOCX_CONTENT_TYPE",
    "OBJECTION_LINE",
    "Announcement",
    "Candidate",
    "StarEvaluation",
    "announcement_title",
    "committee_name",
    "hospital_stars",
    "last_finished_quarter",
    "person_stars",
    "quarter_bounds",
    "quarter_label",
    "selection_label",
    "star_announcement",
    "star_evaluate",
    "star_hospital_visible",
    "star_list",
    "star_notice_period",
    "star_reads_all",
    "star_selection_confirm",
    "star_selection_create",
    "star_selection_draft",
    "star_selection_get",
    "star_selection_list",
    "star_selection_publish",
    "star_selection_remove",
    "star_selection_revise",
]
