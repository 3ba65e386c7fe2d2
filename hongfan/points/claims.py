"""Members' claims with evidence and appeals against an entry: services (writes) and
selectors (reads) of the people's side of 积分量化.

A member claims points for a rule that needs approval, with a description and/or a photo;
the secretary of their branch (or the hospital admin) approves — which awards through
``points_award`` with the claim as the source, so it never pays twice — or rejects with a
reason. A member appeals an award or deduction of their own; upholding it reverses the
entry through ``points_reverse`` (the ledger keeps both), dismissing it needs a reason.

Scope (docs/decisions/0001): another hospital's claim, appeal or entry is a 404; inside
one's own hospital a role without the right gets a 403. The city admin does not review
hospitals' evidence (403); the 三员 see no business data (403).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.dates import today
from hongfan.core.uploads import (
    IMAGE_TYPES,
    CheckedUpload,
    UploadRefused,
    stored_file_open,
    upload_check,
)
from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
from hongfan.org.models import Hospital, Person
from hongfan.points.choices import EntryKind
from hongfan.points.models import (
    AppealStatus,
    ClaimStatus,
    PointAppeal,
    PointClaim,
    PointEntry,
    PointRule,
    PointRuleVersion,
)
from hongfan.points.services import (
    CAP_LABELS,
    POINT_STEP,
    AwardResult,
    points_award,
    points_reverse,
    rule_version_on,
)

DESCRIPTION_MAX = 1000
DECISION_MAX = 200
APPEAL_REASON_MAX = 500
QUANTITY_MAX = Decimal("99999.9")  # PointClaim.quantity: 6 digits, 1 decimal


PHOTO_ACCEPTS = "JPEG、PNG或WebP格式的照片"


def _photo_check(photo: UploadedFile) -> tuple[str | None, CheckedUpload | None]:
    """(error, checked photo): its size, its real type (and a name that agrees), re-encoded
    without its EXIF/GPS (``core.uploads``)."""
    try:
        return None, upload_check(
            photo,
            IMAGE_TYPES,
            noun="照片",
            accepts=PHOTO_ACCEPTS,
            too_big_hint="，请压缩后再上传",
        )
    except UploadRefused as exc:
        return str(exc), None


def is_member(person: Person) -> bool:
    return person.political_status in MEMBER_STATUSES and person.status == PersonStatus.ACTIVE


def rule_hint(version: PointRuleVersion) -> str:
    """What a claim under this version earns, for the form: "+1分/次，每日上限8分"."""
    parts = [f"{version.points.normalize():+f}分/次"]
    for period, label in CAP_LABELS.items():
        cap = version.cap_for(period)
        if cap is not None:
            parts.append(f"{label}上限{cap.normalize():f}分")
    return "，".join(parts)


def _lock(model: Any, pk: int) -> Any:
    """The row again, locked for the rest of the transaction (PostgreSQL); SQLite's
    IMMEDIATE transactions already serialise writers."""
    return model.objects.select_for_update().get(pk=pk)


def _decision_checks(
    access: Access,
    item: Any,
    *,
    accept: bool,
    reason: str,
    what: str,
    subject: str,
    verb: str,
    field: str,
) -> tuple[str, Any]:
    """What deciding a claim or an appeal requires: the secretary of the member's branch or
    the hospital admin, never the member themself; a reason to turn it down; still pending
    (checked on the locked row). Returns the cleaned reason and the locked row."""
    person = item.person
    if not access.manages_branch(person.branch_id, person.hospital_id):
        raise PermissionDenied(f"只有{subject}所在支部的书记或医院党委可以{verb}{what}")
    if access.person_id is not None and access.person_id == item.person_id:
        raise PermissionDenied(f"不能{verb}本人的{what}，请由医院党委{verb}")
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValidationError({"reason": f"驳回{what}须填写理由"})
    if len(reason) > DECISION_MAX:
        raise ValidationError({"reason": f"{verb}意见不能超过{DECISION_MAX}字"})
    fresh = _lock(type(item), item.pk)
    if fresh.status != "pending":
        raise ValidationError(
            {field: f"该{what}已{verb}（{fresh.get_status_display()}），不能重复{verb}"}
        )
    return reason, fresh


# --- claims: writes -------------------------------------------------------------------------


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


def _quantity_error(quantity: Any) -> tuple[str | None, Decimal]:
    try:
        q = Decimal(quantity)
    except (InvalidOperation, TypeError, ValueError):
        return "数量须为数字", Decimal(0)
    if not q.is_finite() or q <= 0:
        return "数量必须大于0", Decimal(0)
    if q > QUANTITY_MAX:
        return f"数量不能超过{QUANTITY_MAX}", Decimal(0)
    if q != q.quantize(POINT_STEP):
        return "数量最多保留一位小数", Decimal(0)
    return None, q


@transaction.atomic
def claim_submit(
    *,
    access: Access,
    person: Person,
    rule: PointRule,
    occurred_on: date,
    quantity: Decimal | int = 1,
    description: str = "",
    photo: UploadedFile | None = None,
    request: HttpRequest | None = None,
) -> PointClaim:
    """A member claims points for themself, with a description and/or a photo as evidence.

    Refused (ValidationError, nothing stored): no evidence, a date in the future, a rule
    that is not the member's hospital's, inactive, not yet in force on that date, awarded
    automatically (no approval needed) or a deduction; a person who is not an active
    member; a photo that is not really a JPEG/PNG/WebP or is too big; a quantity ≤ 0."""
    if access.person_id is None or access.person_id != person.pk:
        raise PermissionDenied("只能为本人申报积分")
    description = (description or "").strip()
    errors: dict[str, str] = {}
    if not is_member(person):
        errors["person"] = f"{person.name}不是在册党员，不能申报积分"
    if rule.hospital_id != person.hospital_id:
        errors["rule"] = "积分规则不属于本院"
    elif not rule.active:
        errors["rule"] = f"积分规则“{rule.name}”已停用"
    quantity_error, q = _quantity_error(quantity)
    if quantity_error:
        errors["quantity"] = quantity_error
    if occurred_on > today():
        errors["occurred_on"] = "发生日期不能晚于今天"
    elif "rule" not in errors:
        version = rule_version_on(rule, occurred_on)
        if version is None:
            errors["occurred_on"] = f"积分规则“{rule.name}”在{occurred_on:%Y-%m-%d}尚未生效"
        elif version.points < 0:
            errors["rule"] = f"“{rule.name}”是扣分规则，不能申报"
        elif not version.needs_approval:
            errors["rule"] = f"“{rule.name}”由系统自动计分，无需申报"
        elif not quantity_error and (version.points * q).quantize(POINT_STEP) == 0:
            errors["quantity"] = "数量太小，折合积分为0"
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = f"情况说明不能超过{DESCRIPTION_MAX}字（现有{len(description)}字）"
    checked = None
    if photo is not None:
        photo_error, checked = _photo_check(photo)
        if photo_error:
            errors["photo"] = photo_error
    if not description and photo is None and "photo" not in errors:
        errors["description"] = "请填写情况说明或上传照片作为佐证"
    if not errors and (
        PointClaim.objects.filter(
            person=person,
            rule=rule,
            occurred_on=occurred_on,
            status=ClaimStatus.PENDING,
            description=description,
        )
        .filter(Q(photo="") if photo is None else ~Q(photo=""))
        .exists()
    ):
        errors["rule"] = "您已提交过相同的申报，正在等待审核，请勿重复提交"
    if errors:
        raise ValidationError(errors)

    claim = PointClaim(
        hospital_id=person.hospital_id,
        person=person,
        rule=rule,
        occurred_on=occurred_on,
        quantity=q,
        description=description,
    )
    stored: str | None = None
    try:
        if checked is not None:
            # A name of our own: the phone's file name (which may name a patient) is not kept;
            # the photo is the re-encoded one, without its EXIF (GPS included).
            claim.photo.save(f"{uuid.uuid4().hex}.{checked.kind}", checked.content, save=False)
            stored = claim.photo.name
        claim.full_clean(exclude=["photo"])
        claim.save()
        audit_log(
            action=AuditAction.DATA_CREATED,
            request=request,
            actor_id=access.user_id,
            target=claim,
            rule=rule.code,
            quantity=str(claim.quantity),
            photo=bool(stored),
        )
    except Exception:
        if stored:
            claim.photo.storage.delete(stored)
        raise
    return claim


@dataclass(frozen=True)
class ClaimDecision:
    claim: PointClaim
    award: AwardResult | None  # None when rejected
    message: str  # what happened, in Chinese, for the page
    capped: bool  # a cap cut the award (or left nothing to award)


@transaction.atomic
def claim_decide(
    *,
    access: Access,
    claim: PointClaim,
    approve: bool,
    reason: str = "",
    request: HttpRequest | None = None,
) -> ClaimDecision:
    """The secretary of the claimant's branch (or the hospital admin) approves or rejects.

    Approving awards through ``points_award`` with the claim as the source (caps apply and
    the message says when one cut the award); rejecting needs a reason. A decided claim
    cannot be decided again, and the claimant never decides their own claim."""
    reason, fresh = _decision_checks(
        access,
        claim,
        accept=approve,
        reason=reason,
        what="申报",
        subject="申报人",
        verb="审核",
        field="claim",
    )
    person = fresh.person
    result: AwardResult | None = None
    capped = False
    if approve:
        rule = fresh.rule
        result = points_award(
            access=access,
            person=person,
            rule=rule,
            occurred_on=fresh.occurred_on,
            source_type="claim",
            source_id=str(fresh.pk),
            quantity=fresh.quantity,
            reason=f"申报：{rule.name}",
        )
        capped = result.capped_by is not None
        fresh.status = ClaimStatus.APPROVED
        fresh.entry = result.entry
        parts = [reason] if reason else []
        if capped:
            parts.append(result.message)
        fresh.decision_reason = "；".join(parts)[:DECISION_MAX]
        if capped:
            message = f"已通过{person.name}的申报：{result.message}"
        else:
            message = f"已通过{person.name}的申报，计{result.granted.normalize():f}分"
    else:
        fresh.status = ClaimStatus.REJECTED
        fresh.decision_reason = reason
        message = f"已驳回{person.name}的申报"
    fresh.decided_by_id = access.user_id
    fresh.decided_at = timezone.now()
    fresh.save(update_fields=["status", "entry", "decision_reason", "decided_by", "decided_at"])
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=fresh,
        decision=fresh.status,
        points=str(result.granted) if result else None,
        capped=capped,
    )
    return ClaimDecision(fresh, result, message, capped)


# --- appeals: writes ------------------------------------------------------------------------


@transaction.atomic
def appeal_submit(
    *, access: Access, entry: PointEntry, reason: str, request: HttpRequest | None = None
) -> PointAppeal:
    """A member contests an award or deduction of their own (one open appeal per entry)."""
    if access.person_id is None or access.person_id != entry.person_id:
        raise PermissionDenied("只能对本人的积分提出申诉")
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = "请填写申诉理由"
    elif len(reason) > APPEAL_REASON_MAX:
        errors["reason"] = f"申诉理由不能超过{APPEAL_REASON_MAX}字（现有{len(reason)}字）"
    if entry.kind not in (EntryKind.AWARD, EntryKind.DEDUCTION):
        errors["entry"] = "冲正记录不能申诉"
    elif PointEntry.objects.filter(reverses=entry).exists():
        errors["entry"] = "该积分已冲正，无需申诉"
    elif PointAppeal.objects.filter(entry=entry, status=AppealStatus.PENDING).exists():
        errors["entry"] = "该积分已有待处理的申诉"
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            appeal = PointAppeal.objects.create(
                entry=entry, person_id=entry.person_id, reason=reason
            )
    except IntegrityError:
        # Another request opened an appeal on the same entry first.
        raise ValidationError({"entry": "该积分已有待处理的申诉"}) from None
    audit_log(
        action=AuditAction.DATA_CREATED,
        request=request,
        actor_id=access.user_id,
        target=appeal,
        hospital_id=entry.hospital_id,
        entry=entry.pk,
    )
    return appeal


@transaction.atomic
def appeal_decide(
    *,
    access: Access,
    appeal: PointAppeal,
    uphold: bool,
    reason: str = "",
    request: HttpRequest | None = None,
) -> PointAppeal:
    """The secretary (or hospital admin) decides: upholding reverses the entry (a reversing
    entry; the original stays in the ledger); dismissing needs a reason."""
    reason, fresh = _decision_checks(
        access,
        appeal,
        accept=uphold,
        reason=reason,
        what="申诉",
        subject="申诉人",
        verb="处理",
        field="appeal",
    )
    if uphold:
        entry = fresh.entry
        already = PointEntry.objects.filter(reverses=entry).first()
        if already is not None:
            # Reversed by hand meanwhile: the appeal is upheld by that reversal.
            fresh.reversal = already
        else:
            fresh.reversal = points_reverse(
                access=access,
                entry=entry,
                reason=f"申诉成立：{reason or fresh.reason}"[:150],
                request=request,
            )
        fresh.status = AppealStatus.UPHELD
    else:
        fresh.status = AppealStatus.DISMISSED
    fresh.decision_reason = reason
    fresh.decided_by_id = access.user_id
    fresh.decided_at = timezone.now()
    fresh.save(update_fields=["status", "reversal", "decision_reason", "decided_by", "decided_at"])
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=fresh,
        hospital_id=fresh.entry.hospital_id,
        decision=fresh.status,
        reversal=fresh.reversal_id,
    )
    return fresh


# --- reads ----------------------------------------------------------------------------------

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
    access: Access, *, hospital: Hospital | None = None, status: str | None = None
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


def claims_of_member(access: Access) -> QuerySet[PointClaim]:
    """A member's own claims, newest first."""
    if access.person_id is None:
        raise PermissionDenied("此账号未关联党员，没有积分申报")
    return (
        PointClaim.objects.filter(person_id=access.person_id)
        .select_related("rule", "entry", "decided_by")
        .order_by("-created_at", "-id")
    )


