"""Reads on hospitals: the list, one hospital, its overview; and the city authority.
Reads. Every function takes the acting ``Access``; out-of-scope objects are a 404."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from hongfan.core.access import Access, get_scoped
from hongfan.core.dates import age_on, today
from hongfan.org.choices import (
    BranchKind,
    CultivationDirection,
    CultivationOutcome,
    DevelopmentStatus,
    PersonStatus,
    PoliticalStatus,
)
from hongfan.org.models import (
    Authority,
    Branch,
    Department,
    Development,
    DualCultivation,
    Hospital,
    Person,
)
from hongfan.org.selectors.people import ACTIVE, IS_MEMBER
from hongfan.org.selectors.structure import BranchRow, branch_rows, org_rule_for


def hospital_choices(*, access: Access) -> QuerySet[Hospital]:
    """The hospitals a page may be about, for ``core.access.hospital_for`` (which decides
    which of them ``access`` may pick)."""
    return Hospital.objects.select_related("authority")


def hospital_qs(*, access: Access) -> QuerySet[Hospital]:
    if access.is_city:
        return Hospital.objects.all()
    return Hospital.objects.filter(pk__in=access.hospital_ids)


def hospital_get(*, access: Access, pk: int) -> Hospital:
    if not (access.is_city or access.hospital_ids):
        raise PermissionDenied("没有权限查看医院概况")
    return get_scoped(
        hospital_qs(access=access).select_related("authority"),
        pk,
        access,
        noun="医院",
        business=False,
    )


def hospital_list(*, access: Access) -> list[Hospital]:
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


def hospital_overview(*, access: Access, hospital: Hospital) -> HospitalOverview:
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


def authority_for(access: Access) -> Authority | None:
    return Authority.objects.order_by("pk").first()


def member_hospital(*, access: Access) -> Hospital:
    """The acting member's own hospital."""
    assert access.person_hospital_id is not None
    return Hospital.objects.get(pk=access.person_hospital_id)


def home_heading(*, access: Access) -> str:
    """Whose home page it is, for its heading: the city, the administered hospital, the
    secretary's branch, or the member's branch (one query, none for the city)."""
    if access.is_city:
        return "全市"
    if access.hospital_ids:
        names = Hospital.objects.filter(pk__in=access.hospital_ids).order_by("pk")
        return "、".join(names.values_list("name", flat=True))
    branch_ids = access.branch_ids or (
        {access.person_branch_id} if access.person_branch_id else set()
    )
    rows = Branch.objects.filter(pk__in=branch_ids).select_related("hospital").order_by("pk")
    return "、".join(f"{b.hospital.name} {b.name}" for b in rows)


@dataclass(frozen=True)
class ScopeCounts:
    """The size of what a manager runs, for their home page: hospitals, branches, members."""

    hospitals: int
    branches: int
    members: int
    hospital_id: int | None  # the one hospital administered (for its links), else None


def scope_counts(*, access: Access) -> ScopeCounts | None:
    """For the city (every hospital) and a hospital admin (theirs): how many hospitals,
    branches and active members (two queries); None for anyone else."""
    access.require_business()
    if access.is_city:
        hospitals = Hospital.objects.all()
    elif access.hospital_ids:
        hospitals = Hospital.objects.filter(pk__in=access.hospital_ids)
    else:
        return None
    ids = list(hospitals.values_list("pk", flat=True))
    branches = Branch.objects.filter(hospital_id__in=ids, active=True, kind=BranchKind.BRANCH)
    members = Person.objects.filter(ACTIVE, IS_MEMBER, hospital_id__in=ids)
    return ScopeCounts(
        hospitals=len(ids),
        branches=branches.count(),
        members=members.count(),
        hospital_id=ids[0] if len(ids) == 1 else None,
    )
