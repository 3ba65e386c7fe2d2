"""Writes of 互联网+护理服务: the catalogue and the qualified nurses (kept by the nursing office
and the hospital admin), the public booking, and each step of a booking — triage or refusal,
assignment to a qualified nurse, the visit, the closing. Every step is refused, with a
Chinese message and no change, when it comes out of order."""

from __future__ import annotations

import re
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from hongfan.accounts.models import User
from hongfan.core import pii
from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.locks import lock_one
from hongfan.core.notify import SYSTEM, notify
from hongfan.core.roles import Role
from hongfan.org.models import Hospital, Person
from hongfan.service.choices import NurseTitle, NursingStatus, PatientKind, RiskLevel
from hongfan.service.models import NurseProfile, NursingBooking, NursingRule, NursingService
from hongfan.service.selectors.nursing import manages_nursing, nurse_shortfall, promise_due
from hongfan.service.selectors.rules import nursing_rule_for

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# No 0/O, 1/I/L: a reference read out over the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _require_office(access: Access, hospital_id: int, verb: str) -> None:
    if not manages_nursing(access, hospital_id):
        raise access.denied(hospital_id, "上门护理预约", verb)


def _step(booking: NursingBooking, allowed: tuple[str, ...], message: str) -> None:
    if booking.status not in allowed:
        raise ValidationError(
            f"{message}（当前状态：{NursingStatus(booking.status).label}）", code="out_of_order"
        )


# --- catalogue ---------------------------------------------------------------------------


@transaction.atomic
def nursing_service_save(
    *,
    access: Access,
    hospital: Hospital,
    data: dict[str, Any],
    service: NursingService | None = None,
    request: HttpRequest | None = None,
) -> NursingService:
    """Add a service to the hospital's catalogue, or change one (``service``)."""
    _require_office(access, hospital.pk, "管理")
    if service is not None and service.hospital_id != hospital.pk:
        raise access.denied(service.hospital_id, "护理服务项目", "修改")
    obj = service or NursingService(hospital=hospital)
    for name in ("category", "name", "description", "active", "order"):
        if name in data:
            setattr(obj, name, data[name])
    obj.full_clean()
    obj.save()
    audit_log(
        action=AuditAction.DATA_CHANGED if service else AuditAction.DATA_CREATED,
        request=request,
        actor_id=access.user_id,
        target=obj,
    )
    return obj


# --- qualified nurses --------------------------------------------------------------------


@transaction.atomic
def nurse_profile_save(
    *,
    access: Access,
    hospital: Hospital,
    person: Person | None = None,
    data: dict[str, Any],
    profile: NurseProfile | None = None,
    request: HttpRequest | None = None,
) -> NurseProfile:
    """Record a nurse's qualification (clinical nursing since, title, may be assigned)."""
    _require_office(access, hospital.pk, "管理")
    if profile is not None:
        if profile.hospital_id != hospital.pk:
            raise access.denied(profile.hospital_id, "上门护士", "修改")
        obj = profile
    else:
        if person is None:
            raise ValidationError({"person": "请选择护士"})
        if person.hospital_id != hospital.pk:
            raise ValidationError({"person": "只能登记本院职工"})
        if NurseProfile.objects.filter(person=person).exists():
            raise ValidationError({"person": "该护士已登记"})
        obj = NurseProfile(hospital=hospital, person=person)
    since = data.get("clinical_since", obj.clinical_since if profile else None)
    if since is not None and since > timezone.localdate():
        raise ValidationError({"clinical_since": "从事临床护理起始日期不能晚于今天"})
    for name in ("clinical_since", "title", "active"):
        if name in data:
            setattr(obj, name, data[name])
    obj.full_clean()
    obj.save()
    audit_log(
        action=AuditAction.DATA_CHANGED if profile else AuditAction.DATA_CREATED,
        request=request,
        actor_id=access.user_id,
        target=obj,
    )
    return obj


# --- the public booking ------------------------------------------------------------------


def _new_reference() -> str:
    return "HL" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


