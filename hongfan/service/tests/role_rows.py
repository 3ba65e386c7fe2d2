"""service's rows of the role matrix (hongfan/tests/test_role_matrix.py takes them in): every
URL × every role — allowed, 403, 404 or sent to log in — and a denied write changes
nothing. One block per part of the app."""

from __future__ import annotations

import base64
from typing import Any

from hongfan.core.testing.role_matrix import DONE, FORBIDDEN, MISSING, OK, Row, only, roles  # noqa: F401


# --- activities: brand, measures, places, planning, records -------------------------------
# Targets in the demo's primary hospital: a draft free clinic of sec's branch (``act_draft``),
# a free clinic and a home visit of sec's branch that began an hour ago (``act_begun``,
# ``act_visit``, published), a household needing a follow-up, a photo; made on first use
# inside the test's transaction.
def _act(t: Any, key: str, kind: str = "free_clinic", begun: bool = False) -> Any:
    if key not in t.values:
        from datetime import timedelta

        from django.utils import timezone

        from hongfan.service.models import Activity
        from hongfan.service.tests.factories_activities import plan

        a = plan(kind=kind, title=f"矩阵{key}")
        if begun:
            starts = timezone.now() - timedelta(hours=1)
            Activity.objects.filter(pk=a.pk).update(
                status="published",
                starts_at=starts,
                ends_at=starts + timedelta(hours=3),
                signup_deadline=starts - timedelta(hours=2),
                cancel_deadline=starts - timedelta(hours=3),
            )
            a.shifts.update(starts_at=starts, ends_at=starts + timedelta(hours=3))
            a.refresh_from_db()
        t.values[key] = a
    return t.values[key]


def act_draft(t: Any) -> Any:
    return _act(t, "draft")


def act_begun(t: Any) -> Any:
    return _act(t, "begun", begun=True)


def act_visit(t: Any) -> Any:
    return _act(t, "visit", kind="home_visit", begun=True)


def act_household(t: Any) -> Any:
    if "household" not in t.values:
        from hongfan.core.dates import today
        from hongfan.service.services.record import household_add
        from hongfan.service.tests.factories_activities import acc

        t.values["household"] = household_add(
            access=acc("sec"),
            activity=act_visit(t),
            name="王秀英",
            what_done="测血压",
            follow_up_needed=True,
            follow_up_due=today(),
        )
    return t.values["household"]


PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def act_photo(t: Any) -> Any:
    if "photo" not in t.values:
        from django.core.files.base import ContentFile

        from hongfan.service.services.record import photo_add
        from hongfan.service.tests.factories_activities import acc

        t.values["photo"] = photo_add(
            access=acc("sec"),
            activity=act_begun(t),
            upload=ContentFile(PNG, name="义诊.png"),  # type: ignore[arg-type]
        )
    return t.values["photo"]


def act_upload(t: Any) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    act_begun(t)
    return {"file": SimpleUploadedFile("合影.png", PNG, content_type="image/png")}


def primary_measure(t: Any) -> Any:
    from hongfan.service.tests.factories_activities import measure_of

    return measure_of(t.hospital)


def primary_place(t: Any) -> Any:
    from hongfan.service.tests.factories_activities import place_of

    return place_of(t.hospital)


def activity_payload(t: Any) -> dict[str, Any]:
    from datetime import timedelta

    from hongfan.core.dates import today

    day = today() + timedelta(days=5)
    return {
        "organiser": str(t.branch.pk),
        "kind": "free_clinic",
        "title": "矩阵义诊",
        "measure": primary_measure(t).pk,
        "place": primary_place(t).pk,
        "day": day.isoformat(),
        "start": "08:30",
        "end": "11:30",
        "signup_day": (day - timedelta(days=1)).isoformat(),
        "signup_time": "18:00",
        "cancel_day": (day - timedelta(days=1)).isoformat(),
        "cancel_time": "12:00",
        "open_to_staff": "on",
        "shift-TOTAL_FORMS": "1",
        "shift-INITIAL_FORMS": "0",
        "shift-0-label": "上午",
        "shift-0-start": "08:30",
        "shift-0-end": "11:30",
        "shift-0-capacity": "8",
    }


def _edit_payload(t: Any) -> dict[str, Any]:
    return {**activity_payload(t), "title": "矩阵义诊（改）"}


_SEP = {r: FORBIDDEN for r in ("audit", "security", "sysadmin")}
# A row of sec's branch: its secretary and the hospital admin manage it.
_MANAGED = roles(FORBIDDEN, hosp=OK, sec=OK, hosp2=MISSING)
_MANAGED_WRITE = {**_MANAGED, "hosp": DONE, "sec": DONE}
# A row the hospital admin keeps (another hospital's: a 404).
_ADMIN_ROW = roles(FORBIDDEN, hosp=OK, hosp2=MISSING)
_ADMIN_ROW_WRITE = {**_ADMIN_ROW, "hosp": DONE}
# The hospital's organisers and the city read; members are refused.
_ORGANISERS = roles(FORBIDDEN, city=OK, hosp=OK, sec=OK, hosp2=OK)