def appeal_queue(
    access: Access, *, hospital: Hospital | None = None, status: str | None = None
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


def appeals_of_member(access: Access) -> QuerySet[PointAppeal]:
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


def pending_counts(access: Access, *, hospital: Hospital | None = None) -> PendingCounts:
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


def _visible(access: Access, person: Person, hospital_id: int, what: str) -> None:
    """The claimant themself, their branch's secretary and their hospital's admin see a
    claim or an appeal; 403 inside one's own hospital (and for the city), 404 elsewhere."""
    access.require_business()
    if access.person_id == person.pk or access.manages_branch(person.branch_id, hospital_id):
        return
    if access.is_city or hospital_id in access.own_hospital_ids:
        raise PermissionDenied(f"没有权限查看此{what}")
    raise Http404(f"{what}不存在")


def claim_get(access: Access, pk: int) -> PointClaim:
    claim = (
        PointClaim.objects.select_related("person", "rule", "entry", "hospital")
        .filter(pk=pk)
        .first()
    )
    if claim is None:
        access.require_business()
        raise Http404("积分申报不存在")
    _visible(access, claim.person, claim.hospital_id, "积分申报")
    return claim


def appeal_get(access: Access, pk: int) -> PointAppeal:
    appeal = (
        PointAppeal.objects.select_related("person", "entry", "entry__rule").filter(pk=pk).first()
    )
    if appeal is None:
        access.require_business()
        raise Http404("积分申诉不存在")
    _visible(access, appeal.person, appeal.entry.hospital_id, "积分申诉")
    return appeal


def entry_for_appeal(access: Access, pk: int) -> PointEntry:
    """A ledger entry its own member may appeal against (others: 403 in their hospital)."""
    access.require_business()
    entry = PointEntry.objects.select_related("rule", "person").filter(pk=pk).first()
    if entry is None:
        raise Http404("积分流水不存在")
    if entry.person_id != access.person_id:
        if access.is_city or entry.hospital_id in access.own_hospital_ids:
            raise PermissionDenied("只能对本人的积分提出申诉")
        raise Http404("积分流水不存在")
    return entry


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
