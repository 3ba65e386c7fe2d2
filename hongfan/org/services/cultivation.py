"""Writes on 双培养 (dual cultivation): register and close."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest

from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.dates import today
from hongfan.org.choices import CultivationOutcome
from hongfan.org.models import DualCultivation, Hospital, Person


@transaction.atomic
def cultivation_create(
    *, access: Access, hospital: Hospital, data: dict[str, Any], request: HttpRequest | None = None
) -> DualCultivation:
    if not access.administers_hospital(hospital.pk):
        raise PermissionDenied("双培养由医院党委登记")
    person: Person = data["person"]
    errors: dict[str, str] = {}
    if person.hospital_id != hospital.pk:
        errors["person"] = "人员不属于本院"
    if data["started_on"] > today():
        errors["started_on"] = "开始日期不能晚于今天"
    direction = data["direction"]
    if direction == "cadre_to_member" and person.is_member:
        errors["person"] = "此人已是党员，不能作为“培养成党员”的对象"
    if direction == "cadre_to_member" and not person.is_middle_cadre:
        errors["person"] = "“把优秀中层干部培养成党员”的对象须为中层干部"
    if direction == "member_to_cadre" and not person.is_member:
        errors["person"] = "“把党员培养成中层骨干”的对象须为党员"
    if direction == "member_to_cadre" and person.is_middle_cadre:
        errors["person"] = "此人已是中层干部"
    mentor = data.get("mentor")
    if mentor is not None and mentor.hospital_id != hospital.pk:
        errors["mentor"] = "培养联系人不属于本院"
    if DualCultivation.objects.filter(
        person=person, direction=direction, outcome=CultivationOutcome.IN_PROGRESS
    ).exists():
        errors["person"] = "此人已在该方向的培养中"
    if errors:
        raise ValidationError(errors)
    row = DualCultivation.objects.create(hospital=hospital, **data)
    audit_log(actor_id=access.user_id, action=AuditAction.DATA_CREATED, request=request, target=row)
    return row


@transaction.atomic
def cultivation_close(
    *,
    access: Access,
    cultivation: DualCultivation,
    outcome: str,
    on: date,
    note: str = "",
    request: HttpRequest | None = None,
) -> DualCultivation:
    if not access.administers_hospital(cultivation.hospital_id):
        raise PermissionDenied("双培养由医院党委登记")
    errors: dict[str, str] = {}
    if cultivation.outcome != CultivationOutcome.IN_PROGRESS:
        errors["outcome"] = "此培养记录已有结果"
    if outcome not in {CultivationOutcome.ACHIEVED, CultivationOutcome.STOPPED}:
        errors["outcome"] = "请选择“已实现”或“已终止”"
    if on > today():
        errors["on"] = "日期不能晚于今天"
    elif on < cultivation.started_on:
        errors["on"] = "结果日期不能早于开始培养日期"
    if errors:
        raise ValidationError(errors)
    cultivation.outcome = outcome
    cultivation.outcome_on = on
    if note:
        cultivation.note = note[:200]
    cultivation.save()
    person = cultivation.person
    if outcome == CultivationOutcome.ACHIEVED and cultivation.direction == "member_to_cadre":
        person.is_middle_cadre = True
        person.save(update_fields=["is_middle_cadre", "updated_at"])
    audit_log(
        actor_id=access.user_id,
        action=AuditAction.DATA_CHANGED,
        request=request,
        target=cultivation,
        outcome=outcome,
    )
    return cultivation