@transaction.atomic
def booking_create(
    *,
    hospital: Hospital,
    service_id: int | None,
    patient_kind: str,
    patient_name: str,
    mobile: str,
    address: str,
    note: str = "",
    now: datetime | None = None,
) -> NursingBooking:
    """A patient's or family's booking from the public page (no login): only a service the
    hospital offers and keeps active; the name, mobile and address encrypted."""
    errors: dict[str, str] = {}
    service = (
        NursingService.objects.filter(pk=service_id, hospital=hospital, active=True).first()
        if service_id is not None
        else None
    )
    if service is None:
        errors["service"] = "本院未开展该护理服务，请从列表中选择"
    if patient_kind not in PatientKind.values:
        errors["patient_kind"] = "请选择服务对象"
    patient_name = patient_name.strip()
    if not patient_name or len(patient_name) > 30:
        errors["patient_name"] = "请填写患者姓名（30字以内）"
    mobile = mobile.strip()
    if not MOBILE_RE.match(mobile):
        errors["mobile"] = "请填写11位手机号码"
    address = address.strip()
    if len(address) < 5 or len(address) > 120:
        errors["address"] = "请填写详细上门地址（5至120字）"
    if len(note) > 300:
        errors["note"] = "病情及需求请在300字以内"
    if errors:
        raise ValidationError(errors)
    assert service is not None
    requested_at = now or timezone.now()
    booking = NursingBooking(
        hospital=hospital,
        service=service,
        patient_kind=patient_kind,
        patient_name=pii.encrypt(patient_name),
        mobile=pii.encrypt(mobile),
        mobile_hash=pii.keyed_hash(mobile),
        address=pii.encrypt(address),
        note=note.strip(),
        requested_at=requested_at,
        due_at=promise_due(authority_id=hospital.authority_id, requested_at=requested_at),
    )
    for _ in range(5):
        booking.reference = _new_reference()
        try:
            with transaction.atomic():
                booking.save()
        except IntegrityError:
            continue
        break
    else:  # pragma: no cover - 31**8 references
        raise ValidationError("预约编号生成失败，请稍后再试")
    audit_log(action=AuditAction.DATA_CREATED, target=booking, username="公众预约")
    return booking


# --- the nursing office's steps ----------------------------------------------------------


def _locked(booking: NursingBooking) -> NursingBooking:
    return lock_one(NursingBooking, booking.pk)


@transaction.atomic
def booking_triage(
    *,
    access: Access,
    booking: NursingBooking,
    risk_level: str,
    assessment: str,
    request: HttpRequest | None = None,
) -> NursingBooking:
    """The first assessment: the booking is accepted, waiting for a nurse."""
    _require_office(access, booking.hospital_id, "评估")
    b = _locked(booking)
    _step(b, (NursingStatus.BOOKED,), "只有待评估的预约可以评估")
    errors = {}
    if risk_level not in RiskLevel.values:
        errors["risk_level"] = "请选择风险等级"
    if not assessment.strip():
        errors["assessment"] = "请填写首次评估意见"
    if errors:
        raise ValidationError(errors)
    b.risk_level = risk_level
    b.assessment = assessment.strip()
    b.status = NursingStatus.ACCEPTED
    b.triaged_at = timezone.now()
    b.triaged_by_id = access.user_id
    b.save()
    audit_log(action=AuditAction.DATA_CHANGED, request=request, actor_id=access.user_id, target=b)
    return b


@transaction.atomic
def booking_refuse(
    *,
    access: Access,
    booking: NursingBooking,
    reason: str,
    request: HttpRequest | None = None,
) -> NursingBooking:
    """Not accepted (e.g. the risk is too high for a home visit): the family sees the reason."""
    _require_office(access, booking.hospital_id, "处理")
    b = _locked(booking)
    _step(b, (NursingStatus.BOOKED, NursingStatus.ACCEPTED), "已派单或已上门的预约不能不予受理")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "请填写不予受理的原因"})
    if len(reason) > 200:
        raise ValidationError({"reason": "原因请在200字以内"})
    b.status = NursingStatus.REFUSED
    b.refused_reason = reason
    b.triaged_at = b.triaged_at or timezone.now()
    b.triaged_by_id = access.user_id
    b.save()
    audit_log(action=AuditAction.DATA_CHANGED, request=request, actor_id=access.user_id, target=b)
    return b


def check_nurse(profile: NurseProfile | None, rule: NursingRule, day: date) -> str:
    """Why a nurse may not be assigned under ``rule`` on ``day`` ("" when they may)."""
    if profile is None:
        return "该职工未登记为上门护士"
    return "；".join(nurse_shortfall(profile, rule, day))


@transaction.atomic
def booking_assign(
    *,
    access: Access,
    booking: NursingBooking,
    nurse: Person,
    request: HttpRequest | None = None,
) -> NursingBooking:
    """Send a qualified nurse (the rule in force: clinical years and title); the nurse is
    told through the inbox."""
    _require_office(access, booking.hospital_id, "派单")
    b = _locked(booking)
    _step(b, (NursingStatus.ACCEPTED, NursingStatus.ASSIGNED), "预约须先评估受理，才能派单")
    if nurse.hospital_id != b.hospital_id:
        raise ValidationError({"nurse": "只能派本院护士"})
    profile = NurseProfile.objects.filter(person=nurse, hospital_id=b.hospital_id).first()
    day = timezone.localdate()
    hospital = Hospital.objects.only("authority_id").get(pk=b.hospital_id)
    why = check_nurse(profile, nursing_rule_for(hospital.authority_id, day), day)
    if why:
        raise ValidationError({"nurse": f"该护士不符合上门护理资质：{why}"})
    if b.nurse_id == nurse.pk:
        raise ValidationError({"nurse": "已派给该护士"})
    b.nurse = nurse
    b.status = NursingStatus.ASSIGNED
    b.assigned_at = timezone.now()
    b.save()
    audit_log(action=AuditAction.DATA_CHANGED, request=request, actor_id=access.user_id, target=b)
    notify(
        recipients=User.objects.filter(person=nurse, is_active=True),
        title=f"上门护理派单：{b.service.name}",
        body=(
            f"预约编号{b.reference}，{NursingStatus.ASSIGNED.label}，"
            "请尽快联系患者并按承诺时限上门。"
        ),
        link=reverse("service:nursing_visit", args=[b.pk]),
        category=SYSTEM,
        key=f"service.nursing:{b.pk}:assigned:{nurse.pk}",
        important=True,
    )
    return b


