"""Idle timeout and session lifetime per role (security policy): admins 30 minutes idle
(等保), members longer, and a member's remembered device (记住此设备) for days; the
security admin edits all of it on the policy page. Time is moved, not waited for."""

from __future__ import annotations

import pytest
from django.test import Client

from hongfan.accounts import policy as policy_module
from hongfan.accounts.policy import get_policy
from hongfan.core.models import AuditEvent

PASSWORD = "Hongfan@2026"


class Time:
    def __init__(self, monkeypatch) -> None:
        self.now = policy_module.clock()
        monkeypatch.setattr(policy_module, "clock", lambda: self.now)

    def advance(self, *, minutes: float = 0, hours: float = 0, days: float = 0) -> None:
        self.now += minutes * 60 + hours * 3600 + days * 86400


@pytest.fixture
def moved(monkeypatch) -> Time:
    return Time(monkeypatch)


def login(username: str, remember: bool = False) -> Client:
    client = Client()
    data = {"username": username, "password": PASSWORD}
    if remember:
        data["remember"] = "on"
    assert client.post("/accounts/login/", data).status_code == 302
    return client


def alive(client: Client) -> bool:
    response = client.get("/notices/")
    return response.status_code == 200


def walk(client: Client, moved: Time, *, minutes: float, times: int) -> bool:
    """Use the site every ``minutes`` for ``times`` steps; True while still logged in."""
    for _ in range(times):
        moved.advance(minutes=minutes)
        if not alive(client):
            return False
    return True


def test_a_member_idle_for_an_hour_stays_logged_in_but_not_for_three(db, moved):
    client = login("member")
    assert alive(client)
    moved.advance(minutes=61)
    assert alive(client)
    moved.advance(minutes=121)
    assert not alive(client)
    event = AuditEvent.objects.filter(action="session_timeout", username="member").latest("pk")
    assert event.detail == {"reason": "idle"}


def test_an_admin_idle_for_31_minutes_is_logged_out(db, moved):
    client = login("hosp")
    assert alive(client)
    moved.advance(minutes=31)
    assert not alive(client)


def test_an_admin_session_ends_after_its_lifetime_however_busy(db, moved):
    client = login("hosp")
    assert walk(client, moved, minutes=20, times=23)  # 7 h 40 min of steady use
    assert not walk(client, moved, minutes=20, times=2)
    event = AuditEvent.objects.filter(action="session_timeout", username="hosp").latest("pk")
    assert event.detail == {"reason": "lifetime"}


def test_a_remembered_member_device_keeps_the_session_for_days(db, moved):
    client = login("member", remember=True)
    assert client.session.get_expiry_age() == 7 * 86400
    moved.advance(days=3)
    assert alive(client)
    moved.advance(days=4, minutes=1)
    assert not alive(client)


def test_a_member_who_did_not_tick_remember_gets_a_browser_session(db, moved):
    client = login("member")
    assert client.session.get_expire_at_browser_close()
    moved.advance(hours=3)
    assert not alive(client)


def test_an_admin_cannot_be_remembered(db, moved):
    client = login("hosp", remember=True)
    assert client.session.get_expire_at_browser_close()
    moved.advance(minutes=31)
    assert not alive(client)


def test_the_security_admin_sets_the_limits_per_role(db, moved, client_for):
    sec = client_for("security")
    data = {
        f: getattr(get_policy(), f)
        for f in (
            "lockout_failures",
            "lockout_minutes",
            "ip_throttle_failures",
            "ip_throttle_window_minutes",
            "password_min_length",
            "password_min_classes",
            "password_max_age_days",
            "session_idle_minutes",
            "admin_session_hours",
            "member_idle_minutes",
            "member_session_hours",
            "remember_device_days",
            "sms_per_mobile_hour",
            "sms_per_ip_hour",
        )
    }
    page = sec.get("/security/policy/").content.decode()
    assert "党员、书记会话空闲超时" in page and "记住此设备" in page
    response = sec.post(
        "/security/policy/", {**data, "member_idle_minutes": 15, "remember_device_days": 0}
    )
    assert response.status_code == 302
    client = login("member", remember=True)
    assert client.session.get_expire_at_browser_close()  # remembering is now off
    moved.advance(minutes=16)
    assert not alive(client)


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("admin_session_hours", 0, "管理员会话最长时长应在1到24小时之间"),
        ("member_idle_minutes", 99999, "党员会话空闲超时应在1到1440分钟之间"),
        ("remember_device_days", 31, "记住设备不能超过30天"),
        ("sms_per_mobile_hour", 0, "同一手机号每小时验证码条数应在1到20之间"),
        ("member_session_hours", "9" * 40, None),
        ("sms_per_ip_hour", "1\x002", None),
    ],
)
def test_bad_policy_values_are_refused_in_chinese_and_change_nothing(
    db, client_for, field, value, message
):
    before = {f: getattr(get_policy(), f) for f in ("admin_session_hours", "member_idle_minutes")}
    data = {
        "lockout_failures": 5,
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
        field: value,
    }
    response = client_for("security").post("/security/policy/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "invalid-feedback" in page or "alert-danger" in page
    if message:
        assert message in page
    from hongfan.accounts.models import SecurityPolicy

    fresh = SecurityPolicy.objects.order_by("pk").first()
    assert {f: getattr(fresh, f) for f in before} == before
