"""Reads of claims and appeals: who may claim and under which rules, the review queues, a
member's own claims and appeals, what waits for a decision, one claim or appeal (404 in
another hospital, 403 inside one's own without the right) and a claim's photo."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import IO

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from hongfan.core.access import Access, get_scoped
from hongfan.core.dates import today
from hongfan.core.uploads import IMAGE_TYPES, stored_file_open
from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
from hongfan.org.models import Hospital, Person
from hongfan.points.models import (
    AppealStatus,
    ClaimStatus,
    PointAppeal,
    PointClaim,
    PointEntry,
    PointRule,
)


def is_member(person: Person) -> bool:
    return person.political_status in MEMBER_STATUSES and person.status == PersonStatus.ACTIVE


def claim_rules(hospital_id: int, *, day: date | None = None) -> list[PointRule]:
    """The rules a member of this hospital may claim: active, adding points, and needing the
    secretary's approval under the version in force on ``day`` (today)."""
    day = day or today()
    out = []
    for rule in (
        PointRule.objects.filter(hospital_id=hospital_id, active=True)
        .prefetch_related("versions")
        .order_by("category", "code")
    ):
        version = max(
            (v for v in rule.versions.all() if v.effective_from <= day),
            key=lambda v: v.effective_from,
            default=None,
        )
        if version is not None and version.needs_approval and version.points > 0:
            rule.current = version  # type: ignore[attr-defined]
            out.append(rule)
    return out


_PENDING_FIRST = Case(
    When(status="pending", then=Value(0)), default=Value(1), output_field=IntegerField()
)


def _reviewer_scope(access: Access, *, hospital: Hospital | None, prefix: str = "") -> Q:
    """The claims (or, with ``prefix="entry__"``, appeals) this user reviews: the hospital's
    for its admin, their branches' for a secretary."""
    hospital_field = f"{prefix}hospital_id"
    if hospital is not None:
        if access.administers_hospital(hospital.pk):
            return Q(**{hospital_field: hospital.pk})
        if hospital.pk in access.branch_hospital_ids:
            return Q(**{hospital_field: hospital.pk, "person__branch_id__in": access.branch_ids})
        if access.is_business and not access.is_city:
            if hospital.pk not in access.own_hospital_ids:
                raise Http404("医院不存在")
        raise PermissionDenied("只有支部书记或医院党委可以审核积分申报和申诉")
    if not (access.hospital_ids or access.branch_ids):
        raise PermissionDenied("只有支部书记或医院党委可以审核积分申报和申诉")
    return Q(**{f"{hospital_field}__in": access.hospital_ids}) | Q(
        person__branch_id__in=access.branch_ids
    )


def claim_queue(
    *, access: Access, hospital: Hospital | None = None, status: str | None = None
) -> QuerySet[PointClaim]:
    """Claims to review: a secretary's branches, a hospital admin's hospital; pending first
    (oldest first), then the decided ones (newest first)."""
    qs = PointClaim.objects.filter(_reviewer_scope(access, hospital=hospital))
    if status:
        qs = qs.filter(status=status)
    return (
        qs.select_related("person", "person__branch", "rule", "entry", "decided_by", "hospital")
        .annotate(pending_first=_PENDING_FIRST)
        .order_by("pending_first", "-created_at", "-id")
    )


def claims_of_member(*, access: Access) -> QuerySet[PointClaim]:
    """A member's own claims, newest first."""
    if access.person_id is None:
        raise PermissionDenied("此账号未关联党员，没有积分申报")
    return (
        PointClaim.objects.filter(person_id=access.person_id)
        .select_related("rule", "entry", "decided_by")
        .order_by("-created_at", "-id")
    )


def appeal_queue(
    *, access: Access, hospital: Hospital | None = None, status: str | None = None
) -> QuerySet[PointAppeal]:
    qs = PointAppeal.objects.filter(_reviewer_scope(access, hospital=hospital, prefix="entry__"))
    if status:
        qs = qs.filter(status=status)
    return (
        qs.select_related(
            "person", "person__branch", "entry", "entry__rule", "reversal", "decided_by"
        )
        .annotate(pending_first=_PENDING_FIRST)
        .order_by("pending_first", "-created_at", "-id")
    )


def appeals_of_member(*, access: Access) -> QuerySet[PointAppeal]:
    if access.person_id is None:
        raise PermissionDenied("此账号未关联党员，没有积分申诉")
    return (
        PointAppeal.objects.filter(person_id=access.person_id)
        .select_related("entry", "entry__rule", "reversal", "decided_by")
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True)
class PendingCounts:
    claims: int
    appeals: int

    @property
    def total(self) -> int:
        return self.claims + self.appeals


