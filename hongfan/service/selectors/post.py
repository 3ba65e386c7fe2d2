"""Reads of 党员先锋岗 / 党员示范岗: the posts a user may see, a post with its staff, reviews
and duty, and whether it still meets the designation rule in force (the city's versioned
``ModelPostRule``; defaults from ``selectors.rules.model_post_rule_for``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from hongfan.core.access import Access, get_scoped
from hongfan.org.choices import MEMBER_STATUSES, BranchKind, PersonStatus, PoliticalStatus
from hongfan.org.models import Authority, Branch, Department, Person
from hongfan.service.models import (
    ModelPost,
    ModelPostDuty,
    ModelPostMember,
    ModelPostReview,
    ModelPostRule,
)
from hongfan.service.selectors.rules import model_post_rule_for


def reads_post(access: Access, post: ModelPost) -> bool:
    """The hospital's admin and the city; the post branch's secretary; whoever is on it."""
    return (
        access.reads_branch(post.branch_id, post.hospital_id)
        and (access.is_city or access.manages_branch(post.branch_id, post.hospital_id))
    ) or on_post(access, post)


def on_post(access: Access, post: ModelPost) -> bool:
    if access.person_id is None:
        return False
    return (
        post.head_id == access.person_id
        or post.members.filter(person_id=access.person_id, left_on__isnull=True).exists()
    )


def records_duty(access: Access, post: ModelPost) -> bool:
    """The head or the secretary records a member's day of duty (the admin too)."""
    return access.manages_branch(post.branch_id, post.hospital_id) or (
        access.person_id is not None and post.head_id == access.person_id
    )


def reviews_post(access: Access, post: ModelPost) -> bool:
    return access.manages_branch(post.branch_id, post.hospital_id)


def post_list(*, access: Access, hospital_id: int, branch_id: int | None = None) -> QuerySet:
    """The posts of a hospital the user may see: all for its admin and the city, the
    branch's for a secretary, those one is on for anyone else; with their headcounts."""
    access.require_business()
    qs = ModelPost.objects.filter(hospital_id=hospital_id)
    if not (access.is_city or access.administers_hospital(hospital_id)):
        mine = Q(head_id=access.person_id) | Q(
            members__person_id=access.person_id, members__left_on__isnull=True
        )
        qs = (
            qs.filter(Q(branch_id__in=access.branch_ids) | mine)
            if access.person_id
            else qs.filter(branch_id__in=access.branch_ids)
        )
    if branch_id is not None:
        qs = qs.filter(branch_id=branch_id)
    live = Q(members__left_on__isnull=True)
    return (
        qs.distinct()
        .select_related("branch", "department", "head")
        .annotate(
            size=Count("members", filter=live, distinct=True),
            party=Count(
                "members",
                filter=live & Q(members__person__political_status__in=MEMBER_STATUSES),
                distinct=True,
            ),
        )
        .order_by("-active", "branch__name", "name", "pk")
    )


def post_get(*, access: Access, pk: int) -> ModelPost:
    return get_scoped(
        ModelPost.objects.select_related("branch", "department", "head"),
        pk,
        access,
        noun="先锋岗",
        may=lambda p: reads_post(access, p),
        refusal="只能查看本支部或本人所在的岗位",
    )


def post_members(post: ModelPost) -> list[ModelPostMember]:
    return list(
        post.members.filter(left_on__isnull=True)
        .select_related("person__department")
        .order_by("joined_on", "pk")
    )


def post_member_get(*, access: Access, pk: int) -> ModelPostMember:
    return get_scoped(
        ModelPostMember.objects.select_related("post", "person"),
        pk,
        access,
        noun="岗位成员",
        may=lambda m: access.manages_branch(m.post.branch_id, m.post.hospital_id),
        hospital_of=lambda m: m.post.hospital_id,
    )


def post_reviews(post: ModelPost) -> list[ModelPostReview]:
    return list(post.reviews.order_by("-year"))


def post_duties(post: ModelPost, limit: int = 30) -> list[ModelPostDuty]:
    return list(post.duties.select_related("person").order_by("-on", "-pk")[:limit])


