"""Writes of the hospital's service brand (服务品牌) and its measures (服务举措): the hospital
admin keeps the name, slogan and description, and adds, renames, orders and stops measures.
A stopped measure keeps its history (its activities stay counted under it)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.org.models import Hospital
from hongfan.service.models import ServiceBrand, ServiceMeasure

MEASURES_MAX = 30


def require_hospital_admin(access: Access, hospital_id: int, what: str = "服务品牌") -> None:
    """Only the hospital's admin (医院党委) keeps its brand, measures and places."""
    access.require_business()
    if not access.administers_hospital(hospital_id):
        raise PermissionDenied(f"{what}由医院党委维护")


def _text(value: str | None, limit: int) -> str:
    return (value or "").replace("\x00", "").strip()[:limit]


@transaction.atomic
def brand_save(
    *,
    access: Access,
    hospital: Hospital,
    name: str,
    slogan: str = "",
    description: str = "",
    request: HttpRequest | None = None,
) -> ServiceBrand:
    """Create or change the hospital's brand (one per hospital)."""
    require_hospital_admin(access, hospital.pk)
    name = _text(name, 50)
    if not name:
        raise ValidationError({"name": "请填写品牌名称"})
    brand = ServiceBrand.objects.select_for_update().filter(hospital=hospital).first()
    created = brand is None
    if brand is None:
        brand = ServiceBrand(hospital=hospital)
    brand.name = name
    brand.slogan = _text(slogan, 100)
    brand.description = _text(description, 2000)
    brand.save()
    audit_log(
        action=AuditAction.DATA_CREATED if created else AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=brand,
        hospital_id=hospital.pk,
    )
    return brand


@transaction.atomic
def measure_add(
    *,
    access: Access,
    brand: ServiceBrand,
    name: str,
    description: str = "",
    order: int | None = None,
    request: HttpRequest | None = None,
) -> ServiceMeasure:
    require_hospital_admin(access, brand.hospital_id)
    name = _text(name, 60)
    if not name:
        raise ValidationError({"name": "请填写举措名称"})
    if ServiceMeasure.objects.filter(brand=brand).count() >= MEASURES_MAX:
        raise ValidationError({"name": f"一个品牌最多{MEASURES_MAX}项举措"})
    if ServiceMeasure.objects.filter(brand=brand, name=name).exists():
        raise ValidationError({"name": "同一品牌下已有同名举措"})
    if order is None:
        last = ServiceMeasure.objects.filter(brand=brand).order_by("-order").first()
        order = (last.order + 1) if last else 1
    measure = ServiceMeasure.objects.create(
        hospital_id=brand.hospital_id,
        brand=brand,
        name=name,
        description=_text(description, 1000),
        order=max(0, min(order, 999)),
    )
    audit_log(
        action=AuditAction.DATA_CREATED,
        request=request,
        actor_id=access.user_id,
        target=measure,
        hospital_id=brand.hospital_id,
    )
    return measure


@transaction.atomic
def measure_update(
    *,
    access: Access,
    measure: ServiceMeasure,
    name: str,
    description: str = "",
    order: int = 0,
    active: bool = True,
    request: HttpRequest | None = None,
) -> ServiceMeasure:
    """Rename, reorder, stop (``active=False``) or restart a measure."""
    require_hospital_admin(access, measure.hospital_id)
    name = _text(name, 60)
    if not name:
        raise ValidationError({"name": "请填写举措名称"})
    if (
        ServiceMeasure.objects.filter(brand_id=measure.brand_id, name=name)
        .exclude(pk=measure.pk)
        .exists()
    ):
        raise ValidationError({"name": "同一品牌下已有同名举措"})
    measure.name = name
    measure.description = _text(description, 1000)
    measure.order = max(0, min(order, 999))
    measure.active = active
    try:
        with transaction.atomic():
            measure.save()
    except IntegrityError:
        raise ValidationError({"name": "同一品牌下已有同名举措"}) from None
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=measure,
        hospital_id=measure.hospital_id,
        active=active,
    )
    return measure
