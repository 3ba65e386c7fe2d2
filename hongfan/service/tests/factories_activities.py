"""Builders of the activities part's tests: the demo users' accesses, a measure and a place
of a hospital, and an activity planned through the service (as a user would)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from hongfan.accounts.models import User
from hongfan.core.access import Access, access_for
from hongfan.core.dates import today
from hongfan.org.models import Hospital, Person
from hongfan.org.tests.factories import primary, sec_branch
from hongfan.service.choices import PlaceKind
from hongfan.service.models import (
    Activity,
    Household,
    Place,
    ServedCount,
    ServiceMeasure,
    ServiceRecord,
    Shift,
    Signup,
)
from hongfan.service.services.activity import ActivityPlan, ShiftSpec, activity_create
from hongfan.service.services.brand import brand_save, measure_add


def acc(username: str) -> Access:
    user = User.objects.get(username=username)
    user.__dict__.pop("_hongfan_access", None)
    return access_for(user)


def at(day: Any, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def measure_of(hospital: Hospital | None = None) -> ServiceMeasure:
    hospital = hospital or primary()
    found = ServiceMeasure.objects.filter(hospital=hospital, active=True).order_by("pk").first()
    if found is not None:
        return found
    admin = acc("hosp") if hospital == primary() else acc("hosp2")
    brand = brand_save(access=admin, hospital=hospital, name="测试品牌")
    return measure_add(access=admin, brand=brand, name="测试举措")


def place_of(hospital: Hospital | None = None, name: str = "测试村") -> Place:
    hospital = hospital or primary()
    place, _ = Place.objects.get_or_create(
        hospital=hospital,
        township="测试镇",
        name=name,
        defaults={"kind": PlaceKind.VILLAGE, "county": "兖州区"},
    )
    return place


def lead_of(hospital: Hospital | None = None) -> Person:
    return Person.objects.filter(hospital=hospital or primary(), status="active").order_by("pk")[0]


def plan(access: Access | None = None, *, days: int = 7, **kw: Any) -> Activity:
    """A free clinic of sec's branch ``days`` from today, 08:30–11:30, one shift of 10;
    ``hospital`` and ``branch`` choose the organiser, the other keywords change the plan."""
    hospital = kw.pop("hospital", primary())
    branch = kw.pop("branch", sec_branch())
    return activity_create(
        access=access or acc("sec"), hospital=hospital, branch=branch, plan=plan_of(days=days, **kw)
    )


def plan_of(*, days: int = 7, **kw: Any) -> ActivityPlan:
    """The plan of ``plan()``'s free clinic, with ``kw`` changed."""
    day = today() + timedelta(days=days)
    starts, ends = at(day, 8, 30), at(day, 11, 30)
    values: dict[str, Any] = {
        "kind": "free_clinic",
        "title": "测试义诊",
        "measure": measure_of(),
        "place": place_of(),
        "starts_at": starts,
        "ends_at": ends,
        "signup_deadline": starts - timedelta(hours=12),
        "cancel_deadline": starts - timedelta(hours=20),
        "shifts": [ShiftSpec(starts, ends, 10, "全程", lead_of())],
    }
    values.update(kw)
    return ActivityPlan(**values)


def state() -> tuple[Any, ...]:
    """What a refused write must leave unchanged."""
    return (
        list(Activity.objects.order_by("pk").values_list("pk", "status", "title", "starts_at")),
        Shift.objects.count(),
        Signup.objects.count(),
        list(ServiceRecord.objects.order_by("pk").values_list("people_served", "referrals")),
        ServedCount.objects.count(),
        Household.objects.count(),
        list(Place.objects.order_by("pk").values_list("name", "active")),
        list(ServiceMeasure.objects.order_by("pk").values_list("name", "active", "order")),
    )
