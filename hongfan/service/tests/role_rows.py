"""service's rows of the role matrix (hongfan/tests/test_role_matrix.py takes them in): every
URL × every role — allowed, 403, 404 or sent to log in — and a denied write changes
nothing. One block per part of the app."""

from __future__ import annotations

import base64
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


# The 三员 use no volunteer page; nor does the 护理部 office account (an office role sees its
# own line of work only: Access.is_business is False, signup_selectors.require_volunteer_role).
HR_SEP = {
    "audit": FORBIDDEN,
    "security": FORBIDDEN,
    "sysadmin": FORBIDDEN,
    "nursing": FORBIDDEN,
}
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
# Targets in the primary hospital, made on first use inside the test's transaction: a desk
# with the demo member on duty now (and a shift of theirs next week), an item lent once, a
# colleague asking the member to take a shift, and a post of sec's branch with the member on
# it. hosp administers; sec is neither on duty nor the desk's admin.
from datetime import timedelta as _td  # noqa: E402
from typing import Any as _Any  # noqa: E402

from hongfan.core.testing.role_matrix import DONE, MISSING  # noqa: E402


def _dk(t: _Any) -> _Any:
    from django.utils import timezone

    from hongfan.core.dates import today
    from hongfan.org.models import Person
    from hongfan.service.models import ShiftSwap
    from hongfan.service.services.loan import loan_lend
    from hongfan.service.services.post import post_designate
    from hongfan.service.tests.factories_desks import (
        acc,
        make_desk,
        make_item,
        make_shift,
        measure_for,
        person_of,
        sign,
    )

    if "dk" in t.values:
        return t.values["dk"]
    desk = make_desk(t.hospital, name="矩阵测试驿站")
    measure_for(t.hospital)
    sign(person_of("member"), make_shift(desk))
    later = sign(person_of("member"), make_shift(desk, timezone.now() + _td(days=7)))
    mate = t.person  # a full member of sec's branch
    theirs = sign(mate, make_shift(desk, timezone.now() + _td(days=9)))
    swap = ShiftSwap.objects.create(
        hospital=t.hospital, signup=theirs, to_person=person_of("member")
    )
    item = make_item(desk, stock=3, name="矩阵轮椅")
    loan = loan_lend(access=acc("hosp"), item=item, borrower="赵四", mobile="13900001111")
    extra = (
        Person.objects.filter(hospital=t.hospital, status="active", political_status="masses")
        .order_by("pk")
        .first()
    )
    post = post_designate(
        access=acc("hosp"),
        hospital=t.hospital,
        kind="pioneer",
        name="矩阵测试先锋岗",
        branch=t.branch,
        head=mate,
        commitment="服务零距离",
        designated_on=today() - _td(days=30),
        people=[person_of("member"), extra],
    )
    t.values["dk"] = {
        "desk": desk,
        "later": later,
        "swap": swap,
        "item": item,
        "loan": loan,
        "post": post,
        "mate": mate,
        "extra": post.members.get(person=extra),
    }
    return t.values["dk"]


def _dk_arg(key: str) -> _Any:
    return lambda t: [_dk(t)[key].pk]


_SEP = {"audit": FORBIDDEN, "security": FORBIDDEN, "sysadmin": FORBIDDEN}
# Every business user; not the 三员, nor the 护理部 office account (home nursing only).
_ALL = roles(OK, **_SEP, nursing=FORBIDDEN)
_HOSP_READ = roles(FORBIDDEN, city=OK, hosp=OK, sec=OK, member=OK, hosp2=MISSING)
_ADMIN = roles(FORBIDDEN, hosp=OK, hosp2=MISSING)
_ADMIN_DONE = roles(FORBIDDEN, hosp=DONE, hosp2=MISSING)
# Whoever is on duty at the desk (the member) and its admin.
_STAFF = roles(FORBIDDEN, hosp=OK, member=OK, hosp2=MISSING)
_STAFF_DONE = roles(FORBIDDEN, hosp=DONE, member=DONE, hosp2=MISSING)
_BRANCH_DONE = roles(FORBIDDEN, hosp=DONE, sec=DONE, hosp2=MISSING)


def _roster_payload(t: _Any) -> dict[str, _Any]:
    from hongfan.core.dates import today

    _dk(t)
    return {
        "first_day": (today() + _td(days=1)).isoformat(),
        "last_day": (today() + _td(days=7)).isoformat(),
        "weekdays": ["0", "1", "2", "3", "4", "5", "6"],
        "slots": "08:00-12:00",
        "places": "2",
    }


def _post_payload(t: _Any) -> dict[str, _Any]:
    from hongfan.core.dates import today

    return {
        "kind": "model",
        "name": "矩阵新岗位",
        "branch": t.branch.pk,
        "head": t.person.pk,
        "commitment": "微笑服务",
        "designated_on": today().isoformat(),
    }


