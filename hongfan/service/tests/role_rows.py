"""service's rows of the role matrix (hongfan/tests/test_role_matrix.py takes them in): every
URL × every role — allowed, 403, 404 or sent to log in — and a denied write changes
nothing. One block per part of the app."""

from __future__ import annotations

from hongfan.core.testing.role_matrix import FORBIDDEN, OK, Row, only, roles  # noqa: F401

# --- activities: brand, measures, places, planning, records -------------------------------
ACTIVITY_ROWS: dict[str, Row] = {}


# --- sign-up, check-in, hours, volunteer record ------------------------------------------
HOURS_ROWS: dict[str, Row] = {}


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
_ALL = roles(OK, **_SEP)
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