@transaction.atomic
def booking_visit(
    *,
    access: Access,
    booking: NursingBooking,
    arrived_at: datetime,
    what_done: str,
    consumables: str = "",
    next_visit_on: date | None = None,
    request: HttpRequest | None = None,
) -> NursingBooking:
    """The assigned nurse (or the nursing office for them) records the visit."""
    if not (
        (booking.nurse_id is not None and access.person_id == booking.nurse_id)
        or manages_nursing(access, booking.hospital_id)
    ):
        raise access.denied(booking.hospital_id, "上门护理预约", "记录")
    b = _locked(booking)
    _step(b, (NursingStatus.ASSIGNED,), "预约派单后才能记录上门")
    errors = {}
    now = timezone.now()
    # The form gives the minute: a visit in the minute of the booking is not before it.
    if arrived_at < b.requested_at.replace(second=0, microsecond=0):
        errors["arrived_at"] = "到达时间不能早于预约时间"
    elif arrived_at > now + timedelta(minutes=5):
        errors["arrived_at"] = "到达时间不能晚于现在"
    if not what_done.strip():
        errors["what_done"] = "请填写护理内容"
    if next_visit_on is not None and next_visit_on <= timezone.localtime(arrived_at).date():
        errors["next_visit_on"] = "下次上门日期须晚于本次"
    if errors:
        raise ValidationError(errors)
    b.arrived_at = arrived_at
    b.what_done = what_done.strip()
    b.consumables = consumables.strip()
    b.next_visit_on = next_visit_on
    b.status = NursingStatus.VISITED
    b.save()
    audit_log(action=AuditAction.DATA_CHANGED, request=request, actor_id=access.user_id, target=b)
    return b


@transaction.atomic
def booking_close(
    *, access: Access, booking: NursingBooking, request: HttpRequest | None = None
) -> NursingBooking:
    """The nursing office closes a visited case."""
    _require_office(access, booking.hospital_id, "办结")
    b = _locked(booking)
    _step(b, (NursingStatus.VISITED,), "上门服务记录后才能办结")
    b.status = NursingStatus.CLOSED
    b.closed_at = timezone.now()
    b.closed_by_id = access.user_id
    b.save()
    audit_log(action=AuditAction.DATA_CHANGED, request=request, actor_id=access.user_id, target=b)
    return b


def booking_reveal(
    *, access: Access, booking: NursingBooking, request: HttpRequest | None = None
) -> dict[str, str]:
    """The patient's name, mobile and address in full, for the assigned nurse and the
    nursing office only (the hospital admin sees them masked); audited either way."""
    allowed = access.holds(Role.NURSING_OFFICE, booking.hospital_id) or (
        booking.nurse_id is not None and access.person_id == booking.nurse_id
    )
    audit_log(
        actor_id=access.user_id,
        action=AuditAction.REVEAL,
        request=request,
        target=booking,
        field="patient",
        success=allowed,
    )
    if not allowed:
        raise PermissionDenied("没有查看患者完整信息的权限")
    where = "service.nursingbooking"
    return {
        "patient_name": pii.masked(booking.patient_name, lambda v: v, where=where),
        "mobile": pii.masked(booking.mobile, lambda v: v, where=where),
        "address": pii.masked(booking.address, lambda v: v, where=where),
    }


# --- the rule ----------------------------------------------------------------------------


@transaction.atomic
def nursing_rule_add(
    *,
    access: Access,
    authority_id: int,
    effective_from: date,
    min_clinical_years: int,
    min_title: int,
    promise_hours: int,
    request: HttpRequest | None = None,
) -> NursingRule:
    """The city adds a version of the qualification rule and the promise."""
    if not access.is_city:
        raise PermissionDenied("只有市卫健委可以修改上门护理规则")
    errors = {}
    if not 0 <= min_clinical_years <= 40:
        errors["min_clinical_years"] = "年限须在0到40之间"
    if min_title not in NurseTitle.values:
        errors["min_title"] = "请选择最低职称"
    if not 1 <= promise_hours <= 168:
        errors["promise_hours"] = "承诺时限须在1到168小时之间"
    if NursingRule.objects.filter(
        authority_id=authority_id, effective_from=effective_from
    ).exists():
        errors["effective_from"] = "同一生效日期只能有一个版本"
    if errors:
        raise ValidationError(errors)
    rule = NursingRule(
        authority_id=authority_id,
        effective_from=effective_from,
        min_clinical_years=min_clinical_years,
        min_title=min_title,
        promise_hours=promise_hours,
    )
    rule.full_clean()
    rule.save()
    audit_log(
        action=AuditAction.DATA_CREATED, request=request, actor_id=access.user_id, target=rule
    )
    return rule
