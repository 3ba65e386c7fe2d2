"""Writes of what an activity did (服务记录): for a free clinic, patrol or talk the people
served by service, referrals, materials, medicine given and a summary; photos of any
activity; for a home visit the households visited (personal data encrypted) and their
follow-ups. Written by the activity's organisers once it has begun."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.pii import encrypt, keyed_hash
from hongfan.core.uploads import IMAGE_TYPES, UploadRefused, upload_check
from hongfan.service.choices import ActivityKind, ActivityStatus, ServedKind
from hongfan.service.models import (
    Activity,
    ActivityPhoto,
    Household,
    ServedCount,
    ServiceRecord,
)
from hongfan.service.services.activity import require_organiser

COUNT_MAX = 100_000
MEDICINE_MAX = Decimal("10000000")
PHOTOS_MAX = 30
HOUSEHOLDS_MAX = 500
VISIT_KINDS = (ActivityKind.HOME_VISIT,)


def require_recordable(access: Access, activity: Activity) -> None:
    """The organisers record an activity once it has begun (and was not cancelled)."""
    require_organiser(access, activity.hospital_id, activity.branch_id)
    if activity.status in (ActivityStatus.DRAFT, ActivityStatus.CANCELLED):
        raise ValidationError({"status": "草稿或已取消的活动不能记录服务情况"})
    if activity.starts_at > timezone.now():
        raise ValidationError({"status": "活动尚未开始，开始后才能记录服务情况"})


@transaction.atomic
def record_save(
    *,
    access: Access,
    activity: Activity,
    people_served: int,
    counts: Mapping[str, int],
    referrals: int = 0,
    materials: int = 0,
    medicine_value: Decimal = Decimal(0),
    summary: str = "",
    request: HttpRequest | None = None,
) -> ServiceRecord:
    """Write (or rewrite) the activity's record: its figures and the 人次 per service."""
    require_recordable(access, activity)
    errors: dict[str, str] = {}
    for field, value in (
        ("people_served", people_served),
        ("referrals", referrals),
        ("materials", materials),
    ):
        if value is None or not 0 <= value <= COUNT_MAX:
            errors[field] = f"请填写0至{COUNT_MAX}之间的整数"
    for kind, value in counts.items():
        if kind not in ServedKind.values:
            errors["counts"] = "服务项目不正确"
        elif value is None or not 0 <= value <= COUNT_MAX:
            errors[kind] = f"请填写0至{COUNT_MAX}之间的整数"
    medicine_value = Decimal(str(medicine_value)) if medicine_value is not None else None  # type: ignore[assignment]
    if medicine_value is None or not Decimal(0) <= medicine_value < MEDICINE_MAX:
        errors["medicine_value"] = "赠送药品价值应在0至1000万元之间"
    if not errors and referrals > people_served:
        errors["referrals"] = "转诊人数不能多于服务人数"
    if errors:
        raise ValidationError(errors)
    record, created = ServiceRecord.objects.select_for_update().get_or_create(
        activity=activity, defaults={"recorded_by_id": access.user_id}
    )
    record.people_served = people_served
    record.referrals = referrals
    record.materials = materials
    record.medicine_value = medicine_value.quantize(Decimal("0.01"))
    record.summary = (summary or "").replace("\x00", "").strip()[:5000]
    record.recorded_by_id = access.user_id
    record.save()
    ServedCount.objects.filter(record=record).delete()
    ServedCount.objects.bulk_create(
        [ServedCount(record=record, kind=k, count=v) for k, v in counts.items() if v]
    )
    audit_log(
        action=AuditAction.DATA_CREATED if created else AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=record,
        hospital_id=activity.hospital_id,
        people_served=people_served,
    )
    return record


