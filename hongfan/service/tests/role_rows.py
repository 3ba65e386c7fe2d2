"""service's rows of the role matrix (hongfan/tests/test_role_matrix.py takes them in): every
URL × every role — allowed, 403, 404 or sent to log in — and a denied write changes
nothing. One block per part of the app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from hongfan.core.testing.role_matrix import (  # noqa: F401
    DONE,
    FORBIDDEN,
    MISSING,
    OK,
    ROLES,
    Row,
    only,
    roles,
)

# --- activities: brand, measures, places, planning, records -------------------------------
ACTIVITY_ROWS: dict[str, Row] = {}


# --- sign-up, check-in, hours, volunteer record ------------------------------------------
HOURS_ROWS: dict[str, Row] = {}


# --- 红帆驿站 and model posts --------------------------------------------------------------
DESK_ROWS: dict[str, Row] = {}


# --- 互联网+护理服务 -------------------------------------------------------------------------
def _nursing_booking(t: Any, status: str) -> Any:
    from hongfan.service.models import NursingBooking

    return NursingBooking.objects.filter(hospital=t.hospital, status=status).order_by("pk").first()


def _nursing_args(status: str) -> Callable[[Any], list[Any]]:
    return lambda t: [_nursing_booking(t, status).pk]


def _nursing_service(t: Any) -> Any:
    from hongfan.service.models import NursingService

    return NursingService.objects.filter(hospital=t.hospital, active=True).order_by("pk").first()


def _nursing_qualified(t: Any) -> Any:
    from hongfan.service.models import NurseProfile

    return (
        NurseProfile.objects.filter(hospital=t.hospital, title__gte=2)
        .select_related("person")
        .order_by("pk")
        .first()
    )


def _nursing_book_payload(t: Any) -> dict[str, Any]:
    return {
        "service": _nursing_service(t).pk,
        "patient_kind": "elderly",
        "patient_name": "王桂兰",
        "mobile": "13912345678",
        "address": "任城区古槐路12号院3号楼2单元501",
        "note": "卧床，需要换药",
    }


def _nursing_candidate(t: Any) -> Any:
    from hongfan.org.models import Person

    return (
        Person.objects.filter(hospital=t.hospital, status="active", title__contains="护")
        .exclude(nurse_profile__isnull=False)
        .order_by("pk")
        .first()
    )


_NURSING_OFFICE = {"hosp": True, "nursing": True, "hosp2": MISSING}
_NURSING_PUBLIC = dict.fromkeys(ROLES, OK)

NURSING_ROWS: dict[str, Row] = {
    # Public pages (no login, from the hospital's QR code).
    "service:nursing_book": Row(
        get=_NURSING_PUBLIC,
        post=_NURSING_PUBLIC,
        payload=_nursing_book_payload,
        args=lambda t: [t.hospital.pk],
    ),
    "service:nursing_status": Row(
        get=_NURSING_PUBLIC,
        post=_NURSING_PUBLIC,
        payload=lambda t: {"reference": "HL2345ABCD", "last4": "5678"},
    ),
    # The nursing office and the hospital admin (of their own hospital).
    "service:nursing_queue": Row(get=only(hosp=True, hosp2=True, nursing=True)),
    "service:nursing_booking": Row(get=only(**_NURSING_OFFICE), args=_nursing_args("booked")),
    "service:nursing_triage": Row(
        post=only(DONE, **_NURSING_OFFICE),
        payload=lambda t: {"risk_level": "low", "assessment": "电话评估：适合上门"},
        args=_nursing_args("booked"),
    ),
    "service:nursing_refuse": Row(
        post=only(DONE, **_NURSING_OFFICE),
        payload=lambda t: {"reason": "病情不稳定，建议来院就诊"},
        args=_nursing_args("booked"),
    ),
    "service:nursing_assign": Row(
        post=only(DONE, **_NURSING_OFFICE),
        payload=lambda t: {"nurse": _nursing_qualified(t).person_id},
        args=_nursing_args("accepted"),
    ),
    "service:nursing_visit": Row(
        get=only(**_NURSING_OFFICE),
        post=only(DONE, **_NURSING_OFFICE),
        payload=lambda t: {
            "arrived_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "what_done": "更换敷料，指导家属",
        },
        args=_nursing_args("assigned"),
    ),
    "service:nursing_close": Row(post=only(DONE, **_NURSING_OFFICE), args=_nursing_args("closed")),
    # A nurse's visits: anyone with a staff record (empty unless visits are assigned).
    "service:nursing_mine": Row(
        get=roles(
            OK,
            city=FORBIDDEN,
            nursing=FORBIDDEN,
            audit=FORBIDDEN,
            security=FORBIDDEN,
            sysadmin=FORBIDDEN,
        )
    ),
    "service:nursing_services": Row(
        get=only(hosp=True, hosp2=True, nursing=True),
        post=only(DONE, hosp=True, hosp2=True, nursing=True),
        payload=lambda t: {
            "category": "basic",
            "name": "上门输液港维护",
            "order": 9,
            "active": "on",
        },
    ),
    "service:nursing_service_edit": Row(
        get=only(**_NURSING_OFFICE),
        post=only(DONE, **_NURSING_OFFICE),
        payload=lambda t: {"category": "basic", "name": "生命体征监测（改）", "order": 1},
        args=lambda t: [_nursing_service(t).pk],
    ),
    "service:nursing_nurses": Row(
        get=only(hosp=True, hosp2=True, nursing=True),
        # hosp2 cannot pick a nurse of another hospital: the form answers again.
        post=only(DONE, hosp=True, hosp2=OK, nursing=True),
        payload=lambda t: {
            "person": _nursing_candidate(t).pk,
            "clinical_since": "2012-03-01",
            "title": 3,
            "active": "on",
        },
    ),
    "service:nursing_nurse_edit": Row(
        get=only(**_NURSING_OFFICE),
        post=only(DONE, **_NURSING_OFFICE),
        payload=lambda t: {"clinical_since": "2010-01-01", "title": 3, "active": "on"},
        args=lambda t: [_nursing_qualified(t).pk],
    ),
    # The figures: the city reads every hospital's (no personal data).
    "service:nursing_promise": Row(get=only(city=True, hosp=True, hosp2=True, nursing=True)),
    "service:nursing_city": Row(get=only(city=True)),
    "service:nursing_rules": Row(
        get=only(city=True),
        post=only(DONE, city=True),
        payload=lambda t: {
            "effective_from": "2199-01-01",
            "min_clinical_years": 5,
            "min_title": 2,
            "promise_hours": 24,
        },
    ),
}


# --- dashboards ----------------------------------------------------------------------------
DASHBOARD_ROWS: dict[str, Row] = {}


TABLE: dict[str, Row] = {
    **ACTIVITY_ROWS,
    **HOURS_ROWS,
    **DESK_ROWS,
    **NURSING_ROWS,
    **DASHBOARD_ROWS,
}
