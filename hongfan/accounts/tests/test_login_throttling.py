"""Lockout abuse and password spraying (docs/decisions/0006-login-throttling.md): lockout stays
by username, one address guessing across usernames is slowed, a stranger cannot keep an
account out of its usual address, and a locked security admin always has a way back in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.core.management import CommandError, call_command
from django.db.models import F
from django.test import Client

from hongfan.accounts.models import RoleAssignment, User
from hongfan.accounts.policy import get_policy
from hongfan.accounts.tasks import prune_login_failures
from hongfan.accounts.tests.conftest import PASSWORD
from hongfan.core.models import AuditEvent
from hongfan.core.roles import Role

LOCKED = "连续登录失败次数过多，账号已锁定"
SLOW_DOWN = "尝试过于频繁，请"
NAT = "10.20.30.40"  # one hospital's staff behind one address
STRANGER = "203.0.113.9"


def login(client: Client, username: str, password: str = PASSWORD, ip: str = "10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def spray(ip: str, times: int, start: int = 0) -> None:
    """Wrong passwords for ``times`` different usernames from one address."""
    for i in range(start, start + times):
        response = login(Client(), f"staff{i:03d}", "Wrong#pass1", ip=ip)
        assert response.status_code == 200, (i, response.status_code)


def age_failures(ip: str, seconds: int) -> None:
    """Pretend the failures from ``ip`` happened ``seconds`` earlier."""
    AccessFailureLog.objects.filter(ip_address=ip).update(
        attempt_time=F("attempt_time") - timedelta(seconds=seconds)
    )


def security_admin(username: str) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, first_name="安全员二")
    RoleAssignment.objects.create(user=user, role=Role.SECURITY_ADMIN)
    return user


# --- per-address throttling across usernames ---------------------------------------------------


def test_thirty_failures_from_one_address_across_usernames_slow_that_address(db):
    spray(NAT, 30)
    client = Client()
    response = login(client, "member", ip=NAT)  # even the right password waits
    assert response.status_code == 429
    assert SLOW_DOWN in response.content.decode()
    assert "秒后再试" in response.content.decode()
    assert not logged_in(client)


def test_a_slowed_attempt_is_not_tried_and_changes_nothing(db):
    spray(NAT, 30)
    before = (
        AuditEvent.objects.filter(action__in=["login", "login_failed"]).count(),
        AccessAttempt.objects.count(),
        AccessFailureLog.objects.count(),
    )
    for _ in range(3):
        assert login(Client(), "member", "Wrong#pass1", ip=NAT).status_code == 429
    after = (
        AuditEvent.objects.filter(action__in=["login", "login_failed"]).count(),
        AccessAttempt.objects.count(),
        AccessFailureLog.objects.count(),
    )
    assert after == before
    assert not AccessAttempt.objects.filter(username="member").exists()


def test_colleagues_behind_one_address_are_not_slowed_by_ordinary_typos(db):
    spray(NAT, 29)
    client = Client()
    assert login(client, "member", ip=NAT).status_code == 302
    assert logged_in(client)


def test_a_slowed_address_does_not_slow_other_addresses(db):
    spray(STRANGER, 30)
    client = Client()
    assert login(client, "member", ip=NAT).status_code == 302
    assert logged_in(client)


def test_the_wait_passes_and_grows_with_each_further_failure(db):
    spray(NAT, 30)
    assert "请2秒后再试" in login(Client(), "member", ip=NAT).content.decode()
    age_failures(NAT, 3)
    spray(NAT, 1, start=30)  # allowed again: one more wrong password
    assert "请4秒后再试" in login(Client(), "member", ip=NAT).content.decode()
    age_failures(NAT, 5)
    client = Client()
    assert login(client, "member", ip=NAT).status_code == 302
    assert logged_in(client)


def test_the_wait_is_capped_at_five_minutes(db):
    AccessFailureLog.objects.bulk_create(
        AccessFailureLog(username=f"staff{i:03d}", ip_address=NAT, user_agent="", http_accept="")
        for i in range(40)
    )
    page = login(Client(), "member", ip=NAT).content.decode()
    assert "请300秒后再试" in page


def test_failures_older_than_the_window_no_longer_count(db):
    spray(NAT, 30)
    age_failures(NAT, 16 * 60)
    assert login(Client(), "member", ip=NAT).status_code == 302


def test_slowing_an_address_is_audited_with_the_address(db):
    spray(NAT, 29)
    assert not AuditEvent.objects.filter(action="login_throttled").exists()
    spray(NAT, 1, start=29)
    event = AuditEvent.objects.get(action="login_throttled")
    assert (event.ip, event.success, event.username) == (NAT, False, "staff029")
    assert event.detail["failures"] == 30
    assert event.detail["wait_seconds"] == 2


def test_the_security_admin_sets_the_address_threshold_in_the_policy(db, client_for):
    response = client_for("security").post(
        "/security/policy/",
        {
            "lockout_failures": 5,
            "lockout_minutes": 30,
            "ip_throttle_failures": 10,
            "ip_throttle_window_minutes": 60,
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
        },
    )
    assert response.status_code == 302
    changed = AuditEvent.objects.get(action="policy_changed")
    assert changed.detail["changes"]["ip_throttle_failures"] == [30, 10]
    spray(NAT, 10)
    assert login(Client(), "member", ip=NAT).status_code == 429
    age_failures(NAT, 30 * 60)  # the wait is over, but the failures still count for 60 minutes
    spray(NAT, 1, start=10)
    assert "请4秒后再试" in login(Client(), "member", ip=NAT).content.decode()


def test_an_address_threshold_outside_its_bounds_is_refused_in_chinese(db, client_for):
    response = client_for("security").post(
        "/security/policy/",
        {
            "lockout_failures": 5,
            "lockout_minutes": 30,
            "ip_throttle_failures": 3,
            "ip_throttle_window_minutes": 0,
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
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "IP限速阈值应在10到1000次之间" in page
    assert "IP失败计数时间窗应在1到1440分钟之间" in page
    policy = get_policy()
    assert (policy.ip_throttle_failures, policy.ip_throttle_window_minutes) == (30, 15)


# --- a stranger cannot keep an account out of its usual address --------------------------------


@pytest.mark.parametrize("username", ["member", "security"])
def test_a_stranger_cannot_lock_an_account_out_of_its_usual_address(db, username):
    assert login(Client(), username, ip="10.0.0.1").status_code == 302  # its usual address
    for _ in range(5):
        login(Client(), username, "Wrong#pass1", ip=STRANGER)
    assert LOCKED in login(Client(), username, ip=STRANGER).content.decode()
    assert login(Client(), username, ip="172.16.9.9").status_code == 403  # a new address
    client = Client()
    assert login(client, username, ip="10.0.0.1").status_code == 302
    assert logged_in(client)


def test_failures_from_the_usual_address_still_lock_it_there(db):
    assert login(Client(), "member", ip="10.0.0.1").status_code == 302
    for _ in range(5):
        login(Client(), "member", "Wrong#pass1", ip="10.0.0.1")
    response = login(Client(), "member", ip="10.0.0.1")
    assert response.status_code == 403
    assert LOCKED in response.content.decode()


# --- unlocking: a second security admin, or the console ---------------------------------------


def lock(username: str) -> None:
    for i in range(5):
        login(Client(), username, "Wrong#pass1", ip=f"198.51.100.{i + 1}")
    assert login(Client(), username, ip="198.51.100.77").status_code == 403


def test_a_second_security_admin_unlocks_a_locked_security_admin(db, users):
    second = security_admin("security2")
    lock("security")
    admin = Client()
    admin.force_login(second)
    response = admin.post("/security/unlock/", {"username": "security"}, REMOTE_ADDR="10.8.8.8")
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="user_changed", detail__unlocked="security")
    assert (event.user_id, event.username, event.ip) == (second.pk, "security2", "10.8.8.8")
    assert event.target_id == str(users["security"].pk)
    client = Client()
    assert login(client, "security", ip="198.51.100.77").status_code == 302
    assert logged_in(client)


@pytest.mark.parametrize(
    "role", ["anonymous", "member", "sec", "hosp", "city", "audit", "sysadmin"]
)
def test_only_a_security_admin_can_unlock_and_a_refusal_changes_nothing(db, client_for, role):
    lock("security")
    attempts = list(AccessAttempt.objects.values_list("pk", "failures_since_start"))
    response = client_for(role).post("/security/unlock/", {"username": "security"})
    assert response.status_code == (302 if role == "anonymous" else 403)
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    assert list(AccessAttempt.objects.values_list("pk", "failures_since_start")) == attempts
    assert not AuditEvent.objects.filter(detail__unlocked="security").exists()
    assert login(Client(), "security", ip="198.51.100.77").status_code == 403


def test_the_unlockuser_command_lets_the_only_security_admin_back_in(db, users, capsys):
    lock("security")
    call_command("unlockuser", "security")
    assert "已解锁 security" in capsys.readouterr().out
    event = AuditEvent.objects.get(action="user_changed", detail__unlocked="security")
    assert event.detail["via"] == "command"
    assert event.detail["os_user"]
    assert event.target_id == str(users["security"].pk)
    client = Client()
    assert login(client, "security", ip="198.51.100.77").status_code == 302
    assert logged_in(client)


def test_the_unlockuser_command_refuses_an_unknown_user_and_changes_nothing(db):
    lock("security")
    count = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="用户 nobody-here 不存在"):
        call_command("unlockuser", "nobody-here")
    assert AuditEvent.objects.count() == count
    assert login(Client(), "security", ip="198.51.100.77").status_code == 403


def test_locking_an_account_is_audited_with_the_address(db):
    lock("member")
    event = AuditEvent.objects.filter(action="lockout").order_by("pk").first()
    assert (event.username, event.ip, event.success) == ("member", "198.51.100.5", False)


def test_the_daily_task_drops_failure_rows_older_than_a_week_but_keeps_the_audit(db):
    spray(NAT, 3)
    AccessFailureLog.objects.filter(username="staff000").update(
        attempt_time=F("attempt_time") - timedelta(days=8)
    )
    audited = AuditEvent.objects.filter(action="login_failed").count()
    assert prune_login_failures.call_local() == 1
    assert sorted(AccessFailureLog.objects.values_list("username", flat=True)) == [
        "staff001",
        "staff002",
    ]
    assert AuditEvent.objects.filter(action="login_failed").count() == audited
