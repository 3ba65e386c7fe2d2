"""service's rows of the role matrix (hongfan/tests/test_role_matrix.py takes them in): every
URL × every role — allowed, 403, 404 or sent to log in — and a denied write changes
nothing. One block per part of the app."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from hongfan.core.testing.role_matrix import (  # noqa: F401
    DONE,
    FORBIDDEN,
    MISSING,
    OK,
    Row,
    only,
    roles,
)

# --- activities: brand, measures, places, planning, records -------------------------------
ACTIVITY_ROWS: dict[str, Row] = {}


# --- sign-up, check-in, hours, volunteer record ------------------------------------------
def _hours_lazy(t: Any, key: str, build: Any) -> Any:
    if key not in t.values:
        t.values[key] = build()
    return t.values[key]


def hr_upcoming(t: Any) -> Any:
    """A published activity of sec's branch the day after tomorrow, one shift of 5 places."""
    from hongfan.service.tests.factories_hours import make_activity

    return _hours_lazy(
        t, "hr_upcoming", lambda: make_activity(t.hospital, branch=t.branch, capacity=5)
    )


def hr_member_signup(t: Any) -> Any:
    """The demo member's sign-up for ``hr_upcoming``."""
    from hongfan.service.services.signup import signup_create
    from hongfan.service.tests.factories_hours import demo_access

    return _hours_lazy(
        t,
        "hr_member_signup",
        lambda: signup_create(access=demo_access("member"), shift=hr_upcoming(t).shifts.get()),
    )


def hr_started(t: Any) -> Any:
    """An activity of sec's branch that began ten minutes ago, the member signed up for it
    (not yet checked in)."""
    from datetime import timedelta

    from django.utils import timezone

    from hongfan.service.services.signup import signup_create
    from hongfan.service.tests.factories_hours import demo_access, make_activity

    def build() -> Any:
        start = timezone.now() - timedelta(minutes=10)
        a = make_activity(t.hospital, branch=t.branch, starts_at=start, title="社区健康巡诊")
        row = signup_create(
            access=demo_access("member"), shift=a.shifts.get(), now=start - timedelta(days=1)
        )
        return a, row

    return _hours_lazy(t, "hr_started", build)


def hr_ended(t: Any, *, confirmed: bool = False) -> Any:
    """An activity of sec's branch that ended an hour ago, the member checked in and out
    (its hours confirmed when ``confirmed``)."""
    from datetime import timedelta

    from django.utils import timezone

    from hongfan.service.services.hours import hours_confirm
    from hongfan.service.services.signup import signup_create, signup_mark
    from hongfan.service.tests.factories_hours import demo_access, make_activity

    def build() -> Any:
        start = timezone.now() - timedelta(hours=4)
        a = make_activity(
            t.hospital,
            branch=t.branch,
            starts_at=start,
            title="义诊下乡" + ("（已确认）" if confirmed else ""),
        )
        sec = demo_access("sec")
        row = signup_create(
            access=demo_access("member"), shift=a.shifts.get(), now=start - timedelta(days=1)
        )
        signup_mark(access=sec, signup=row, action="in", now=start)
        signup_mark(access=sec, signup=row, action="out", now=start + timedelta(hours=2))
        if confirmed:
            hours_confirm(access=sec, activity=a)
        return a, row

    return _hours_lazy(t, "hr_confirmed" if confirmed else "hr_ended", build)


HR_SEP = {"audit": FORBIDDEN, "security": FORBIDDEN, "sysadmin": FORBIDDEN}
# Every user with a Person volunteers (hosp and hosp2 are staff of their hospitals too);
# the city has none; the 三员 use no volunteer page.
HR_VOLUNTEERS = roles(FORBIDDEN, hosp=OK, sec=OK, member=OK, hosp2=OK)
HR_ORGANISER = roles(FORBIDDEN, hosp=OK, sec=OK, hosp2=MISSING)
HR_ORGANISER_WRITE = roles(FORBIDDEN, hosp=DONE, sec=DONE, hosp2=MISSING)
API_VOLUNTEERS = roles(FORBIDDEN, anonymous=FORBIDDEN, hosp=OK, sec=OK, member=OK, hosp2=OK)

