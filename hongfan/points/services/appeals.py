"""Writes of appeals (申诉): a member appeals an award or deduction of their own; upholding it
reverses the entry through ``points_reverse`` (the ledger keeps both), dismissing it needs
a reason."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.notify import POINTS, notify
from hongfan.points.choices import EntryKind
from hongfan.points.models import AppealStatus, PointAppeal, PointEntry
from hongfan.points.services.claims import decision_checks, notify_member, reviewers
from hongfan.points.services.ledger import points_reverse

APPEAL_REASON_MAX = 500


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
    person = entry.person
    notify(
        recipients=reviewers(person),
        title="积分申诉待处理",
        body=f"{person.name}对“{entry.reason}”提出申诉，请处理",
        link=reverse("points:appeal_review"),
        category=POINTS,
        key=f"points.appeal:{appeal.pk}:filed",
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
    reason, fresh = decision_checks(
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
    notify_member(
        fresh.person,
        title="积分申诉成立" if uphold else "积分申诉未获支持",
        body=(
            f"“{fresh.entry.reason}”已冲正"
            if uphold
            else f"“{fresh.entry.reason}”维持原记录：{reason}"
        ),
        link=reverse("points:mine"),
        key=f"points.appeal:{fresh.pk}:decided",
    )
    return fresh
