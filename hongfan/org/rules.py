"""Pure rule checks, fed with the numbers of the OrgRule version in force.

Nothing here touches the database, so the same checks serve forms, imports and the API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from hongfan.core.dates import add_months, age_on
from hongfan.org.choices import (
    DevelopmentPaper,
    DevelopmentStage,
    DevelopmentStepKind,
    DueUnit,
)


class RuleNumbers(Protocol):
    min_full_members: int
    committee_threshold: int
    split_threshold: int
    term_warning_days: int
    dev_min_age: int
    dev_talk_within_days: int
    dev_activist_min_months: int
    dev_training_min_hours: int
    dev_probation_months: int
    dev_extension_min_months: int
    dev_extension_max_months: int
    dev_conversion_grace_days: int


@dataclass(frozen=True)
class Warning:
    code: str
    level: str  # "danger" | "warning" | "info"
    text: str


def branch_warnings(
    *,
    rule: RuleNumbers,
    today: date,
    is_general_branch: bool,
    full_count: int,
    member_count: int,
    has_committee: bool,
    term_end: date | None,
) -> list[Warning]:
    out: list[Warning] = []
    if not is_general_branch and full_count < rule.min_full_members:
        out.append(
            Warning(
                "too_few_full", "danger", f"正式党员仅{full_count}人，不足{rule.min_full_members}人"
            )
        )
    if full_count >= rule.committee_threshold and not has_committee:
        out.append(
            Warning(
                "needs_committee",
                "danger",
                f"正式党员{full_count}人（≥{rule.committee_threshold}人），应设立支部委员会",
            )
        )
    if member_count > rule.split_threshold:
        out.append(
            Warning(
                "too_many",
                "warning",
                f"党员{member_count}人，超过{rule.split_threshold}人，宜考虑拆分支部",
            )
        )
    if has_committee and term_end is not None:
        if term_end < today:
            out.append(
                Warning(
                    "term_expired",
                    "danger",
                    f"支委会任期已于{term_end:%Y年%m月%d日}届满，应按期换届",
                )
            )
        elif term_end <= today + timedelta(days=rule.term_warning_days):
            days = (term_end - today).days
            out.append(
                Warning(
                    "term_ending",
                    "warning",
                    f"支委会任期将于{term_end:%Y年%m月%d日}届满（还有{days}天），请准备换届",
                )
            )
    return out


# --- 发展党员 -----------------------------------------------------------------------------

DEV_DATE_FIELDS = (
    "applied_on",
    "talked_on",
    "activist_on",
    "candidate_on",
    "reviewed_on",
    "probation_on",
    "full_on",
)


@dataclass
class DevDates:
    applied_on: date
    talked_on: date | None = None
    activist_on: date | None = None
    candidate_on: date | None = None
    reviewed_on: date | None = None
    probation_on: date | None = None
    full_on: date | None = None
    training_hours: int = 0
    extension_months: int = 0


def development_errors(  # noqa: C901
    dates: DevDates,
    *,
    birth_date: date,
    rule: RuleNumbers,
    today: date,
    previous_extension: int = 0,
) -> dict[str, str]:
    """Return {field: Chinese message naming the broken rule}. Empty when all is well."""
    e: dict[str, str] = {}
    d = dates
    for name in DEV_DATE_FIELDS:
        value = getattr(d, name)
        if value is not None and value > today:
            e[name] = "日期不能晚于今天"
    if "applied_on" not in e:
        age = age_on(birth_date, d.applied_on)
        if age < rule.dev_min_age:
            e["applied_on"] = f"申请入党须年满{rule.dev_min_age}周岁（递交申请时仅{age}周岁）"

    def need(field: str, before: str, label: str) -> bool:
        if getattr(d, field) is not None and getattr(d, before) is None:
            e.setdefault(field, f"须先填写“{label}”")
            return False
        return getattr(d, field) is not None

    if d.talked_on is not None:
        if d.talked_on < d.applied_on:
            e.setdefault("talked_on", "谈话日期不能早于递交入党申请书的日期")
        elif d.talked_on > d.applied_on + timedelta(days=rule.dev_talk_within_days):
            e.setdefault(
                "talked_on",
                f"党组织应在收到入党申请书后{rule.dev_talk_within_days}天"
                f"（1个月）内派人谈话，最迟{d.applied_on + timedelta(days=rule.dev_talk_within_days):%Y-%m-%d}",
            )
    if (
        need("activist_on", "talked_on", "谈话日期")
        and d.talked_on
        and d.activist_on
        and d.activist_on < d.talked_on
    ):
        e.setdefault("activist_on", "确定入党积极分子须在谈话之后")
    if (
        need("candidate_on", "activist_on", "确定为入党积极分子")
        and d.activist_on
        and d.candidate_on
    ):
        earliest = add_months(d.activist_on, rule.dev_activist_min_months)
        if d.candidate_on < earliest:
            e.setdefault(
                "candidate_on",
                f"入党积极分子须经{rule.dev_activist_min_months}个月以上"
                f"培养考察才能列为发展对象，最早{earliest:%Y-%m-%d}",
            )
    if need("reviewed_on", "candidate_on", "确定为发展对象") and d.candidate_on and d.reviewed_on:
        if d.reviewed_on < d.candidate_on:
            e.setdefault("reviewed_on", "政治审查应在确定为发展对象之后进行")
    if need("probation_on", "candidate_on", "确定为发展对象") and d.candidate_on and d.probation_on:
        if d.probation_on < d.candidate_on:
            e.setdefault("probation_on", "接收预备党员须在确定为发展对象之后")
        elif d.reviewed_on is None or d.reviewed_on > d.probation_on:
            e.setdefault("probation_on", "接收预备党员前须完成政治审查")
        elif d.training_hours < rule.dev_training_min_hours:
            e.setdefault(
                "probation_on",
                f"发展对象须经不少于3天（{rule.dev_training_min_hours}学时）"
                f"的集中培训，目前仅{d.training_hours}学时",
            )
    if previous_extension and d.extension_months != previous_extension:
        # An extension is decided once; it can neither be changed nor withdrawn, or the
        # probation would silently become shorter (or longer) than the branch decided.
        e.setdefault("extension_months", "预备期只能延长一次，已延长的期限不能再改")
    if d.extension_months:
        if d.probation_on is None:
            e.setdefault("extension_months", "尚未接收为预备党员，不能延长预备期")
        elif (
            not rule.dev_extension_min_months <= d.extension_months <= rule.dev_extension_max_months
        ):
            e.setdefault(
                "extension_months",
                f"延长预备期须为{rule.dev_extension_min_months}—"
                f"{rule.dev_extension_max_months}个月",
            )
    if need("full_on", "probation_on", "接收为预备党员") and d.probation_on and d.full_on:
        due = add_months(d.probation_on, rule.dev_probation_months + d.extension_months)
        if d.full_on < due:
            e.setdefault(
                "full_on",
                f"预备期为{rule.dev_probation_months}个月"
                + (f"（已延长{d.extension_months}个月）" if d.extension_months else "")
                + f"，最早于{due:%Y-%m-%d}转为正式党员",
            )
    return e


def joining_age_error(*, birth_date: date, joined_on: date, rule: RuleNumbers) -> str | None:
    """The age rule of 发展党员 (``dev_min_age``, checked when the application is handed in)
    applied to a joining date typed in or imported: nobody joins younger. None when kept."""
    age = age_on(birth_date, joined_on)
    if age < rule.dev_min_age:
        return f"入党时未满{rule.dev_min_age}周岁（按出生日期计算，入党时仅{age}周岁）"
    return None


def development_stage(d: DevDates) -> str:
    if d.full_on:
        return DevelopmentStage.FULL
    if d.probation_on:
        return DevelopmentStage.PROBATIONARY
    if d.candidate_on:
        return DevelopmentStage.CANDIDATE
    if d.activist_on:
        return DevelopmentStage.ACTIVIST
    return DevelopmentStage.APPLICANT


@dataclass(frozen=True)
class NextStep:
    label: str
    earliest: date | None
    latest: date | None
    overdue: bool
    waiting: bool  # earliest date still in the future


def development_next_step(d: DevDates, *, rule: RuleNumbers, today: date) -> NextStep | None:
    if d.full_on:
        return None

    def step(label: str, earliest: date | None, latest: date | None = None) -> NextStep:
        return NextStep(
            label,
            earliest,
            latest,
            overdue=latest is not None and today > latest,
            waiting=earliest is not None and today < earliest,
        )

    if d.probation_on:
        due = add_months(d.probation_on, rule.dev_probation_months + d.extension_months)
        return step("讨论预备党员转正", due, due + timedelta(days=rule.dev_conversion_grace_days))
    if d.candidate_on:
        if d.reviewed_on is None:
            return step("完成政治审查", d.candidate_on)
        if d.training_hours < rule.dev_training_min_hours:
            return step(
                f"完成集中培训（{d.training_hours}/{rule.dev_training_min_hours}学时）",
                d.candidate_on,
            )
        return step("支部大会讨论接收预备党员", max(d.candidate_on, d.reviewed_on))
    if d.activist_on:
        return step("确定为发展对象", add_months(d.activist_on, rule.dev_activist_min_months))
    if d.talked_on:
        return step("确定为入党积极分子", d.talked_on)
    return step("派人谈话", d.applied_on, d.applied_on + timedelta(days=rule.dev_talk_within_days))


# --- 发展党员 as steps ---------------------------------------------------------------------
#
# Each step of a development is a row of rule data (``DevelopmentStepRule``, versioned per
# city; these defaults when a city saved none). A step may be done once the step it counts
# from (``after``) and the earlier steps of its stage are done; not before ``earliest``
# (refused, naming the rule); it is due by ``latest``, counted from the earliest day (a
# step done later is recorded as late with its reason, never refused). A repeating step is
# due every ``repeat_months`` from the last time (or from its start) until ``repeat_until``.

K = DevelopmentStepKind
S = DevelopmentStage
STAGE_ORDER = [S.APPLICANT, S.ACTIVIST, S.CANDIDATE, S.PROBATIONARY, S.FULL]


@dataclass(frozen=True)
class StepRule:
    kind: str
    label: str
    stage: str  # the stage the person is in while the step is done
    order: int
    after: str = ""  # the step its dates count from ("": the application itself)
    earliest_amount: int = 0
    earliest_unit: str = DueUnit.DAYS
    latest_amount: int | None = None
    latest_unit: str = DueUnit.DAYS
    counts_extension: bool = False  # an extended probation moves its dates
    repeat_months: int = 0
    repeat_until: str = ""
    needs_document: bool = False
    paper: str = ""  # a DevelopmentPaper generated for it
    active: bool = True

    @property
    def repeats(self) -> bool:
        return self.repeat_months > 0

    @property
    def paper_label(self) -> str:
        return DevelopmentPaper(self.paper).label if self.paper else ""

    def earliest_text(self, anchor_label: str) -> str:
        return f"{anchor_label}后满{self.earliest_amount}{DueUnit(self.earliest_unit).label}"

    def latest_text(self) -> str:
        if self.repeats:
            return f"每{self.repeat_months}个月一次"
        if self.latest_amount is None:
            return ""
        return f"{self.latest_amount}{DueUnit(self.latest_unit).label}内"


# The fields of a Development each step fills, and the stage a step moves it into.
STEP_FIELDS = {
    K.APPLICATION: "applied_on",
    K.TALK: "talked_on",
    K.ACTIVIST: "activist_on",
    K.CANDIDATE: "candidate_on",
    K.REVIEW: "reviewed_on",
    K.BRANCH_MEETING: "probation_on",
    K.CONVERSION: "full_on",
}


def default_step_rules(rule: RuleNumbers) -> list[StepRule]:
    """The steps of 《中国共产党发展党员工作细则》 with the numbers of the city's ``OrgRule``:
    talk within a month of the application, a year as activist before becoming a candidate,
    公示 for 5 working days before the pre-review, probation of a year, conversion discussed
    within the grace days after it ends; 思想汇报 every quarter, 培养考察 every half year."""
    m, d, w = DueUnit.MONTHS, DueUnit.DAYS, DueUnit.WORKDAYS
    return [
        StepRule(K.APPLICATION, K.APPLICATION.label, S.APPLICANT, 1, needs_document=True),
        StepRule(
            K.TALK, K.TALK.label, S.APPLICANT, 2, K.APPLICATION,
            latest_amount=rule.dev_talk_within_days, latest_unit=d,
        ),
        StepRule(
            K.ACTIVIST, K.ACTIVIST.label, S.APPLICANT, 3, K.TALK,
            paper=DevelopmentPaper.ACTIVIST_NOTICE,
        ),
        StepRule(K.CONTACT, K.CONTACT.label, S.ACTIVIST, 4, K.ACTIVIST, latest_amount=1, latest_unit=m),
        StepRule(
            K.THOUGHT_REPORT, K.THOUGHT_REPORT.label, S.ACTIVIST, 5, K.ACTIVIST,
            repeat_months=3, repeat_until=K.CONVERSION, needs_document=True,
        ),
        StepRule(
            K.INSPECTION, K.INSPECTION.label, S.ACTIVIST, 6, K.ACTIVIST,
            repeat_months=6, repeat_until=K.CANDIDATE, needs_document=True,
        ),
        StepRule(
            K.CANDIDATE, K.CANDIDATE.label, S.ACTIVIST, 7, K.ACTIVIST,
            earliest_amount=rule.dev_activist_min_months, earliest_unit=m,
        ),
        StepRule(K.REVIEW, K.REVIEW.label, S.CANDIDATE, 8, K.CANDIDATE, needs_document=True),
        StepRule(K.TRAINING, K.TRAINING.label, S.CANDIDATE, 9, K.CANDIDATE),
        StepRule(
            K.NOTICE, K.NOTICE.label, S.CANDIDATE, 10, K.TRAINING,
            paper=DevelopmentPaper.CANDIDATE_NOTICE,
        ),
        StepRule(
            K.PRE_REVIEW, K.PRE_REVIEW.label, S.CANDIDATE, 11, K.NOTICE,
            earliest_amount=5, earliest_unit=w,
        ),
        StepRule(
            K.VOLUNTEER_FORM, K.VOLUNTEER_FORM.label, S.CANDIDATE, 12, K.PRE_REVIEW,
            needs_document=True, paper=DevelopmentPaper.VOLUNTEER_COVER,
        ),
        StepRule(K.BRANCH_MEETING, K.BRANCH_MEETING.label, S.CANDIDATE, 13, K.VOLUNTEER_FORM),
        StepRule(
            K.APPROVAL, K.APPROVAL.label, S.PROBATIONARY, 14, K.BRANCH_MEETING,
            latest_amount=3, latest_unit=m,
        ),
        StepRule(K.OATH, K.OATH.label, S.PROBATIONARY, 15, K.APPROVAL),
        StepRule(
            K.CONVERSION_APPLICATION, K.CONVERSION_APPLICATION.label, S.PROBATIONARY, 16,
            K.BRANCH_MEETING, latest_amount=rule.dev_probation_months, latest_unit=m,
            counts_extension=True, needs_document=True,
        ),
        StepRule(
            K.CONVERSION, K.CONVERSION.label, S.PROBATIONARY, 17, K.BRANCH_MEETING,
            earliest_amount=rule.dev_probation_months, earliest_unit=m,
            latest_amount=rule.dev_conversion_grace_days, latest_unit=d, counts_extension=True,
        ),
    ]  # fmt: skip


AddWorkdays = Callable[[date, int], date]


def shift(day: date, amount: int, unit: str, add_workdays: AddWorkdays) -> date:
    """``day`` moved on by ``amount`` days, working days or months."""
    if unit == DueUnit.MONTHS:
        return add_months(day, amount)
    if unit == DueUnit.WORKDAYS:
        return add_workdays(day, amount)
    return day + timedelta(days=amount)


# Step states, as shown on the page and the board.
DONE, DUE, WAITING, BLOCKED, SKIPPED = "done", "due", "waiting", "blocked", "skipped"
STATE_LABELS = {
    DONE: "已完成",
    DUE: "可办理",
    WAITING: "未到时间",
    BLOCKED: "待前序步骤",
    SKIPPED: "未登记",
}


@dataclass(frozen=True)
class StepPlan:
    """One step of one development today: what is done, and when it may and must be done."""

    rule: StepRule
    done: tuple[date, ...]  # the days it was done (several for a repeating step)
    state: str
    earliest: date | None = None
    latest: date | None = None
    blocked_by: str = ""  # the label of the step that must come first
    overdue: bool = False
    soon: bool = False  # due within ``soon_days``

    @property
    def state_label(self) -> str:
        if self.overdue:
            return "已逾期"
        return STATE_LABELS[self.state]

    @property
    def open(self) -> bool:
        """Whether it can be recorded now (a repeating step stays open until it stops; a
        step of a stage passed without its record may be filled in)."""
        return (
            self.state in (DUE, WAITING)
            or (self.rule.repeats and self.state == DONE and self.latest is not None)
            or (self.state == SKIPPED and not self.rule.repeats)
        )


def step_plan(  # noqa: C901
    rules: list[StepRule],
    done: dict[str, list[date]],
    *,
    stage: str,
    extension_months: int,
    today: date,
    add_workdays: AddWorkdays,
    soon_days: int = 14,
) -> list[StepPlan]:
    """Every active step of a development in order, with its state on ``today``. ``done``
    holds the days each step was done; ``stage`` is the development's stage now."""
    active = sorted((r for r in rules if r.active), key=lambda r: r.order)
    by_kind = {r.kind: r for r in active}
    stage_rank = STAGE_ORDER.index(S(stage)) if stage in S.values else 0
    out: list[StepPlan] = []
    for r in active:
        days = tuple(sorted(done.get(r.kind, [])))
        anchor_rule = by_kind.get(r.after) if r.after else None
        anchor_days = sorted(done.get(r.after, [])) if r.after else []
        anchor = anchor_days[0] if anchor_days else None
        stopped = bool(r.repeat_until and done.get(r.repeat_until))
        if days and not (r.repeats and not stopped):
            out.append(StepPlan(r, days, DONE))
            continue
        if r.repeats and stopped:
            out.append(StepPlan(r, days, DONE if days else SKIPPED))
            continue
        if STAGE_ORDER.index(S(r.stage)) < stage_rank and not r.repeats:
            # A step of a stage already passed, never recorded: it may be filled in (补登)
            # with its real date, never before the step it follows; it is never due.
            earliest = (
                shift(anchor, r.earliest_amount, r.earliest_unit, add_workdays) if anchor else None
            )
            out.append(StepPlan(r, days, SKIPPED, earliest))
            continue
        if r.after and anchor is None:
            label = anchor_rule.label if anchor_rule else DevelopmentStepKind(r.after).label
            out.append(StepPlan(r, days, BLOCKED, blocked_by=label))
            continue
        before = [
            o
            for o in active
            if o.stage == r.stage and o.order < r.order and not o.repeats and not done.get(o.kind)
        ]
        if before and not r.repeats:
            out.append(StepPlan(r, days, BLOCKED, blocked_by=before[0].label))
            continue
        extension = extension_months if r.counts_extension else 0
        if anchor is None:
            earliest = None
        else:
            earliest = shift(anchor, r.earliest_amount, r.earliest_unit, add_workdays)
            if extension:
                earliest = add_months(earliest, extension)
        latest: date | None = None
        if r.repeats:
            base = days[-1] if days else anchor
            latest = add_months(base, r.repeat_months) if base else None
        elif r.latest_amount is not None and earliest is not None:
            latest = shift(earliest, r.latest_amount, r.latest_unit, add_workdays)
        state = WAITING if earliest is not None and today < earliest else DUE
        if r.repeats and days:
            state = DONE
        overdue = latest is not None and today > latest
        soon = latest is not None and not overdue and (latest - today).days <= soon_days
        out.append(StepPlan(r, days, state, earliest, latest, "", overdue, soon))
    return out


