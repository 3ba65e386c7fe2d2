"""accounts' rows of the role matrix (hongfan/tests/test_role_matrix.py merges them into its
table, as it does those of study, recognition and orglife): every URL of accounts × every
demo role — logging in and out, one's password and second factor, and the 三员 pages of
the security admin, the system admin and the auditor (``security:``, ``system:``,
``audit:``) — allowed, 403 or sent to log in, and a denied write changes nothing."""

from __future__ import annotations

from typing import Any

from hongfan.core.roles import Role
from hongfan.core.testing.role_matrix import DONE, MISSING, OK, REDIRECT, Row, only, roles
from hongfan.org.models import Branch
from hongfan.org.tests.factories import second


def policy_payload(t: Any) -> dict[str, Any]:
    return {
        "lockout_failures": 3,
        "lockout_minutes": 30,
        "ip_throttle_failures": 30,
        "ip_throttle_window_minutes": 15,
        "password_min_length": 8,
        "password_min_classes": 3,
        "password_max_age_days": 90,
        "session_idle_minutes": 30,
        "admin_session_hours": 8,
        "member_idle_minutes": 120,
        "member_session_hours": 12,
        "remember_device_days": 7,
        "sms_per_mobile_hour": 5,
        "sms_per_ip_hour": 60,
    }


def grant_payload(t: Any) -> dict[str, Any]:
    branch = Branch.objects.filter(hospital=second(), kind="branch").order_by("pk").first()
    return {"username": "hosp2", "role": Role.BRANCH_SECRETARY, "branch": branch.pk}


LOGGED_IN = roles(OK)

TABLE: dict[str, Row] = {
    "accounts:login": Row(get=roles(REDIRECT, anonymous=OK)),
    "accounts:login_otp": Row(get=roles(REDIRECT, anonymous=REDIRECT)),
    "accounts:logout": Row(post=roles(REDIRECT, anonymous=REDIRECT)),
    "accounts:password": Row(
        get=LOGGED_IN,
        post=roles(DONE),
        payload=lambda t: {
            "old_password": "Hongfan@2026",
            "new_password": "Xin#Mima2027",
            "new_password2": "Xin#Mima2027",
        },
    ),
    # 找回密码 and 激活账号 are reached without logging in; asking for a code answers the
    # same page (and sends nothing to a number without an account).
    "accounts:password_reset": Row(
        get=roles(OK, anonymous=OK),
        post=roles(OK, anonymous=OK),
        payload=lambda t: {"mobile": "13700000009", "action": "send"},
    ),
    "accounts:activate": Row(
        get=roles(OK, anonymous=OK),
        post=roles(OK, anonymous=OK),
        payload=lambda t: {"mobile": "13700000009", "action": "send"},
    ),
    "accounts:security": Row(get=LOGGED_IN),
    # WeChat login is off unless HONGFAN_WECHAT_LOGIN is on (tests/test_wechat.py sets it)
    "accounts:wechat_start": Row(get=roles(MISSING, anonymous=MISSING)),
    "accounts:wechat_callback": Row(get=roles(MISSING, anonymous=MISSING)),
    "accounts:wechat_unbind": Row(post=roles(REDIRECT)),
    "accounts:2fa": Row(get=LOGGED_IN, post=LOGGED_IN, payload=lambda t: {"token": "000000"}),
    # --- 三员: security admin, system admin, auditor
    "security:roles": Row(
        get=only(security=True), post=only(DONE, security=True), payload=grant_payload
    ),
    "security:roles_bulk": Row(
        get=only(security=True),
        post=only(DONE, security=True),
        payload=lambda t: {"users": [t.account.pk], "role": Role.CITY_ADMIN},
    ),
    "security:revoke": Row(post=only(DONE, security=True), args=lambda t: [t.assignment.pk]),
    "security:policy": Row(
        get=only(security=True), post=only(DONE, security=True), payload=policy_payload
    ),
    "security:unlock": Row(
        get=only(security=True),
        post=only(DONE, security=True),
        payload=lambda t: {"username": "member"},
    ),
    "system:users": Row(
        get=only(sysadmin=True),
        post=only(DONE, sysadmin=True),
        payload=lambda t: {
            "username": "newcomer",
            "display_name": "新同事",
            "password": "Xin#Mima2027",
        },
    ),
    "system:person_search": Row(get=only(sysadmin=True)),
    "system:roster_accounts": Row(
        get=only(sysadmin=True),
        post=only(sysadmin=True),
        payload=lambda t: {"hospital": t.hospital.pk, "branch": t.branch.pk},
    ),
    "system:user_active": Row(
        post=only(DONE, sysadmin=True),
        payload=lambda t: {"active": "0"},
        args=lambda t: [t.account.pk],
    ),
    "audit:trail": Row(get=only(audit=True)),
    "audit:changes": Row(get=only(audit=True)),
}