def pending_counts(*, access: Access, hospital: Hospital | None = None) -> PendingCounts:
    """What waits for this user's decision (their own claims and appeals excluded); zero,
    without a query, for users who review nothing."""
    if not (access.hospital_ids or access.branch_ids):
        return PendingCounts(0, 0)
    mine = Q(person_id=access.person_id) if access.person_id else Q(pk__in=[])
    claims = (
        PointClaim.objects.filter(_reviewer_scope(access, hospital=hospital))
        .filter(status=ClaimStatus.PENDING)
        .exclude(mine)
        .count()
    )
    appeals = (
        PointAppeal.objects.filter(_reviewer_scope(access, hospital=hospital, prefix="entry__"))
        .filter(status=AppealStatus.PENDING)
        .exclude(mine)
        .count()
    )
    return PendingCounts(claims, appeals)


def _visible(access: Access, person: Person, hospital_id: int) -> bool:
    """The claimant themself, their branch's secretary and their hospital's admin see a
    claim or an appeal (others: 403 inside one's own hospital and for the city, else 404)."""
    return access.person_id == person.pk or access.manages_branch(person.branch_id, hospital_id)


def claim_get(*, access: Access, pk: int) -> PointClaim:
    return get_scoped(
        PointClaim.objects.select_related("person", "rule", "entry", "hospital"),
        pk,
        access,
        noun="积分申报",
        may=lambda c: _visible(access, c.person, c.hospital_id),
    )


def appeal_get(*, access: Access, pk: int) -> PointAppeal:
    return get_scoped(
        PointAppeal.objects.select_related("person", "entry", "entry__rule"),
        pk,
        access,
        noun="积分申诉",
        may=lambda a: _visible(access, a.person, a.entry.hospital_id),
        hospital_of=lambda a: a.entry.hospital_id,
    )


def entry_for_appeal(*, access: Access, pk: int) -> PointEntry:
    """A ledger entry its own member may appeal against (others: 403 in their hospital)."""
    return get_scoped(
        PointEntry.objects.select_related("rule", "person"),
        pk,
        access,
        noun="积分流水",
        may=lambda e: e.person_id == access.person_id,
        refusal="只能对本人的积分提出申诉",
    )


def open_appeal_entry_ids(entry_ids: list[int]) -> set[int]:
    """Which of these entries have an appeal waiting (for the ledger page's buttons)."""
    return set(
        PointAppeal.objects.filter(entry_id__in=entry_ids, status=AppealStatus.PENDING).values_list(
            "entry_id", flat=True
        )
    )


def claim_photo_open(claim: PointClaim) -> tuple[IO[bytes], str]:
    """(open file, kind) of a claim's photo, its type checked again by its bytes; Http404
    when there is none or the file is missing or not an image."""
    if not claim.photo.name:
        raise Http404("该申报没有照片")
    opened = stored_file_open(claim.photo.storage, claim.photo.name, IMAGE_TYPES)
    if opened is None:
        raise Http404("照片文件不存在")
    return opened


# --- the home page's tasks (core.todos) ----------------------------------------------------------


@dataclass(frozen=True)
class Decided:
    """A member's claims and appeals decided since a moment, by outcome."""

    approved: int = 0
    rejected: int = 0
    upheld: int = 0
    dismissed: int = 0

    @property
    def claims(self) -> int:
        return self.approved + self.rejected

    @property
    def appeals(self) -> int:
        return self.upheld + self.dismissed


def decided_since(*, access: Access, since: datetime) -> Decided:
    """How many of the member's own claims and appeals were decided since ``since``, by
    outcome (two queries)."""
    if access.person_id is None:
        return Decided()
    claims = dict(
        PointClaim.objects.filter(person_id=access.person_id, decided_at__gte=since)
        .exclude(status=ClaimStatus.PENDING)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    appeals = dict(
        PointAppeal.objects.filter(person_id=access.person_id, decided_at__gte=since)
        .exclude(status=AppealStatus.PENDING)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return Decided(
        approved=claims.get(ClaimStatus.APPROVED, 0),
        rejected=claims.get(ClaimStatus.REJECTED, 0),
        upheld=appeals.get(AppealStatus.UPHELD, 0),
        dismissed=appeals.get(AppealStatus.DISMISSED, 0),
    )


def pending_by_hospital(*, access: Access) -> list[tuple[str, int, int]]:
    """For the city: per hospital, the claims and the appeals waiting for their reviewers
    (name, claims, appeals), hospitals with none left out (two queries)."""
    access.require_business()
    if not access.is_city:
        raise PermissionDenied("只有市卫健委可以查看全市汇总")
    claims = dict(
        PointClaim.objects.filter(status=ClaimStatus.PENDING)
        .order_by()
        .values("hospital__name")
        .annotate(n=Count("id"))
        .values_list("hospital__name", "n")
    )
    appeals = dict(
        PointAppeal.objects.filter(status=AppealStatus.PENDING)
        .order_by()
        .values("entry__hospital__name")
        .annotate(n=Count("id"))
        .values_list("entry__hospital__name", "n")
    )
    names = sorted(set(claims) | set(appeals))
    return [(name, claims.get(name, 0), appeals.get(name, 0)) for name in names]
