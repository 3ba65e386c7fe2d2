"""Reads on 发展党员: the dates of a development, the board, one development.
Reads. Every function takes the acting ``Access``; out-of-scope objects are a 404."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from hongfan.core.access import Access, get_scoped
from hongfan.core.dates import today
from hongfan.org.choices import (
    MEMBER_STATUSES,
    DevelopmentStage,
    DevelopmentStatus,
    DevelopmentStepKind,
    PersonStatus,
    PoliticalStatus,
)
from hongfan.org.documents import NOTICE_WORKDAYS, PaperData
from hongfan.org.models import (
    Branch,
    Development,
    DevelopmentDocument,
    DevelopmentStep,
    DevelopmentStepRule,
    Hospital,
    Person,
)
from hongfan.org.rules import (
    STEP_FIELDS,
    DevDates,
    NextStep,
    StepPlan,
    StepRule,
    default_step_rules,
    development_next_step,
    step_plan,
)
from hongfan.org.selectors.people import person_qs
from hongfan.org.selectors.structure import branch_options, org_rule_for
from hongfan.workdays.selectors import add_workdays

SOON_DAYS = 14  # a step due within this many days is on the to-do list


def dev_dates(dev: Development) -> DevDates:
    return DevDates(
        applied_on=dev.applied_on,
        talked_on=dev.talked_on,
        activist_on=dev.activist_on,
        candidate_on=dev.candidate_on,
        reviewed_on=dev.reviewed_on,
        probation_on=dev.probation_on,
        full_on=dev.full_on,
        training_hours=dev.training_hours,
        extension_months=dev.extension_months,
    )


# --- the steps ------------------------------------------------------------------------------


def step_rules_for(authority_id: int, day: date | None = None) -> list[StepRule]:
    """The steps of 发展党员 in force on ``day`` in a city: the defaults (with the numbers of
    its ``OrgRule``), each replaced by the city's own version of that step where it saved
    one (one query for the steps, one for the numbers)."""
    day = day or today()
    defaults = {r.kind: r for r in default_step_rules(org_rule_for(authority_id, day))}
    saved = DevelopmentStepRule.objects.filter(authority_id=authority_id).in_force_by(day, "kind")
    for kind, row in saved.items():
        defaults[kind] = StepRule(
            kind=row.kind,
            label=row.label,
            stage=row.stage,
            order=row.order,
            after=row.after,
            earliest_amount=row.earliest_amount,
            earliest_unit=row.earliest_unit,
            latest_amount=row.latest_amount,
            latest_unit=row.latest_unit,
            counts_extension=row.counts_extension,
            repeat_months=row.repeat_months,
            repeat_until=row.repeat_until,
            needs_document=row.needs_document,
            paper=row.paper,
            active=row.active,
        )
    return sorted(defaults.values(), key=lambda r: r.order)


class _Workdays:
    """``add_workdays`` remembered for one read (a board asks the same 公示 period often)."""

    def __init__(self) -> None:
        self.seen: dict[tuple[date, int], date] = {}

    def __call__(self, start: date, n: int) -> date:
        if (start, n) not in self.seen:
            self.seen[(start, n)] = add_workdays(start=start, n=n)
        return self.seen[(start, n)]


def plan_of(
    dev: Development,
    steps: list[DevelopmentStep],
    rules: list[StepRule],
    *,
    day: date,
    workdays: _Workdays | None = None,
) -> list[StepPlan]:
    done: dict[str, list[date]] = defaultdict(list)
    for s in steps:
        done[s.kind].append(s.done_on)
    return _plan_done(dev, done, rules, day=day, workdays=workdays)


def _plan_done(
    dev: Development,
    done: dict[str, list[date]],
    rules: list[StepRule],
    *,
    day: date,
    workdays: _Workdays | None = None,
) -> list[StepPlan]:
    """``plan_of`` from the days each step was done (``done`` is filled in here)."""
    # The stage dates of the development count as their steps where no record says more
    # (records made before steps existed, or by an import).
    for kind, name in STEP_FIELDS.items():
        value = getattr(dev, name)
        if value is not None and kind not in done:
            done[kind].append(value)
    return step_plan(
        rules,
        done,
        stage=dev.stage,
        extension_months=dev.extension_months,
        today=day,
        add_workdays=workdays or _Workdays(),
        soon_days=SOON_DAYS,
    )


@dataclass
class StepRow:
    """A step on the development page: its plan and the records of it (with documents)."""

    plan: StepPlan
    records: list[DevelopmentStep]

    SHOWN = 2  # of a repeating step, the latest records shown; the older ones fold away

    @property
    def recent(self) -> list[DevelopmentStep]:
        return self.records[-self.SHOWN :]

    @property
    def older(self) -> list[DevelopmentStep]:
        return self.records[: -self.SHOWN]


@dataclass
class DevelopmentSteps:
    development: Development
    rows: list[StepRow]
    late: int  # steps recorded late
    overdue: list[StepPlan]
    next: StepPlan | None  # the first step to do now (overdue first, then by due date)
    rules: list[str] = field(default_factory=list)  # the time limits in force, in words


def rule_lines(rules: list[StepRule]) -> list[str]:
    """The time limits of the steps in force, in words ("党组织派人谈话：递交入党申请书后
    30天内")."""
    labels = {r.kind: r.label for r in rules}
    out = []
    for r in rules:
        if not r.active:
            continue
        anchor = labels.get(r.after, "")
        parts = []
        if r.earliest_amount:
            parts.append(f"{r.earliest_text(anchor)}方可办理")
        if r.repeats:
            parts.append(r.latest_text())
        elif r.latest_amount is not None:
            start = "满期后" if r.earliest_amount else f"{anchor}后"
            parts.append(f"{start}{r.latest_text()}办理")
        if r.counts_extension:
            parts.append("延长预备期的顺延")
        if parts:
            out.append(f"{r.label}：" + "，".join(parts))
    return out


def _next_step(plans: list[StepPlan]) -> StepPlan | None:
    """The step to do now: an open step overdue or due within a fortnight (the nearest
    deadline first), else the first milestone still to do (a step that is not repeated),
    else the nearest deadline of a repeating step."""
    dated = [p for p in plans if p.open and p.latest is not None and p.state != "waiting"]
    pressing = [p for p in dated if p.overdue or p.soon]
    if pressing:
        return min(pressing, key=lambda p: p.latest or date.max)
    milestones = [p for p in plans if p.state in ("due", "waiting") and not p.rule.repeats]
    if milestones:
        return milestones[0]
    return min(dated, key=lambda p: p.latest or date.max) if dated else None


def development_steps(*, access: Access, development: Development) -> DevelopmentSteps:
    """The steps of one development (already read through ``development_get``), in order,
    each with its records, their documents and who recorded them."""
    day = today()
    records = list(
        DevelopmentStep.objects.filter(development=development)
        .select_related("recorded_by")
        .prefetch_related("documents")
        .order_by("done_on", "pk")
    )
    rules = step_rules_for(development.hospital.authority_id, day)
    plans = plan_of(development, records, rules, day=day)
    by_kind: dict[str, list[DevelopmentStep]] = defaultdict(list)
    for r in records:
        by_kind[r.kind].append(r)
    rows = [StepRow(p, by_kind.get(p.rule.kind, [])) for p in plans]
    return DevelopmentSteps(
        development,
        rows,
        late=sum(1 for r in records if r.late),
        overdue=[p for p in plans if p.overdue],
        next=_next_step(plans),
        rules=rule_lines(rules),
    )


def development_document_get(*, access: Access, pk: int) -> DevelopmentDocument:
    """A step's document, under its development's rules (the secretary of its branch, the
    hospital's admin, the city)."""
    return get_scoped(
        DevelopmentDocument.objects.select_related("step__development"),
        pk,
        access,
        noun="材料",
        may=lambda d: (
            access.is_city
            or access.manages_branch(d.step.development.branch_id, d.step.development.hospital_id)
        ),
        hospital_of=lambda d: d.step.development.hospital_id,
    )


# --- the board ------------------------------------------------------------------------------


@dataclass
class BoardRow:
    development: Development
    next_step: NextStep | None
    step: StepPlan | None = None  # the step to do now
    late: int = 0  # steps recorded late
    overdue: list[StepPlan] = field(default_factory=list)


@dataclass
class DevelopmentBoard:
    columns: list[tuple[str, str, list[BoardRow]]]
    overdue: list[BoardRow]
    total: int


def development_board(
    *, access: Access, hospital: Hospital, branch: Branch | None = None
) -> DevelopmentBoard:
    if branch is None and not (access.is_city or access.administers_hospital(hospital.pk)):
        raise PermissionDenied("没有权限查看全院发展党员看板")
    day = today()
    rule = org_rule_for(hospital.authority_id, day)
    rules = step_rules_for(hospital.authority_id, day)
    qs = Development.objects.filter(hospital=hospital, status=DevelopmentStatus.ACTIVE)
    if branch is not None:
        qs = qs.filter(branch=branch)
    devs = list(qs.select_related("person", "branch").order_by("applied_on", "pk"))
    steps: dict[int, list[DevelopmentStep]] = defaultdict(list)
    for s in DevelopmentStep.objects.filter(development__in=qs).order_by("done_on", "pk"):
        steps[s.development_id].append(s)
    workdays = _Workdays()
    by_stage: dict[str, list[BoardRow]] = defaultdict(list)
    overdue = []
    for dev in devs:
        plans = plan_of(dev, steps.get(dev.pk, []), rules, day=day, workdays=workdays)
        row = BoardRow(
            dev,
            development_next_step(dev_dates(dev), rule=rule, today=day),
            step=_next_step(plans),
            late=sum(1 for s in steps.get(dev.pk, []) if s.late),
            overdue=[p for p in plans if p.overdue],
        )
        by_stage[dev.stage].append(row)
        if row.overdue:
            overdue.append(row)
    columns = [
        (stage.value, stage.label, by_stage.get(stage.value, []))
        for stage in DevelopmentStage
        if stage != DevelopmentStage.FULL
    ]
    return DevelopmentBoard(columns, overdue, len(devs))


@dataclass(frozen=True)
class DueStep:
    development: Development
    plan: StepPlan


def development_steps_due(
    *, access: Access, day: date, within: int = SOON_DAYS, hospital_id: int | None = None
) -> list[DueStep]:
    """The open steps with a deadline within ``within`` days of ``day`` or past it, of the
    developments ``access`` manages (a secretary's branches, an admin's hospital; the
    city's every hospital), most pressing first. ``hospital_id`` narrows to one hospital."""
    qs = Development.objects.filter(status=DevelopmentStatus.ACTIVE)
    if not access.is_city:
        qs = qs.filter(Q(hospital_id__in=access.hospital_ids) | Q(branch_id__in=access.branch_ids))
    if hospital_id is not None:
        qs = qs.filter(hospital_id=hospital_id)
    # Only what the plans, the to-do list and the reminders read (not the applicant's
    # personal data, nor whole step rows: the days each step was done are enough).
    devs = list(
        qs.select_related("person", "branch", "hospital")
        .only(
            "hospital_id",
            "branch_id",
            "person_id",
            "stage",
            "extension_months",
            *STEP_FIELDS.values(),
            "person__name",
            "branch__name",
            "hospital__authority_id",
        )
        .order_by("pk")
    )
    done: dict[int, dict[str, list[date]]] = defaultdict(lambda: defaultdict(list))
    for dev_id, kind, done_on in (
        DevelopmentStep.objects.filter(development__in=qs)
        .order_by("done_on", "pk")
        .values_list("development_id", "kind", "done_on")
    ):
        done[dev_id][kind].append(done_on)
    rules_by_city: dict[int, list[StepRule]] = {}
    workdays = _Workdays()
    out: list[DueStep] = []
    for dev in devs:
        city = dev.hospital.authority_id
        if city not in rules_by_city:
            rules_by_city[city] = step_rules_for(city, day)
        for p in _plan_done(dev, done[dev.pk], rules_by_city[city], day=day, workdays=workdays):
            if p.open and p.latest is not None and (p.latest - day).days <= within:
                if p.state == "waiting":
                    continue
                out.append(DueStep(dev, p))
    return sorted(out, key=lambda d: (d.plan.latest or date.max, d.development.pk))


def introducer_options(*, access: Access, development: Development) -> QuerySet[Person]:
    """Who may be a 入党介绍人: the full members (正式党员) of the development's hospital
    still working there, not the applicant."""
    return (
        Person.objects.filter(
            hospital_id=development.hospital_id,
            political_status=PoliticalStatus.MEMBER,
            status=PersonStatus.ACTIVE,
        )
        .exclude(pk=development.person_id)
        .order_by("name")
    )


def development_get(*, access: Access, pk: int) -> Development:
    return get_scoped(
        Development.objects.select_related("person", "branch", "hospital"),
        pk,
        access,
        noun="发展记录",
        may=lambda d: access.is_city or access.manages_branch(d.branch_id, d.hospital_id),
    )


def development_list(*, access: Access) -> QuerySet[Development]:
    """The active developments ``access`` manages, oldest application first (the API's list)."""
    if not (access.is_city or access.hospital_ids or access.branch_ids):
        raise PermissionDenied("没有权限查看发展党员")
    qs = Development.objects.filter(status=DevelopmentStatus.ACTIVE).select_related("person")
    if not access.is_city:
        qs = qs.filter(Q(hospital_id__in=access.hospital_ids) | Q(branch_id__in=access.branch_ids))
    return qs.order_by("applied_on", "pk")


def applicant_options(*, access: Access, hospital: Hospital) -> QuerySet[Person]:
    """Who may be registered as an applicant: the hospital's active non-members without a
    development record — a secretary's, only those in the departments their branches cover."""
    people = person_qs(access=access).filter(
        hospital=hospital, status=PersonStatus.ACTIVE, development__isnull=True
    )
    if not access.administers_hospital(hospital.pk):
        branches = branch_options(access, hospital.pk)
        people = people.filter(department__branches__in=branches).distinct()
    return people.exclude(political_status__in=MEMBER_STATUSES).order_by("name")


def development_step_get(*, access: Access, pk: int) -> DevelopmentStep:
    """A recorded step, under its development's rules."""
    return get_scoped(
        DevelopmentStep.objects.select_related("development", "development__hospital"),
        pk,
        access,
        noun="发展步骤",
        may=lambda s: (
            access.is_city
            or access.manages_branch(s.development.branch_id, s.development.hospital_id)
        ),
        hospital_of=lambda s: s.development.hospital_id,
    )


def development_paper(*, access: Access, development: Development, paper: str) -> PaperData:
    """What a generated 文书 of one development shows (``paper`` one of the step rules'
    papers in force; a 404 otherwise): the day its step was done (or today) and, for a
    公示, its last day five working days on."""
    day = today()
    rules = step_rules_for(development.hospital.authority_id, day)
    kinds = [r.kind for r in rules if r.active and r.paper and r.paper == paper]
    if not kinds:
        raise Http404("没有这份文书")
    steps = list(
        DevelopmentStep.objects.filter(
            development=development, kind__in=[*kinds, DevelopmentStepKind.CONTACT]
        ).order_by("done_on", "pk")
    )
    posted = next((s.done_on for s in steps if s.kind in kinds), day)
    contact = next((s.note for s in steps if s.kind == DevelopmentStepKind.CONTACT), "")
    return PaperData(
        development=development,
        posted_on=posted,
        ends_on=add_workdays(start=posted, n=NOTICE_WORKDAYS),
        contact=contact,
    )


def development_step_rule_versions(
    *, access: Access, authority_id: int
) -> QuerySet[DevelopmentStepRule]:
    """The versions a city saved of its step rules, the latest first (the city admin's)."""
    if not access.is_city:
        raise PermissionDenied("发展党员步骤规则由市卫健委设定")
    return DevelopmentStepRule.objects.filter(authority_id=authority_id).order_by(
        "-effective_from", "order"
    )
