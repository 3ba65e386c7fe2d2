"""Reads on the organisation's structure: the rule numbers in force, branches (rows, detail,
options) and departments.
Reads. Every function takes the acting ``Access``; out-of-scope objects are a 404."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from hongfan.core.access import Access, get_scoped
from hongfan.core.dates import today
from hongfan.org.choices import (
    BranchKind,
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
    Hospital,
    OrgRule,
    PartyGroup,
    Person,
    Transfer,
)
from hongfan.org.rules import Warning, branch_warnings
from hongfan.org.selectors.people import ACTIVE, IS_MEMBER


def org_rule_for(authority_id: int, day: date | None = None) -> OrgRule:
    """The rule version in force on ``day`` (defaults from DOMAIN.md if none is stored)."""
    day = day or today()
    rule = OrgRule.objects.filter(authority_id=authority_id).in_force_on(day)
    return rule or OrgRule(authority_id=authority_id, effective_from=date(2000, 1, 1))


def _count(model: Any, field: str, flt: Q) -> Subquery:
    return Subquery(
        model.objects.filter(flt, **{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(c=Count("pk"))
        .values("c")[:1],
        output_field=IntegerField(),
    )


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
    return get_scoped(
        Branch.objects.select_related("hospital", "hospital__authority", "secretary", "parent"),
        pk,
        access,
        noun="支部",
        may=lambda b: access.reads_branch(b.pk, b.hospital_id),
        refusal="只能查看本支部",
    )


def department_get(*, access: Access, pk: int) -> Department:
    """A department for the hospital's readers (city, its admins); 403 inside one's own
    hospital, 404 elsewhere."""
    return get_scoped(
        Department.objects.select_related("hospital"),
        pk,
        access,
        noun="科室",
        may=lambda d: access.reads_hospital(d.hospital_id),
        refusal="科室设置由医院党委管理",
    )


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


def branch_detail(*, access: Access, branch: Branch) -> BranchDetail:
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
    # The branch's health warnings are for those who run it (secretary, admins, the city),
    # not for a member reading their branch's page.
    warnings = branch_warnings(
        rule=rule,
        today=day,
        is_general_branch=branch.kind == BranchKind.GENERAL_BRANCH,
        full_count=full,
        member_count=len(members),
        has_committee=committee is not None,
        term_end=committee.term_end if committee else None,
    )
    if not (access.is_city or access.manages_branch(branch.pk, branch.hospital_id)):
        warnings = []
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


def branch_options_keeping(
    *, access: Access, branches: QuerySet[Branch], branch_id: int | None
) -> QuerySet[Branch]:
    """``branches`` plus the person's current branch (so an edit keeps it on offer)."""
    return Branch.objects.filter(Q(pk__in=branches) | Q(pk=branch_id))


def transfer_branches(*, access: Access, person: Person) -> QuerySet[Branch]:
    """The active branches of the person's hospital they may move to (not their own)."""
    return Branch.objects.filter(hospital_id=person.hospital_id, active=True).exclude(
        pk=person.branch_id or 0
    )


def department_options(*, access: Access, hospital: Hospital) -> QuerySet[Department]:
    """The hospital's active departments (a filter's choices)."""
    return Department.objects.filter(hospital=hospital, active=True).order_by("kind", "name")


def department_list(*, access: Access, hospital: Hospital) -> list[Department]:
    """Every department of the hospital with its branches, active first."""
    return list(
        Department.objects.filter(hospital=hospital)
        .prefetch_related("branches")
        .order_by("-active", "kind", "name")
    )


def committee_candidates(*, access: Access, branch: Branch) -> QuerySet[Person]:
    """Who may hold a committee seat: the branch's active full members, by name."""
    return (
        Person.objects.filter(
            branch=branch, status=PersonStatus.ACTIVE, political_status=PoliticalStatus.MEMBER
        )
        .select_related("department")
        .order_by("name")
    )


def party_group_get(*, access: Access, pk: int) -> PartyGroup:
    """A party group (404 when it is not there); its branch is checked by ``branch_get``."""
    group = get_scoped(
        PartyGroup.objects.select_related("branch", "branch__hospital"),
        pk,
        access,
        noun="党小组",
        business=False,
    )
    branch_get(access, group.branch_id)
    return group


def org_rule_versions(*, access: Access, authority: Authority) -> list[OrgRule]:
    """Every version of the authority's organisation rules, newest first."""
    return list(OrgRule.objects.filter(authority=authority).order_by("-effective_from"))


def branch_list(*, access: Access) -> QuerySet[Branch]:
    """The active branches ``access`` may see, with their counts (the API's list)."""
    qs = Branch.objects.filter(active=True)
    if not access.is_city:
        if not (access.hospital_ids or access.branch_ids or access.person_branch_id):
            raise PermissionDenied("没有权限查看支部")
        qs = qs.filter(
            Q(hospital_id__in=access.hospital_ids)
            | Q(pk__in=access.branch_ids)
            | Q(pk=access.person_branch_id or 0)
        )
    return branch_qs_annotated(qs).order_by("hospital_id", "pk")


def secretary_branch(*, access: Access) -> Branch:
    """The first branch a secretary runs."""
    return Branch.objects.get(pk=min(access.branch_ids))
