"""Writes of the place register (服务地点): the villages, communities, schools and wards the
hospital serves, with their township and county. Only the hospital admin keeps it; a
stopped place keeps its history and is no longer offered for new activities."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.org.models import Hospital
from hongfan.service.choices import PlaceKind
from hongfan.service.models import Place
from hongfan.service.services.brand import require_hospital_admin


def _clean(name: str, kind: str, township: str, county: str) -> dict[str, str]:
    values = {
        "name": (name or "").replace("\x00", "").strip()[:60],
        "kind": kind,
        "township": (township or "").replace("\x00", "").strip()[:40],
        "county": (county or "").replace("\x00", "").strip()[:40],
    }
    errors = {}
    if not values["name"]:
        errors["name"] = "请填写地点名称"
    if not values["township"]:
        errors["township"] = "请填写所属乡镇/街道"
    if kind not in PlaceKind.values:
        errors["kind"] = "请选择地点类型"
    if errors:
        raise ValidationError(errors)
    return values


def _duplicate(hospital_id: int, values: dict[str, str], pk: int | None = None) -> None:
    qs = Place.objects.filter(
        hospital_id=hospital_id, township=values["township"], name=values["name"]
    )
    if pk is not None:
        qs = qs.exclude(pk=pk)
    if qs.exists():
        raise ValidationError({"name": "该乡镇/街道下已有同名地点"})


@transaction.atomic
def place_add(
    *,
    access: Access,
    hospital: Hospital,
    name: str,
    kind: str,
    township: str,
    county: str = "",
    request: HttpRequest | None = None,
) -> Place:
    require_hospital_admin(access, hospital.pk, "服务地点")
    values = _clean(name, kind, township, county)
    _duplicate(hospital.pk, values)
    place = Place.objects.create(hospital=hospital, **values)
    audit_log(
        action=AuditAction.DATA_CREATED,
        request=request,
        actor_id=access.user_id,
        target=place,
        hospital_id=hospital.pk,
    )
    return place


@transaction.atomic
def place_update(
    *,
    access: Access,
    place: Place,
    name: str,
    kind: str,
    township: str,
    county: str = "",
    active: bool = True,
    request: HttpRequest | None = None,
) -> Place:
    require_hospital_admin(access, place.hospital_id, "服务地点")
    values = _clean(name, kind, township, county)
    _duplicate(place.hospital_id, values, place.pk)
    for field, value in values.items():
        setattr(place, field, value)
    place.active = active
    try:
        with transaction.atomic():
            place.save()
    except IntegrityError:
        raise ValidationError({"name": "该乡镇/街道下已有同名地点"}) from None
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=place,
        hospital_id=place.hospital_id,
        active=active,
    )
    return place
