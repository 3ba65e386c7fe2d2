"""Writes of members' claims (申报积分): a member claims points for a rule that needs approval,
with a description and/or a photo; the secretary of their branch (or the hospital admin)
approves — which awards through ``points_award`` with the claim as the source, so it never
pays twice — or rejects with a reason.

Scope (docs/decisions/0001): another hospital's claim is a 404; inside one's own hospital a
role without the right gets a 403. The city admin does not review hospitals' evidence (403);
the 三员 see no business data (403)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from hongfan.accounts.models import User
from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.dates import today
from hongfan.core.locks import lock_one
from hongfan.core.notify import POINTS, notify
from hongfan.core.roles import Role
from hongfan.core.uploads import IMAGE_TYPES, CheckedUpload, UploadRefused, upload_check
from hongfan.org.models import Person
from hongfan.points.models import ClaimStatus, PointClaim, PointRule
from hongfan.points.models.catalogue import POINT_STEP
from hongfan.points.selectors.claims import is_member
from hongfan.points.services.awarding import AwardResult, points_award, rule_version_on

DESCRIPTION_MAX = 1000
DECISION_MAX = 200
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


def decision_checks(
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
    fresh = lock_one(type(item), item.pk)
    if fresh.status != "pending":
        raise ValidationError(
            {field: f"该{what}已{verb}（{fresh.get_status_display()}），不能重复{verb}"}
        )
    return reason, fresh


def reviewers(person: Person) -> QuerySet[User]:
    """Who reviews a member's claims and appeals: the secretaries of their branch (never the
    member themself); where there is none, the hospital's admins."""
    users = User.objects.filter(is_active=True).exclude(person_id=person.pk).distinct()
    if person.branch_id is not None:
        secretaries = users.filter(
            role_assignments__role=Role.BRANCH_SECRETARY,
            role_assignments__branch_id=person.branch_id,
        )
        if secretaries.exists():
            return secretaries
    return users.filter(
        role_assignments__role=Role.HOSPITAL_ADMIN, role_assignments__hospital_id=person.hospital_id
    )


def notify_member(person: Person, *, title: str, body: str, link: str, key: str) -> None:
    """A message to the member a decision is about (if they have an account)."""
    notify(
        recipients=User.objects.filter(person_id=person.pk),
        title=title,
        body=body,
        link=link,
        category=POINTS,
        key=key,
    )


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
def claim_submit(  # noqa: C901
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
    notify(
        recipients=reviewers(person),
        title="积分申报待审核",
        body=f"{person.name}申报“{rule.name}”（{occurred_on:%m月%d日}），请审核",
        link=reverse("points:claim_review"),
        category=POINTS,
        key=f"points.claim:{claim.pk}:filed",
    )
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
    reason, fresh = decision_checks(
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
    if result is not None:
        body = f"“{fresh.rule.name}”已通过，计{result.granted.normalize():f}分"
        body += f"（{result.message}）" if capped else ""
    else:
        body = f"“{fresh.rule.name}”未通过：{reason}"
    notify_member(
        person,
        title="积分申报已通过" if approve else "积分申报被驳回",
        body=body,
        link=reverse("points:claims_mine"),
        key=f"points.claim:{fresh.pk}:decided",
    )
    return ClaimDecision(fresh, result, message, capped)
