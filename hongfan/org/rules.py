"""Pure rule checks, fed with the numbers of the OrgRule version in force.

Nothing here touches the database, so the same checks serve forms, imports and the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from hongfan.core.dates import add_months, age_on
from hongfan.org.choices import DevelopmentStage


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
