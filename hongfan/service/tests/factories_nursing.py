"""Builders of home-nursing rows for the tests (on the demo city's hospitals)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone

from hongfan.accounts.models import User
from hongfan.core.access import access_for
from hongfan.org.models import Hospital, Person
from hongfan.service.choices import NurseTitle, NursingStatus
from hongfan.service.models import NurseProfile, NursingBooking, NursingService
from hongfan.service.services import nursing as svc


def a_service(hospital: Hospital, *, name: str = "测试换药", active: bool = True) -> NursingService:
    return NursingService.objects.create(
        hospital=hospital, category="wound", name=name, active=active
    )


def a_nurse(
    hospital: Hospital,
    *,
    years: int = 8,
    title: int = NurseTitle.SUPERVISOR,
    active: bool = True,
) -> Person:
    person = (
        Person.objects.filter(hospital=hospital, status="active", nurse_profile__isnull=True)
        .order_by("-pk")
        .first()
    )
    assert person is not None
    today = timezone.localdate()
    NurseProfile.objects.create(
        hospital=hospital,
        person=person,
        title=title,
        active=active,
        clinical_since=date(today.year - years, 1, 1) if years else today,
    )
    return person


def a_booking(
    hospital: Hospital,
    *,
    service: NursingService | None = None,
    requested_at: datetime | None = None,
    mobile: str = "13912345678",
) -> NursingBooking:
    service = service or a_service(hospital, name=f"测试项目{NursingService.objects.count()}")
    return svc.booking_create(
        hospital=hospital,
        service_id=service.pk,
        patient_kind="elderly",
        patient_name="王桂兰",
        mobile=mobile,
        address="任城区古槐路12号院3号楼",
        note="卧床",
        now=requested_at,
    )


def office(username: str = "nursing") -> Any:
    return access_for(User.objects.get(username=username))


def to_status(b: NursingBooking, status: str, *, nurse: Person | None = None) -> NursingBooking:
    """Walk a booking through the steps up to ``status`` as the nursing office."""
    acc = office()
    if status == NursingStatus.REFUSED:
        return svc.booking_refuse(access=acc, booking=b, reason="病情不稳定")
    b = svc.booking_triage(access=acc, booking=b, risk_level="low", assessment="适合上门")
    if status == NursingStatus.ACCEPTED:
        return b
    b = svc.booking_assign(access=acc, booking=b, nurse=nurse or a_nurse(b.hospital))
    if status == NursingStatus.ASSIGNED:
        return b
    b = svc.booking_visit(access=acc, booking=b, arrived_at=timezone.now(), what_done="换药")
    if status == NursingStatus.VISITED:
        return b
    return svc.booking_close(access=acc, booking=b)