@dataclass
class RuleCheck:
    rule: ModelPostRule
    size: int
    party: int
    warnings: list[str]

    @property
    def share(self) -> Decimal:
        return Decimal(self.party) / self.size if self.size else Decimal(0)


def rule_warnings(rule: ModelPostRule, size: int, party: int, head_full: bool = True) -> list[str]:
    warnings = []
    if size < rule.min_size:
        warnings.append(f"岗位现有{size}人，少于认定规则要求的{rule.min_size}人")
    share = Decimal(party) / size if size else Decimal(0)
    if share < rule.min_member_share:
        warnings.append(
            f"党员占比{share * 100:.0f}%，低于认定规则要求的{rule.min_member_share * 100:.0f}%"
        )
    if not head_full:
        warnings.append("岗长已不是本院正式党员，请更换岗长")
    return warnings


def head_is_full(person: Person, hospital_id: int) -> bool:
    return (
        person.hospital_id == hospital_id
        and person.status == PersonStatus.ACTIVE
        and person.political_status == PoliticalStatus.MEMBER
    )


def post_rule_check(post: ModelPost, authority_id: int, day: date) -> RuleCheck:
    """Whether an active post still meets the rule in force (a revoked post is not checked)."""
    rule = model_post_rule_for(authority_id, day)
    members = post_members(post)
    size = len(members)
    party = sum(1 for m in members if m.person.political_status in MEMBER_STATUSES)
    warnings = (
        rule_warnings(rule, size, party, head_is_full(post.head, post.hospital_id))
        if post.active
        else []
    )
    return RuleCheck(rule, size, party, warnings)


def with_warnings(posts: list[ModelPost], authority_id: int, day: date) -> list[ModelPost]:
    """The annotated posts of ``post_list``, each with its ``warnings`` (one rule query)."""
    rule = model_post_rule_for(authority_id, day)
    for p in posts:
        p.warnings = (  # type: ignore[attr-defined]
            rule_warnings(rule, p.size, p.party, head_is_full(p.head, p.hospital_id))  # type: ignore[attr-defined]
            if p.active
            else []
        )
    return posts


def post_branches(*, access: Access, hospital_id: int) -> QuerySet[Branch]:
    """Branches a post may belong to: the hospital's active leaf branches (for a list's
    filter, those the user manages unless they read the whole hospital)."""
    qs = Branch.objects.filter(hospital_id=hospital_id, active=True, kind=BranchKind.BRANCH)
    if not (access.is_city or access.administers_hospital(hospital_id)):
        qs = qs.filter(pk__in=access.branch_ids)
    return qs.order_by("name", "pk")


def post_departments(hospital_id: int) -> QuerySet[Department]:
    return Department.objects.filter(hospital_id=hospital_id).order_by("name", "pk")


def staff_of(hospital_id: int) -> QuerySet[Person]:
    return Person.objects.filter(
        hospital_id=hospital_id, status=PersonStatus.ACTIVE
    ).select_related("department")


def full_members_of(hospital_id: int) -> QuerySet[Person]:
    return staff_of(hospital_id).filter(political_status=PoliticalStatus.MEMBER)


def duty_people(post: ModelPost) -> QuerySet[Person]:
    """Whose duty may be recorded: the post's Party members at present."""
    return Person.objects.filter(
        pk__in=post.members.filter(left_on__isnull=True).values("person_id"),
        political_status__in=MEMBER_STATUSES,
        status=PersonStatus.ACTIVE,
    ).order_by("name_key", "pk")


def rule_versions(authority: Authority) -> list[ModelPostRule]:
    return list(ModelPostRule.objects.filter(authority=authority).order_by("-effective_from"))


def city_authority(*, access: Access) -> Authority:
    """The city whose designation rule the city admin sets."""
    access.require_business()
    if not access.is_city:
        raise PermissionDenied("只有市卫健委管理员可以修改先锋岗认定规则")
    authority = Authority.objects.order_by("pk").first()
    if authority is None:
        raise Http404("没有市卫健委")
    return authority