@dataclass(frozen=True)
class StepCheck:
    """What recording a step on a day would mean: refused (``error``), or late (``due_on``
    passed) and then needing a reason."""

    error: str = ""
    late: bool = False
    due_on: date | None = None


def step_check(plan: StepPlan, *, done_on: date, today: date, anchor_label: str) -> StepCheck:
    """Whether ``plan``'s step may be recorded as done on ``done_on``: never in the future,
    never before its earliest day (naming the rule); after its latest day it is late."""
    r = plan.rule
    if done_on > today:
        return StepCheck(error="办理日期不能晚于今天")
    if plan.state == BLOCKED:
        return StepCheck(error=f"须先完成“{plan.blocked_by}”")
    if not plan.open and plan.state == SKIPPED:
        return StepCheck(error=f"“{r.label}”已经结束，不能再登记")
    if not plan.open:
        return StepCheck(error=f"“{r.label}”已登记，不能重复登记")
    if plan.earliest is not None and done_on < plan.earliest:
        if r.earliest_amount:
            rule_text = r.earliest_text(anchor_label)
            return StepCheck(
                error=f"按规定，“{r.label}”须在{rule_text}才能办理，最早{plan.earliest:%Y-%m-%d}"
            )
        return StepCheck(
            error=f"“{r.label}”的日期不能早于“{anchor_label}”（{plan.earliest:%Y-%m-%d}）"
        )
    if plan.done and done_on <= plan.done[-1]:
        return StepCheck(error=f"须晚于上一次“{r.label}”（{plan.done[-1]:%Y-%m-%d}）")
    late = plan.latest is not None and done_on > plan.latest
    return StepCheck(late=late, due_on=plan.latest)