ACTIVITY_ROWS: dict[str, Row] = {
    "service:brand": Row(get=roles(FORBIDDEN, city=OK, hosp=OK, sec=OK, member=OK, hosp2=OK)),
    "service:brand_edit": Row(
        get=only(hosp=True, hosp2=True),
        post=only(DONE, hosp=True, hosp2=True),
        payload=lambda t: {"name": "心连馨", "slogan": "用心服务", "description": "矩阵"},
    ),
    "service:measure_new": Row(
        get=only(hosp=True, hosp2=True),
        post=only(DONE, hosp=True, hosp2=True),
        payload=lambda t: {"name": "矩阵举措", "order": "9"},
    ),
    "service:measure_edit": Row(
        get=_ADMIN_ROW,
        post=_ADMIN_ROW_WRITE,
        payload=lambda t: {"name": primary_measure(t).name, "order": "1", "active": "on"},
        args=lambda t: [primary_measure(t).pk],
    ),
    "service:places": Row(get=_ORGANISERS),
    "service:place_new": Row(
        get=only(hosp=True, hosp2=True),
        post=only(DONE, hosp=True, hosp2=True),
        payload=lambda t: {"name": "矩阵村", "kind": "village", "township": "新驿镇"},
    ),
    "service:place_edit": Row(
        get=_ADMIN_ROW,
        post=_ADMIN_ROW_WRITE,
        payload=lambda t: {
            "name": "矩阵村2",
            "kind": "village",
            "township": "新驿镇",
            "active": "on",
        },
        args=lambda t: [primary_place(t).pk],
    ),
    "service:activities": Row(get=_ORGANISERS),
    "service:activity_new": Row(
        get=only(hosp=True, sec=True, hosp2=True),
        # hosp2: sec's branch is not among their organisers: the form says so, nothing saved
        post=only(DONE, hosp=True, sec=True, hosp2=OK),
        payload=activity_payload,
    ),
    "service:lead_search": Row(get=only(hosp=True, sec=True, hosp2=True)),
    "service:activity": Row(
        get=roles(FORBIDDEN, city=OK, hosp=OK, sec=OK, hosp2=MISSING),
        args=lambda t: [act_draft(t).pk],
    ),
    "service:activity_edit": Row(
        get=_MANAGED, post=_MANAGED_WRITE, payload=_edit_payload, args=lambda t: [act_draft(t).pk]
    ),
    "service:activity_publish": Row(
        post=_MANAGED_WRITE, payload=lambda t: {}, args=lambda t: [act_draft(t).pk]
    ),
    "service:activity_cancel": Row(
        post=_MANAGED_WRITE,
        payload=lambda t: {"reason": "矩阵取消"},
        args=lambda t: [act_draft(t).pk],
    ),
    "service:record": Row(
        get=_MANAGED,
        post=_MANAGED_WRITE,
        payload=lambda t: {
            "people_served": "60",
            "referrals": "2",
            "materials": "80",
            "medicine_value": "300",
            "served_blood_pressure": "40",
        },
        args=lambda t: [act_begun(t).pk],
    ),
    "service:household_new": Row(
        get=_MANAGED,
        post=_MANAGED_WRITE,
        payload=lambda t: {"name": "李桂兰", "what_done": "测血糖", "mobile": "13900001111"},
        args=lambda t: [act_visit(t).pk],
    ),
    "service:household_followed_up": Row(
        post=_MANAGED_WRITE, payload=lambda t: {}, args=lambda t: [act_household(t).pk]
    ),
    "service:photo_add": Row(
        post=_MANAGED_WRITE, payload=act_upload, args=lambda t: [act_begun(t).pk]
    ),
    # A published activity's photo: whoever of the hospital may read the activity.
    "service:photo": Row(
        get=roles(FORBIDDEN, city=OK, hosp=OK, sec=OK, member=OK, hosp2=MISSING),
        args=lambda t: [act_photo(t).pk],
    ),
    "service:follow_ups": Row(get=only(hosp=True, sec=True, hosp2=True)),
}


# --- sign-up, check-in, hours, volunteer record ------------------------------------------
HOURS_ROWS: dict[str, Row] = {}


# --- 红帆驿站 and model posts --------------------------------------------------------------
DESK_ROWS: dict[str, Row] = {}


# --- 互联网+护理服务 -------------------------------------------------------------------------
NURSING_ROWS: dict[str, Row] = {}


# --- dashboards ----------------------------------------------------------------------------
DASHBOARD_ROWS: dict[str, Row] = {
    "service:dashboard": Row(get=only(city=True, hosp=True, hosp2=True)),
    "service:dashboard_city": Row(get=only(city=True)),
}


TABLE: dict[str, Row] = {
    **ACTIVITY_ROWS,
    **HOURS_ROWS,
    **DESK_ROWS,
    **NURSING_ROWS,
    **DASHBOARD_ROWS,
}