DESK_ROWS: dict[str, Row] = {
    "service:desks": Row(get=_ALL),
    "service:desk_new": Row(
        get=only(hosp=True, hosp2=True),
        post=only(DONE, hosp=True, hosp2=True),
        payload=lambda t: {"name": "新驿站", "location": "急诊大厅", "opening_hours": "全天"},
    ),
    "service:desk_fill": Row(get=only(city=True, hosp=True, hosp2=True)),
    "service:staff_search": Row(get=_ALL),
    "service:desk": Row(get=_HOSP_READ, args=_dk_arg("desk")),
    "service:desk_edit": Row(
        get=_ADMIN,
        post=_ADMIN_DONE,
        payload=lambda t: {"name": "改名驿站", "location": "一楼", "opening_hours": "8-17"},
        args=_dk_arg("desk"),
    ),
    "service:help_add": Row(
        post=_STAFF_DONE, payload=lambda t: {"kind": "guidance"}, args=_dk_arg("desk")
    ),
    "service:help_summary": Row(
        get=roles(FORBIDDEN, city=OK, hosp=OK, member=OK, hosp2=MISSING), args=_dk_arg("desk")
    ),
    "service:desk_roster": Row(get=_HOSP_READ, args=_dk_arg("desk")),
    "service:roster_new": Row(
        get=_ADMIN, post=_ADMIN_DONE, payload=_roster_payload, args=_dk_arg("desk")
    ),
    "service:swap_new": Row(
        get=roles(FORBIDDEN, member=OK, hosp2=MISSING),
        post=roles(FORBIDDEN, member=DONE, hosp2=MISSING),
        payload=lambda t: {"to_person": _dk(t)["extra"].person_id, "note": "家中有事"},
        args=_dk_arg("later"),
    ),
    "service:swap_answer": Row(
        post=roles(FORBIDDEN, member=DONE, hosp2=MISSING),
        payload=lambda t: {"decision": "decline"},
        args=_dk_arg("swap"),
    ),
    "service:ledger": Row(
        get=roles(FORBIDDEN, city=OK, hosp=OK, member=OK, hosp2=MISSING), args=_dk_arg("desk")
    ),
    "service:item_new": Row(
        get=_ADMIN,
        post=_ADMIN_DONE,
        payload=lambda t: {
            "kind": "umbrella",
            "name": "矩阵雨伞",
            "stock": "10",
            "deposit": "0",
            "loan_hours": "24",
        },
        args=_dk_arg("desk"),
    ),
    "service:item_edit": Row(
        get=_ADMIN,
        post=_ADMIN_DONE,
        payload=lambda t: {
            "kind": "wheelchair",
            "name": "矩阵轮椅",
            "stock": "4",
            "deposit": "100",
            "loan_hours": "12",
            "active": "on",
        },
        args=_dk_arg("item"),
    ),
    "service:lend": Row(
        get=_STAFF,
        post=_STAFF_DONE,
        payload=lambda t: {"borrower": "钱五", "mobile": "13900002222"},
        args=_dk_arg("item"),
    ),
    "service:return_by_mobile": Row(
        post=_STAFF_DONE, payload=lambda t: {"mobile": "13900001111"}, args=_dk_arg("item")
    ),
    "service:loan_return": Row(post=_STAFF_DONE, payload=lambda t: {}, args=_dk_arg("loan")),
    "service:loan_lost": Row(
        post=_STAFF_DONE, payload=lambda t: {"note": "未归还"}, args=_dk_arg("loan")
    ),
    "service:posts": Row(get=_ALL),
    "service:post_new": Row(
        get=only(hosp=True, hosp2=True),
        post=only(DONE, hosp=True, hosp2=OK),  # hosp2: not their branch, a form error
        payload=_post_payload,
    ),
    "service:post_rules": Row(
        get=only(city=True),
        post=only(DONE, city=True),
        payload=lambda t: {
            "effective_from": "2199-01-01",
            "min_member_share": "40",
            "min_size": "4",
        },
    ),
    "service:post": Row(get=_HOSP_READ, args=_dk_arg("post")),
    "service:post_edit": Row(
        get=_ADMIN,
        post=_ADMIN_DONE,
        payload=lambda t: {**_post_payload(t), "name": "矩阵改名岗位"},
        args=_dk_arg("post"),
    ),
    "service:post_member_add": Row(
        post=_BRANCH_DONE,
        payload=lambda t: {"person": t.person.pk},
        args=_dk_arg("post"),
    ),
    "service:post_member_remove": Row(
        post=_BRANCH_DONE, payload=lambda t: {}, args=_dk_arg("extra")
    ),
    "service:post_review": Row(
        post=_BRANCH_DONE,
        payload=lambda t: {
            "year": str(t.values["dk"]["post"].designated_on.year),
            "result": "passed",
        },
        args=_dk_arg("post"),
    ),
    "service:post_duty": Row(
        get=roles(FORBIDDEN, hosp=OK, sec=OK, hosp2=MISSING),
        post=_BRANCH_DONE,
        payload=lambda t: {
            "person": _dk(t)["mate"].pk,
            "on": t.values["dk"]["post"].designated_on.isoformat(),
        },
        args=_dk_arg("post"),
    ),
    "service:post_card": Row(get=_HOSP_READ, args=_dk_arg("post")),
}


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
    "service:nursing_close": Row(
        post=only(DONE, **_NURSING_OFFICE),
        payload=lambda t: {},
        args=_nursing_args("closed"),
    ),
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
