"""Builders of the 红帆驿站 and model-post rows for the tests (saved straight to the
database, no service), on the demo city's hospitals and users."""

from __future__ import annotations

import itertools
import secrets
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from hongfan.accounts.models import User
from hongfan.core.access import Access, access_for
from hongfan.org.models import Hospital, Person
from hongfan.service.choices import ActivityKind, ActivityStatus, ItemKind, SignupStatus
from hongfan.service.models import (
    Activity,
    LendItem,
    ServiceBrand,
    ServiceDesk,
    ServiceMeasure,
    Shift,
    Signup,
)

_n = itertools.count(1)


def acc(username: str) -> Access:
    return access_for(User.objects.get(username=username))


def person_of(username: str) -> Person:
    person = User.objects.get(username=username).person
    assert person is not None
    return person


def measure_for(hospital: Hospital) -> ServiceMeasure:
    brand = ServiceBrand.objects.filter(hospital=hospital).first() or ServiceBrand.objects.create(
        hospital=hospital, name="测试品牌"
    )
    return ServiceMeasure.objects.filter(brand=brand).order_by("pk").first() or (
        ServiceMeasure.objects.create(hospital=hospital, brand=brand, name="红帆驿站便民服务")
    )


def make_desk(hospital: Hospital, **extra: Any) -> ServiceDesk:
    return ServiceDesk.objects.create(
        hospital=hospital,
        name=extra.pop("name", f"测试驿站{next(_n)}"),
        location=extra.pop("location", "门诊楼一楼大厅"),
        opening_hours=extra.pop("opening_hours", "07:30-17:30"),
        **extra,
    )


def make_shift(
    desk: ServiceDesk,
    starts_at: datetime | None = None,
    *,
    hours: int = 4,
    capacity: int = 2,
) -> Shift:
    """A duty shift of the desk (its own roster activity); by default one under way now."""
    starts_at = starts_at or timezone.now() - timedelta(hours=1)
    ends_at = starts_at + timedelta(hours=hours)
    activity = Activity.objects.create(
        hospital_id=desk.hospital_id,
        measure=measure_for(desk.hospital),
        kind=ActivityKind.DESK_DUTY,
        status=ActivityStatus.PUBLISHED,
        title=f"{desk.name}值班",
        desk=desk,
        starts_at=starts_at,
        ends_at=ends_at,
        signup_deadline=starts_at,
        cancel_deadline=starts_at,
        checkin_token=secrets.token_urlsafe(32),
    )
    return Shift.objects.create(
        activity=activity, starts_at=starts_at, ends_at=ends_at, capacity=capacity
    )


def sign(person: Person, shift: Shift, status: str = SignupStatus.SIGNED) -> Signup:
    return Signup.objects.create(
        hospital_id=shift.activity.hospital_id,
        activity=shift.activity,
        shift=shift,
        person=person,
        status=status,
    )


def make_item(desk: ServiceDesk, stock: int = 2, **extra: Any) -> LendItem:
    return LendItem.objects.create(
        hospital_id=desk.hospital_id,
        desk=desk,
        kind=extra.pop("kind", ItemKind.WHEELCHAIR),
        name=extra.pop("name", f"轮椅{next(_n)}"),
        stock=stock,
        deposit=extra.pop("deposit", Decimal(0)),
        loan_hours=extra.pop("loan_hours", 24),
        **extra,
    )


def on_duty(username: str, desk: ServiceDesk) -> Signup:
    """Put a demo user on a shift of the desk under way now."""
    return sign(person_of(username), make_shift(desk))
