"""Reads. Every function takes the acting ``Access``; out-of-scope objects are a 404."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from hongfan.core.access import Access
from hongfan.core.dates import age_on, today
from hongfan.org.choices import (
    MEMBER_STATUSES,
    BranchKind,
    CultivationDirection,
    CultivationOutcome,
    DevelopmentStage,
    DevelopmentStatus,
    PersonStatus,
    PoliticalStatus,
    SeatRole,
)
from hongfan.org.models import (
    Authority,
    Branch,
    BranchCommittee,
    CommitteeSeat,
    Department,
    Development,
    DualCultivation,
    Hospital,
    OrgRule,
    PartyGroup,
    Person,
    Transfer,
)
from hongfan.org.rules import DevDates, NextStep, Warning, branch_warnings, development_next_step

ACTIVE = Q(status=PersonStatus.ACTIVE)
IS_MEMBER = Q(political_status__in=MEMBER_STATUSES)


# --- rules ---------------------------------------------------------------------------------


def org_rule_for(authority_id: int, day: date | None = None) -> OrgRule:
    """The rule version in force on ``day`` (defaults from DOMAIN.md if none is stored)."""
    day = day or today()
    rule = (
        OrgRule.objects.filter(authority_id=authority_id, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )
    return rule or OrgRule(authority_id=authority_id, effective_from=date(2000, 1, 1))


# --- hospitals -----------------------------------------------------------------------------


def hospital_qs(access: Access) -> QuerySet[Hospital]:
    if access.is_city:
        return Hospital.objects.all()
    return Hospital.objects.filter(pk__in=access.hospital_ids)


def hospital_get(access: Access, pk: int) -> Hospital:
    if not (access.is_city or access.hospital_ids):
        raise PermissionDenied("没有权限查看医院概况")
    hospital = hospital_qs(access).select_related("authority").filter(pk=pk).first()
    if hospital is None:
        raise Http404("医院不存在")
    return hospital


def _count(model: Any, field: str, flt: Q) -> Subquery:
    return Subquery(
        model.objects.filter(flt, **{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(c=Count("pk"))
        .values("c")[:1],
        output_field=IntegerField(),
    )


def hospital_list(access: Access) -> list[Hospital]:
    """Every hospital with its headline counts: one grouped pass per table, not per row."""
    if not access.is_city:
        raise PermissionDenied("只有市卫健委管理员可以查看全市医院")
    year_start = date(today().year, 1, 1)
    people = {
        r["hospital_id"]: r
        for r in Person.objects.filter(ACTIVE)
        .order_by()
        .values("hospital_id")
        .annotate(staff=Count("pk"), members=Count("pk", filter=IS_MEMBER))
    }
    branches = dict(
        Branch.objects.filter(active=True, kind=BranchKind.BRANCH)
        .order_by()
        .values_list("hospital_id")
        .annotate(c=Count("pk"))
    )
    recruited = dict(
        Development.objects.filter(probation_on__gte=year_start)
        .order_by()
        .values_list("hospital_id")
        .annotate(c=Count("pk"))
    )
    rows: list[Hospital] = list(Hospital.objects.order_by("pk"))
    for h in rows:
        counts: Any = people.get(h.pk, {})
        h.staff_count = counts.get("staff", 0)  # type: ignore[attr-defined]
        h.member_count = counts.get("members", 0)  # type: ignore[attr-defined]
        h.member_share = (  # type: ignore[attr-defined]
            h.member_count / h.staff_count * 100 if h.staff_count else 0  # type: ignore[attr-defined]
        )
        h.branch_count = branches.get(h.pk, 0)  # type: ignore[attr-defined]
        h.recruited_count = recruited.get(h.pk, 0)  # type: ignore[attr-defined]
    return rows


# --- branches ------------------------------------------------------------------------------


def _current_committee_sq(field: str) -> Subquery:
    return Subquery(
        BranchCommittee.objects.filter(branch=OuterRef("pk"))
        .order_by("-term_start")
        .values(field)[:1]
    )


def branch_qs_annotated(qs: QuerySet[Branch]) -> QuerySet[Branch]:
    """Branches with member counts and the current committee's term, one query.

    Counts are correlated subqueries rather than a join + GROUP BY: at a 5,000-staff
    hospital this halves the query time (bench/README.md)."""
    return (
        qs.annotate(
            member_count=Coalesce(_count(Person, "branch", ACTIVE & IS_MEMBER), 0),
            full_count=Coalesce(
                _count(Person, "branch", ACTIVE & Q(political_status=PoliticalStatus.MEMBER)), 0
            ),
            committee_term_end=_current_committee_sq("term_end"),
            committee_id=_current_committee_sq("pk"),
        )
        .select_related("secretary", "parent")
        .only(
            *[f.name for f in Branch._meta.concrete_fields],
            "secretary__name",
            "secretary__is_department_head",
            "secretary__is_senior_expert",
            "parent__name",
            "parent__kind",
        )
    )


@dataclass
class BranchRow:
    branch: Branch
    member_count: int
    full_count: int
    committee_term_end: date | None
    departments: list[Department]
    warnings: list[Warning]

    @property
    def department_names(self) -> str:
        return "、".join(d.name for d in self.departments)

    @property
    def secretary_is_dual_leader(self) -> bool:
        s = self.branch.secretary
        return bool(s and (s.is_department_head or s.is_senior_expert))


def branch_rows(hospital: Hospital, *, rule: OrgRule, day: date) -> list[BranchRow]:
    branches = list(
        branch_qs_annotated(Branch.objects.filter(hospital=hospital, active=True))
        .prefetch_related(Prefetch("departments", queryset=Department.objects.order_by("name")))
        .order_by("pk")
    )
    rows = []
    for b in branches:
        rows.append(
            BranchRow(
                branch=b,
                member_count=b.member_count,  # type: ignore[attr-defined]
                full_count=b.full_count,  # type: ignore[attr-defined]
                committee_term_end=b.committee_term_end,  # type: ignore[attr-defined]
                departments=list(b.departments.all()),
                warnings=branch_warnings(
                    rule=rule,
                    today=day,
                    is_general_branch=b.kind == BranchKind.GENERAL_BRANCH,
                    full_count=b.full_count,  # type: ignore[attr-defined]
                    member_count=b.member_count,  # type: ignore[attr-defined]
                    has_committee=b.committee_id is not None,  # type: ignore[attr-defined]
                    term_end=b.committee_term_end,  # type: ignore[attr-defined]
                ),
            )
        )
    return rows


def branch_get(access: Access, pk: int) -> Branch:
    access.require_business()
    branch = (
        Branch.objects.select_related("hospital", "hospital__authority", "secretary", "parent")
        .filter(pk=pk)
        .first()
    )
    if branch is None or not access.reads_branch(branch.pk, branch.hospital_id):
        if branch is not None and branch.hospital_id in access.own_hospital_ids:
            raise PermissionDenied("只能查看本支部")
        raise Http404("支部不存在")
    return branch


def department_get(access: Access, pk: int) -> Department:
    """A department for the hospital's readers (city, its admins); 403 inside one's own
    hospital, 404 elsewhere."""
    access.require_business()
    dept = Department.objects.select_related("hospital").filter(pk=pk).first()
    if dept is None or not access.reads_hospital(dept.hospital_id):
        if dept is not None and dept.hospital_id in access.own_hospital_ids:
            raise PermissionDenied("科室设置由医院党委管理")
        raise Http404("科室不存在")
    return dept


def branch_options(access: Access, hospital_id: int) -> QuerySet[Branch]:
    qs = Branch.objects.filter(hospital_id=hospital_id, active=True)
    if not (access.is_city or access.administers_hospital(hospital_id)):
        qs = qs.filter(pk__in=access.branch_ids)
    return qs.order_by("pk")


@dataclass
class BranchDetail:
    branch: Branch
    rule: OrgRule
    committee: BranchCommittee | None
    seats: list[CommitteeSeat]
    members: list[Person]
    groups: list[PartyGroup]
    departments: list[Department]
    children: list[Branch]
    warnings: list[Warning]
    full_count: int
    probationary_count: int
    pipeline: dict[str, int]
    transfers_in_year: int

    @property
    def pipeline_total(self) -> int:
        return sum(self.pipeline.values())


def branch_detail(access: Access, branch: Branch) -> BranchDetail:
    rule = org_rule_for(branch.hospital.authority_id)
    day = today()
    committee = BranchCommittee.objects.filter(branch=branch).order_by("-term_start").first()
    seat_order = {role: i for i, role in enumerate(SeatRole.values)}
    seats = sorted(
        CommitteeSeat.objects.filter(committee=committee).select_related("person")
        if committee
        else [],
        key=lambda s: (seat_order.get(s.role, 99), s.pk),
    )
    members = list(
        Person.objects.filter(ACTIVE & IS_MEMBER, branch=branch)
        .select_related("department", "party_group")
        .order_by("party_group_id", "name", "pk")
    )
    groups = list(PartyGroup.objects.filter(branch=branch).select_related("leader").order_by("pk"))
    departments = list(branch.departments.order_by("name"))
    children = list(Branch.objects.filter(parent=branch, active=True).order_by("pk"))
    full = sum(1 for m in members if m.political_status == PoliticalStatus.MEMBER)
    prob = len(members) - full
    pipeline = Counter(
        Development.objects.filter(branch=branch, status=DevelopmentStatus.ACTIVE).values_list(
            "stage", flat=True
        )
    )
    transfers = Transfer.objects.filter(
        Q(to_branch=branch) | Q(from_branch=branch), transferred_on__year=day.year
    ).count()
    warnings = branch_warnings(
        rule=rule,
        today=day,
        is_general_branch=branch.kind == BranchKind.GENERAL_BRANCH,
        full_count=full,
        member_count=len(members),
        has_committee=committee is not None,
        term_end=committee.term_end if committee else None,
    )
    return BranchDetail(
        branch,
        rule,
        committee,
        seats,
        members,
        groups,
        departments,
        children,
        warnings,
        full,
        prob,
        dict(pipeline),
        transfers,
    )


# --- hospital overview --------------------------------------------------------------------


@dataclass
class HospitalOverview:
    hospital: Hospital
    staff_count: int
    member_count: int
    full_count: int
    probationary_count: int
    branch_count: int
    general_branch_count: int
    department_count: int
    covered_department_count: int
    uncovered_departments: list[Department]
    secretary_count: int
    dual_leader_count: int
    recruited_this_year: int
    branch_rows: list[BranchRow]
    pipeline: dict[str, int]
    age_bands: dict[str, int]
    education: dict[str, int]
    cultivation: dict[str, dict[str, int]]

    @property
    def member_share(self) -> float:
        return self.member_count / self.staff_count * 100 if self.staff_count else 0.0

    @property
    def coverage(self) -> float:
        if not self.department_count:
            return 0.0
        return self.covered_department_count / self.department_count * 100

    @property
    def dual_leader_share(self) -> float:
        return self.dual_leader_count / self.secretary_count * 100 if self.secretary_count else 0.0

    @property
    def warning_count(self) -> int:
        return sum(len(r.warnings) for r in self.branch_rows) + len(self.uncovered_departments)


AGE_BANDS = (
    (0, 30, "30岁以下"),
    (30, 40, "30—39岁"),
    (40, 50, "40—49岁"),
    (50, 60, "50—59岁"),
    (60, 200, "60岁及以上"),
)


def hospital_overview(access: Access, hospital: Hospital) -> HospitalOverview:
    day = today()
    rule = org_rule_for(hospital.authority_id, day)
    people = Person.objects.filter(hospital=hospital, status=PersonStatus.ACTIVE)
    counts = people.aggregate(
        staff=Count("pk"),
        members=Count("pk", filter=IS_MEMBER),
        full=Count("pk", filter=Q(political_status=PoliticalStatus.MEMBER)),
    )
    rows = branch_rows(hospital, rule=rule, day=day)
    departments = list(
        Department.objects.filter(hospital=hospital, active=True)
        .annotate(
            covered=Exists(
                Branch.departments.through.objects.filter(
                    department_id=OuterRef("pk"), branch__active=True
                )
            )
        )
        .order_by("kind", "name")
    )
    uncovered: list[Department] = [d for d in departments if not d.covered]  # type: ignore[attr-defined]
    leaf_rows = [r for r in rows if r.branch.kind == BranchKind.BRANCH]
    secretaries = [r for r in leaf_rows if r.branch.secretary_id]
    recruited = Development.objects.filter(hospital=hospital, probation_on__year=day.year).count()
    pipeline = dict(
        Development.objects.filter(hospital=hospital, status=DevelopmentStatus.ACTIVE)
        .order_by()
        .values_list("stage")
        .annotate(c=Count("pk"))
    )
    member_births = people.filter(IS_MEMBER).values_list("birth_date", "education")
    bands: dict[str, int] = {label: 0 for _, _, label in AGE_BANDS}
    edu: Counter[str] = Counter()
    from hongfan.org.choices import Education

    edu_labels = dict(Education.choices)
    for birth, education in member_births:
        age = age_on(birth, day)
        for lo, hi, label in AGE_BANDS:
            if lo <= age < hi:
                bands[label] += 1
                break
        edu[edu_labels.get(education, "未填写")] += 1
    cult: dict[str, dict[str, int]] = {
        d.value: {o.value: 0 for o in CultivationOutcome} for d in CultivationDirection
    }
    for direction, outcome, c in (
        DualCultivation.objects.filter(hospital=hospital)
        .order_by()
        .values_list("direction", "outcome")
        .annotate(c=Count("pk"))
    ):
        cult[direction][outcome] = c
    return HospitalOverview(
        hospital=hospital,
        staff_count=counts["staff"],
        member_count=counts["members"],
        full_count=counts["full"],
        probationary_count=counts["members"] - counts["full"],
        branch_count=len(leaf_rows),
        general_branch_count=len(rows) - len(leaf_rows),
        department_count=len(departments),
        covered_department_count=len(departments) - len(uncovered),
        uncovered_departments=list(uncovered),
        secretary_count=len(secretaries),
        dual_leader_count=sum(1 for r in secretaries if r.secretary_is_dual_leader),
        recruited_this_year=recruited,
        branch_rows=rows,
        pipeline=pipeline,
        age_bands=bands,
        education=dict(edu),
        cultivation=dict(cult),
    )


# --- people --------------------------------------------------------------------------------


def person_qs(access: Access) -> QuerySet[Person]:
    if access.is_city:
        return Person.objects.all()
    q = Q(pk__in=[])
    if access.hospital_ids:
        q |= Q(hospital_id__in=access.hospital_ids)
    if access.branch_ids:
        # A secretary's people: the branch's members, anyone in the branch's development
        # pipeline, and staff with no branch who work in a department the branch covers
        # ("支部建在科室上") — the ones who may apply to it.
        q |= (
            Q(branch_id__in=access.branch_ids)
            | Q(
                pk__in=Development.objects.filter(branch_id__in=access.branch_ids).values(
                    "person_id"
                )
            )
            | Q(
                department_id__in=Branch.departments.through.objects.filter(
                    branch_id__in=access.branch_ids
                ).values("department_id"),
                branch__isnull=True,
                hospital_id__in=access.branch_hospital_ids,
            )
        )
    if access.person_id:
        q |= Q(pk=access.person_id)
    return Person.objects.filter(q)


def person_get(access: Access, pk: int) -> Person:
    access.require_business()
    person = (
        person_qs(access)
        .select_related("hospital", "department", "branch", "party_group")
        .filter(pk=pk)
        .first()
    )
    if person is None:
        if Person.objects.filter(pk=pk, hospital_id__in=access.own_hospital_ids).exists():
            raise PermissionDenied("没有权限查看此人员")
        raise Http404("人员不存在")
    return person


def person_list(
    access: Access,
    *,
    hospital: Hospital | None = None,
    branch_id: int | None = None,
    department_id: int | None = None,
    political_status: str | None = None,
    status: str | None = PersonStatus.ACTIVE,
    q: str | None = None,
) -> QuerySet[Person]:
    if not (access.is_city or access.hospital_ids or access.branch_ids):
        raise PermissionDenied("没有权限查看人员名册")
    qs = person_qs(access).select_related("department", "branch", "hospital")
    if hospital is not None:
        qs = qs.filter(hospital=hospital)
    if branch_id:
        qs = qs.filter(branch_id=branch_id)
    if department_id:
        qs = qs.filter(department_id=department_id)
    if political_status == "members":
        qs = qs.filter(IS_MEMBER)
    elif political_status:
        qs = qs.filter(political_status=political_status)
    if status:
        qs = qs.filter(status=status)
    if q:
        q = q.strip()
        from hongfan.core.pii import keyed_hash

        qs = qs.filter(
            Q(name__contains=q)
            | Q(id_number_hash=keyed_hash(q.upper()))
            | Q(mobile_hash=keyed_hash(q))
        )
    return qs.order_by("name", "pk")


def person_history(person: Person) -> list[Transfer]:
    return list(
        Transfer.objects.filter(person=person)
        .select_related("from_branch", "to_branch", "actor")
        .order_by("-transferred_on", "-pk")
    )


# --- development ---------------------------------------------------------------------------


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


@dataclass
class BoardRow:
    development: Development
    next_step: NextStep | None


@dataclass
class DevelopmentBoard:
    columns: list[tuple[str, str, list[BoardRow]]]
    overdue: list[BoardRow]
    total: int


def development_board(
    access: Access, hospital: Hospital, branch: Branch | None = None
) -> DevelopmentBoard:
    if branch is None and not (access.is_city or access.administers_hospital(hospital.pk)):
        raise PermissionDenied("没有权限查看全院发展党员看板")
    day = today()
    rule = org_rule_for(hospital.authority_id, day)
    qs = Development.objects.filter(hospital=hospital, status=DevelopmentStatus.ACTIVE)
    if branch is not None:
        qs = qs.filter(branch=branch)
    devs = list(qs.select_related("person", "branch").order_by("applied_on", "pk"))
    by_stage: dict[str, list[BoardRow]] = defaultdict(list)
    overdue = []
    for dev in devs:
        row = BoardRow(dev, development_next_step(dev_dates(dev), rule=rule, today=day))
        by_stage[dev.stage].append(row)
        if row.next_step and row.next_step.overdue:
            overdue.append(row)
    columns = [
        (stage.value, stage.label, by_stage.get(stage.value, []))
        for stage in DevelopmentStage
        if stage != DevelopmentStage.FULL
    ]
    return DevelopmentBoard(columns, overdue, len(devs))


def development_get(access: Access, pk: int) -> Development:
    access.require_business()
    dev = Development.objects.select_related("person", "branch", "hospital").filter(pk=pk).first()
    if dev is None or not (access.is_city or access.manages_branch(dev.branch_id, dev.hospital_id)):
        if dev is not None and dev.hospital_id in access.own_hospital_ids:
            raise PermissionDenied("没有权限查看此发展记录")
        raise Http404("发展记录不存在")
    return dev


# --- 双培养 ---------------------------------------------------------------------------------


def cultivation_get(access: Access, pk: int) -> DualCultivation:
    """One 双培养 row for the hospital's readers (city, its admins); 403 inside one's own
    hospital, 404 elsewhere."""
    access.require_business()
    row = DualCultivation.objects.select_related("person", "hospital").filter(pk=pk).first()
    if row is None or not access.reads_hospital(row.hospital_id):
        if row is not None and row.hospital_id in access.own_hospital_ids:
            raise PermissionDenied("双培养由医院党委登记")
        raise Http404("记录不存在")
    return row


def cultivation_list(access: Access, hospital: Hospital) -> list[DualCultivation]:
    if not (access.is_city or access.administers_hospital(hospital.pk)):
        raise PermissionDenied("没有权限查看双培养台账")
    return list(
        DualCultivation.objects.filter(hospital=hospital)
        .select_related("person", "person__department", "mentor")
        .order_by("direction", "-started_on", "pk")
    )


def cultivation_summary(rows: list[DualCultivation]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {
        d.value: {o.value: 0 for o in CultivationOutcome} for d in CultivationDirection
    }
    for r in rows:
        out[r.direction][r.outcome] += 1
    return out


def authority_for(access: Access) -> Authority | None:
    return Authority.objects.order_by("pk").first()