HOURS_ROWS: dict[str, Row] = {
    "service:volunteer": Row(get=HR_VOLUNTEERS),
    "service:my_record": Row(get=HR_VOLUNTEERS),
    # Any staff of the hospital may sign up; another hospital's shift is not there.
    "service:signup_create": Row(
        post=roles(FORBIDDEN, hosp=DONE, sec=DONE, member=DONE, hosp2=MISSING),
        payload=lambda t: {},
        args=lambda t: [hr_upcoming(t).shifts.get().pk],
    ),
    # Only the person cancels; the organiser sees the sign-up but may not cancel it.
    "service:signup_cancel": Row(
        post=roles(FORBIDDEN, member=DONE, hosp2=MISSING),
        payload=lambda t: {},
        args=lambda t: [hr_member_signup(t).pk],
    ),
    "service:signup_mark": Row(
        post=HR_ORGANISER_WRITE,
        payload=lambda t: {"action": "in"},
        args=lambda t: [hr_started(t)[1].pk],
    ),
    # The code is the secret: whoever holds it sees the page; only a signed-up volunteer is
    # checked in (the others get the refusal on the page, nothing changes).
    "service:checkin": Row(
        get={**roles(OK), **HR_SEP},
        post={**roles(OK, member=DONE), **HR_SEP},
        payload=lambda t: {"action": "in"},
        args=lambda t: [hr_started(t)[0].pk, hr_started(t)[0].checkin_token],
    ),
    "service:roster": Row(get=HR_ORGANISER, args=lambda t: [hr_started(t)[0].pk]),
    "service:confirm": Row(
        get=HR_ORGANISER,
        post=HR_ORGANISER_WRITE,
        payload=lambda t: {"kind": "service"},
        args=lambda t: [hr_ended(t)[0].pk],
    ),
    "service:hours_correct": Row(
        post=HR_ORGANISER_WRITE,
        payload=lambda t: {"hours": "1.5", "reason": "提前离开"},
        args=lambda t: [hr_ended(t, confirmed=True)[1].pk],
    ),
    "service:hours_pending": Row(get=only(hosp=True, sec=True, hosp2=True)),
    "service:hours_table": Row(get=only(city=True, hosp=True, sec=True, hosp2=True)),
    # Full ID numbers: the hospital's own admin only.
    "service:hours_national": Row(
        get=only(hosp=True, hosp2=True),
        post=only(hosp=True, hosp2=True),
        payload=lambda t: {"year": str(timezone.localdate().year), "reason": "志愿汇录入"},
    ),
    "service:person_record": Row(
        get=roles(FORBIDDEN, city=OK, hosp=OK, sec=OK, hosp2=MISSING),
        args=lambda t: [t.person.pk],
    ),
    "service:certificate": Row(
        get=roles(FORBIDDEN, city=OK, hosp=OK, sec=OK, hosp2=MISSING),
        args=lambda t: [t.person.pk],
    ),
    "service:volunteer_rules": Row(
        get=only(city=True),
        post=only(DONE, city=True),
        payload=lambda t: {
            "effective_from": f"{timezone.localdate().year + 1}-01-01",
            "yearly_target_hours": "60",
            "young_age_max": "35",
            "star_thresholds": "100,300,600,1000,1500",
            "checkin_before_minutes": "30",
            "checkin_after_minutes": "30",
            "max_hours_per_day": "12",
        },
    ),
    "api-service-activities": Row(get=API_VOLUNTEERS),
    "api-service-signups": Row(get=API_VOLUNTEERS),
    "api-service-hours": Row(get=API_VOLUNTEERS),
    "api-service-signup": Row(
        post=roles(
            FORBIDDEN, anonymous=FORBIDDEN, hosp="201", sec="201", member="201", hosp2=MISSING
        ),
        payload=lambda t: {},
        args=lambda t: [hr_upcoming(t).shifts.get().pk],
        json=True,
    ),
    "api-service-cancel": Row(
        post=roles(FORBIDDEN, anonymous=FORBIDDEN, member=OK, hosp2=MISSING),
        payload=lambda t: {},
        args=lambda t: [hr_member_signup(t).pk],
        json=True,
    ),
    "api-service-checkin": Row(
        post=roles("400", anonymous=FORBIDDEN, member=OK, city=FORBIDDEN, **HR_SEP),
        payload=lambda t: {"token": hr_started(t)[0].checkin_token},
        args=lambda t: [hr_started(t)[0].pk],
        json=True,
    ),
}


# --- 红帆驿站 and model posts --------------------------------------------------------------
DESK_ROWS: dict[str, Row] = {}


# --- 互联网+护理服务 -------------------------------------------------------------------------
NURSING_ROWS: dict[str, Row] = {}


# --- dashboards ----------------------------------------------------------------------------
DASHBOARD_ROWS: dict[str, Row] = {}


TABLE: dict[str, Row] = {
    **ACTIVITY_ROWS,
    **HOURS_ROWS,
    **DESK_ROWS,
    **NURSING_ROWS,
    **DASHBOARD_ROWS,
}