@transaction.atomic
def household_add(
    *,
    access: Access,
    activity: Activity,
    name: str,
    what_done: str,
    mobile: str = "",
    address: str = "",
    follow_up_needed: bool = False,
    follow_up_note: str = "",
    follow_up_due: date | None = None,
    request: HttpRequest | None = None,
) -> Household:
    """A household visited on a 送医上门 (name, mobile and address encrypted at rest)."""
    require_recordable(access, activity)
    errors: dict[str, str] = {}
    if activity.kind not in VISIT_KINDS:
        errors["name"] = "只有送医上门活动记录走访家庭"
    name = (name or "").replace("\x00", "").strip()[:30]
    what_done = (what_done or "").replace("\x00", "").strip()[:2000]
    mobile = (mobile or "").replace("\x00", "").strip()
    if not name:
        errors["name"] = "请填写户主姓名"
    if not what_done:
        errors["what_done"] = "请填写服务内容"
    if mobile and not (mobile.isascii() and mobile.isdigit() and len(mobile) == 11):
        errors["mobile"] = "手机号应为11位数字"
    if follow_up_needed and follow_up_due is None:
        errors["follow_up_due"] = "需要随访时请填写随访日期"
    if follow_up_due is not None and not follow_up_needed:
        follow_up_due = None
    if follow_up_due is not None and follow_up_due < timezone.localtime(activity.starts_at).date():
        errors["follow_up_due"] = "随访日期不能早于走访日期"
    if Household.objects.filter(activity=activity).count() >= HOUSEHOLDS_MAX:
        errors["name"] = f"一次活动最多记录{HOUSEHOLDS_MAX}户"
    if errors:
        raise ValidationError(errors)
    row = Household.objects.create(
        hospital_id=activity.hospital_id,
        activity=activity,
        name=encrypt(name),
        mobile=encrypt(mobile),
        mobile_hash=keyed_hash(mobile) if mobile else "",
        address=encrypt((address or "").replace("\x00", "").strip()[:200]),
        what_done=what_done,
        follow_up_needed=follow_up_needed,
        follow_up_note=(follow_up_note or "").replace("\x00", "").strip()[:200],
        follow_up_due=follow_up_due,
        recorded_by_id=access.user_id,
    )
    audit_log(
        action=AuditAction.DATA_CREATED,
        request=request,
        actor_id=access.user_id,
        target=row,
        hospital_id=activity.hospital_id,
    )
    return row


@transaction.atomic
def household_followed_up(
    *, access: Access, household: Household, request: HttpRequest | None = None
) -> Household:
    """Mark a household's follow-up as done (it leaves the to-do list)."""
    require_organiser(access, household.activity.hospital_id, household.activity.branch_id)
    row = Household.objects.select_for_update().get(pk=household.pk)
    if not row.follow_up_needed:
        raise ValidationError({"status": "该家庭不需要随访"})
    if row.followed_up_at is not None:
        raise ValidationError({"status": "已记录随访"})
    row.followed_up_at = timezone.now()
    row.save(update_fields=["followed_up_at"])
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=row,
        hospital_id=row.hospital_id,
        followed_up=True,
    )
    return row


@transaction.atomic
def photo_add(
    *, access: Access, activity: Activity, upload: UploadedFile, caption: str = ""
) -> ActivityPhoto:
    """A photo of the activity (JPEG/PNG/WebP by content), stored re-encoded without EXIF."""
    require_recordable(access, activity)
    if ActivityPhoto.objects.filter(activity=activity).count() >= PHOTOS_MAX:
        raise ValidationError({"file": f"每次活动最多{PHOTOS_MAX}张照片"})
    try:
        checked = upload_check(upload, IMAGE_TYPES, noun="照片")
    except UploadRefused as exc:
        raise ValidationError({"file": str(exc)}) from None
    row = ActivityPhoto(
        activity=activity,
        caption=(caption or "").replace("\x00", "").strip()[:100],
        uploaded_by_id=access.user_id,
    )
    row.file.save(f"{secrets.token_hex(12)}.{checked.kind}", checked.content, save=False)
    row.save()
    return row
