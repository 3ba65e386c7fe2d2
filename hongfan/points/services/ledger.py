"""Writes of the ledger beside the award engine: a secretary's or admin's award or deduction
by hand, and the reversing entry that corrects one without erasing it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest

from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.org.models import Person
from hongfan.points.choices import EntryKind
from hongfan.points.models import PointEntry, PointRule
from hongfan.points.services.awarding import AwardResult, add_to_totals, lock_person, points_award


@transaction.atomic
def points_reverse(
    *, access: Access, entry: PointEntry, reason: str, request: HttpRequest | None = None
) -> PointEntry:
    """Correct without erasing: a reversing entry pointing at the one it reverses."""
    person = entry.person
    if not access.manages_branch(person.branch_id, person.hospital_id):
        raise PermissionDenied("只能冲正本支部（本院）的积分")
    if access.person_id == person.pk:
        raise PermissionDenied("不能冲正自己的积分，请由其他支委或医院党委办理")
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = "请填写冲正原因"
    if entry.kind == EntryKind.REVERSAL:
        errors["entry"] = "冲正记录不能再冲正"
    if errors:
        raise ValidationError(errors)
    lock_person(person)
    if PointEntry.objects.filter(reverses=entry).exists():
        raise ValidationError({"entry": "该流水已冲正"})
    reversal = PointEntry.objects.create(
        hospital_id=entry.hospital_id,
        person=person,
        rule_id=entry.rule_id,
        rule_version_id=entry.rule_version_id,
        kind=EntryKind.REVERSAL,
        points=-entry.points,
        requested=-entry.points,
        occurred_on=entry.occurred_on,
        reason=f"冲正：{reason.strip()}"[:200],
        source_type="reversal",
        source_id=str(entry.pk),
        reverses=entry,
        actor_id=access.user_id,
    )
    add_to_totals(reversal, earned=-abs(entry.points))
    audit_log(
        action=AuditAction.DATA_CREATED,
        request=request,
        actor_id=access.user_id,
        target=reversal,
        reverses=entry.pk,
        points=str(reversal.points),
    )
    return reversal


def points_manual(
    *,
    access: Access,
    person: Person,
    rule: PointRule,
    occurred_on: date,
    reason: str,
    quantity: Decimal | int = 1,
    request: HttpRequest | None = None,
) -> AwardResult:
    """A secretary's or admin's award or deduction by hand, with a reason."""
    if not reason or not reason.strip():
        raise ValidationError({"reason": "手工加减分须填写事由"})
    if access.person_id == person.pk:
        raise ValidationError({"person": "不能给自己手工加减分，请由其他支委或医院党委办理"})
    result = points_award(
        access=access,
        person=person,
        rule=rule,
        occurred_on=occurred_on,
        source_type="manual",
        quantity=quantity,
        reason=reason.strip(),
    )
    if result.entry is not None:
        audit_log(
            action=AuditAction.DATA_CREATED,
            request=request,
            actor_id=access.user_id,
            target=result.entry,
            points=str(result.granted),
            rule=rule.code,
        )
    return result
