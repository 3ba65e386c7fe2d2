"""等保 2.0 basics as users meet them: login audit, lockout, password rules and expiry, idle
timeout, TOTP, 三员分立 and the append-only audit trail."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from hongfan.accounts import services
from hongfan.accounts.middleware import LAST_SEEN_KEY
from hongfan.accounts.models import RoleAssignment, User
from hongfan.accounts.policy import get_policy
from hongfan.core.access import access_for
from hongfan.core.audit import audit_log
from hongfan.core.models import AuditEvent
from hongfan.core.roles import Role
from hongfan.org.models import Branch, Person
from hongfan.org.tests.factories import second

PASSWORD = "Hongfan@2026"
LOCKED = "连续登录失败次数过多，账号已锁定"


def login(client: Client, username: str, password: str = PASSWORD, ip: str = "10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def set_policy(**values) -> None:
    policy = get_policy()
    for key, value in values.items():
        setattr(policy, key, value)
    policy.save()


def age_attempts(username: str, minutes: int) -> None:
    """Pretend the failed attempts happened ``minutes`` earlier."""
    AccessAttempt.objects.filter(username=username).update(
        attempt_time=F("attempt_time") - timedelta(minutes=minutes)
    )


def fail(username: str, times: int):
    response = None
    for i in range(times):
        response = login(Client(), username, "wrong-password", ip=f"10.0.{i}.{i + 1}")
    return response


# --- login audit and lockout ----------------------------------------------------------------


def test_a_good_login_is_audited_with_username_and_address(db, users):
    client = Client()
    response = login(client, "member", ip="10.1.2.3")
    assert response.status_code == 302
    assert logged_in(client)
    event = AuditEvent.objects.filter(action="login").order_by("-pk").first()
    assert (event.username, event.ip, event.success) == ("member", "10.1.2.3", True)
    assert event.user_id == users["member"].pk


def test_a_bad_login_is_refused_in_chinese_and_audited(db):
    client = Client()
    response = login(client, "member", "not-the-password", ip="10.9.8.7")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert not logged_in(client)
    event = AuditEvent.objects.filter(action="login_failed").order_by("-pk").first()
    assert (event.username, event.ip, event.success) == ("member", "10.9.8.7", False)
    assert "not-the-password" not in str(event.detail)


def test_a_login_for_an_unknown_user_is_audited_too(db):
    login(Client(), "nobody-here", "whatever")
    assert AuditEvent.objects.filter(action="login_failed", username="nobody-here").exists()


def test_five_failures_lock_the_account_even_from_different_addresses(db):
    for i in range(4):
        response = login(Client(), "member", "wrong", ip=f"192.168.1.{i + 1}")
        assert response.status_code == 200, i
    fifth = login(Client(), "member", "wrong", ip="192.168.1.99")
    assert fifth.status_code == 403
    assert LOCKED in fifth.content.decode()
    lockout = AuditEvent.objects.get(action="lockout")
    assert (lockout.username, lockout.success) == ("member", False)


def test_a_locked_user_with_the_right_password_is_still_refused(db):
    fail("member", 5)
    client = Client()
    response = login(client, "member", PASSWORD, ip="172.16.0.5")
    assert response.status_code == 403
    assert f"{LOCKED}30分钟" in response.content.decode()
    assert not logged_in(client)
    assert client.get("/").status_code == 302  # to the login page
    assert not AuditEvent.objects.filter(action="login", username="member").exists()


def test_lockout_is_by_username_so_colleagues_behind_the_same_address_can_log_in(db):
    for _ in range(5):
        login(Client(), "member", "wrong", ip="10.10.10.10")
    client = Client()
    assert login(client, "sec", ip="10.10.10.10").status_code == 302
    assert logged_in(client)


def test_a_lockout_lasts_the_configured_minutes(db):
    fail("member", 5)
    age_attempts("member", 29)
    assert login(Client(), "member").status_code == 403


def test_a_lockout_expires_after_the_configured_minutes(db):
    fail("member", 5)
    age_attempts("member", 31)
    client = Client()
    assert login(client, "member").status_code == 302
    assert logged_in(client)


def test_a_good_login_resets_the_failure_count(db):
    fail("member", 4)
    assert login(Client(), "member").status_code == 302
    fail("member", 4)
    assert login(Client(), "member").status_code == 302


def test_the_security_admins_policy_change_takes_effect(db, client_for):
    response = client_for("security").post(
        "/security/policy/",
        {
            "lockout_failures": 3,
            "lockout_minutes": 10,
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
        },
    )
    assert response.status_code == 302
    changed = AuditEvent.objects.get(action="policy_changed")
    assert changed.username == "security"
    assert changed.detail["changes"]["lockout_failures"] == [5, 3]
    assert fail("member", 2).status_code == 200
    third = fail("member", 1)
    assert third.status_code == 403
    assert f"{LOCKED}10分钟" in third.content.decode()
    age_attempts("member", 11)
    assert login(Client(), "member").status_code == 302


def test_a_policy_outside_its_bounds_is_refused_in_chinese(db, client_for):
    response = client_for("security").post(
        "/security/policy/",
        {
            "lockout_failures": 0,
            "lockout_minutes": 30,
            "ip_throttle_failures": 30,
            "ip_throttle_window_minutes": 15,
            "password_min_length": 6,
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
    assert "锁定阈值应在1到20次之间" in page
    assert "密码最小长度应在8到64之间" in page
    assert get_policy().lockout_failures == 5


def test_the_security_admin_can_unlock_an_account(db, client_for):
    fail("member", 5)
    response = client_for("security").post("/security/unlock/", {"username": "member"})
    assert response.status_code == 302
    assert login(Client(), "member").status_code == 302
    assert AuditEvent.objects.filter(action="user_changed", detail__unlocked="member").exists()


# --- passwords ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password,message",
    [
        ("Ab1!xyz", "密码至少需要8个字符"),
        ("abcdefgh12", "至少3类"),
        ("ABCDEFGH!!", "至少3类"),
        ("abcdefghij", "至少3类"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(db, password, message):
    with pytest.raises(ValidationError) as exc:
        validate_password(password)
    assert message in " ".join(exc.value.messages)


@pytest.mark.parametrize("password", ["Xin#mima27", "xinmima2027!", "XINMIMA2027!", "Qwxz7Plm"])
def test_passwords_of_8_characters_and_3_classes_are_accepted(db, password):
    validate_password(password)


def test_the_password_length_follows_the_policy(db):
    set_policy(password_min_length=12)
    with pytest.raises(ValidationError) as exc:
        validate_password("Xin#mima27")
    assert "密码至少需要12个字符" in exc.value.messages


def test_changing_to_a_weak_password_is_refused_and_keeps_the_old_one(db, client_for, users):
    client = client_for("member")
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password": "abcdefgh1", "new_password2": "abcdefgh1"},
    )
    assert response.status_code == 200
    assert "至少3类" in response.content.decode()
    assert User.objects.get(pk=users["member"].pk).check_password(PASSWORD)


def test_changing_the_password_needs_the_old_one(db, client_for, users):
    response = client_for("member").post(
        "/accounts/password/",
        {"old_password": "guess", "new_password": "Xin#Mima2027", "new_password2": "Xin#Mima2027"},
    )
    assert "原密码不正确" in response.content.decode()
    assert User.objects.get(pk=users["member"].pk).check_password(PASSWORD)


def test_an_expired_password_sends_the_user_to_change_it(db, client_for, users):
    User.objects.filter(pk=users["member"].pk).update(
        password_changed_at=timezone.now() - timedelta(days=91)
    )
    client = client_for("member")
    response = client.get(f"/org/people/{users['member'].person_id}/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/?expired=1"
    assert client.get("/accounts/password/?expired=1").status_code == 200
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password": "Xin#Mima2027", "new_password2": "Xin#Mima2027"},
    )
    assert response.status_code == 302
    assert client.get(f"/org/people/{users['member'].person_id}/").status_code == 200
    assert AuditEvent.objects.filter(action="password_changed", username="member").exists()


def test_a_password_younger_than_90_days_is_not_expired(db, client_for, users):
    User.objects.filter(pk=users["member"].pk).update(
        password_changed_at=timezone.now() - timedelta(days=89)
    )
    response = client_for("member").get(f"/org/people/{users['member'].person_id}/")
    assert response.status_code == 200


def test_passwords_never_expire_when_the_policy_says_0_days(db, client_for, users):
    set_policy(password_max_age_days=0)
    User.objects.filter(pk=users["member"].pk).update(
        password_changed_at=timezone.now() - timedelta(days=400)
    )
    response = client_for("member").get(f"/org/people/{users['member'].person_id}/")
    assert response.status_code == 200


# --- idle timeout ----------------------------------------------------------------------------


def idle(client: Client, minutes: float) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - minutes * 60
    session.save()


def test_an_admin_session_idle_for_30_minutes_is_logged_out(db, client_for, users):
    client = client_for("hosp")
    page = f"/org/people/{users['member'].person_id}/"
    assert client.get(page).status_code == 200
    idle(client, 31)
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?timeout=1")
    assert not logged_in(client)
    assert AuditEvent.objects.filter(action="session_timeout", username="hosp").exists()
    login_page = client.get(response["Location"]).content.decode()
    assert "会话已超时" in login_page


def test_an_admin_session_used_within_30_minutes_stays_open(db, client_for, users):
    client = client_for("hosp")
    page = f"/org/people/{users['member'].person_id}/"
    client.get(page)
    idle(client, 29)
    assert client.get(page).status_code == 200
    assert logged_in(client)


def test_the_idle_timeout_follows_the_policy(db, client_for, users):
    set_policy(session_idle_minutes=10)
    client = client_for("hosp")
    page = f"/org/people/{users['member'].person_id}/"
    client.get(page)
    idle(client, 11)
    assert client.get(page).status_code == 302
    assert not logged_in(client)


def test_an_idle_api_session_gets_a_401_in_chinese(db, client_for):
    client = client_for("hosp")
    client.get("/api/org/branches/")
    idle(client, 31)
    response = client.get("/api/org/branches/")
    assert response.status_code == 401
    assert response.json()["detail"] == "会话已超时，请重新登录"


# --- TOTP -------------------------------------------------------------------------------------


def token_for(device: TOTPDevice, drift: int = 0) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{value:0{device.digits}d}"


def confirmed_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="手机动态口令", confirmed=True)


def test_two_factor_is_enabled_with_a_token_from_the_phone(db, client_for, users):
    client = client_for("member")
    page = client.get("/accounts/2fa/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=users["member"], confirmed=False)
    assert "<svg" in page.content.decode()  # the QR code to scan
    response = client.post("/accounts/2fa/", {"token": token_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="otp_enabled", username="member").exists()


def test_a_wrong_token_does_not_enable_two_factor(db, client_for, users):
    client = client_for("member")
    client.get("/accounts/2fa/")
    device = TOTPDevice.objects.get(user=users["member"])
    wrong = f"{(int(token_for(device)) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/2fa/", {"token": wrong})
    assert response.status_code == 200
    assert "动态口令不正确" in response.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed


def test_with_two_factor_the_password_alone_does_not_log_in(db, users):
    device = confirmed_device(users["member"])
    client = Client()
    response = login(client, "member")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/otp/"
    assert not logged_in(client)
    assert client.get("/org/people/").status_code == 302
    response = client.post("/accounts/login/otp/", {"token": token_for(device)})
    assert response.status_code == 302
    assert logged_in(client)
    assert AuditEvent.objects.filter(action="login", username="member").exists()


def test_a_wrong_token_is_refused_and_audited(db, users):
    device = confirmed_device(users["member"])
    client = Client()
    login(client, "member", ip="10.3.3.3")
    wrong = f"{(int(token_for(device)) + 7) % 1_000_000:06d}"
    response = client.post("/accounts/login/otp/", {"token": wrong}, REMOTE_ADDR="10.3.3.3")
    assert response.status_code == 200
    assert "动态口令不正确" in response.content.decode()
    assert not logged_in(client)
    event = AuditEvent.objects.get(action="otp_failed")
    assert (event.username, event.ip, event.success) == ("member", "10.3.3.3", False)


def test_five_wrong_tokens_end_the_login_attempt(db, users):
    confirmed_device(users["member"])
    client = Client()
    login(client, "member")
    for _ in range(5):
        response = client.post("/accounts/login/otp/", {"token": "123456x"[:6]})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert client.get("/accounts/login/otp/")["Location"] == "/accounts/login/"
    assert not logged_in(client)


def test_admins_without_two_factor_are_sent_to_set_it_up_when_required(db, client_for, users):
    set_policy(require_2fa_for_admins=True)
    admin = client_for("hosp")
    response = admin.get("/org/people/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/?required=1"
    # members are not admins: not affected
    member_page = f"/org/people/{users['member'].person_id}/"
    assert client_for("member").get(member_page).status_code == 200
    # once set up, the admin gets in
    admin.get("/accounts/2fa/")
    device = TOTPDevice.objects.get(user=users["hosp"])
    admin.post("/accounts/2fa/", {"token": token_for(device)})
    assert admin.get("/org/people/").status_code == 200


@pytest.mark.parametrize("username", ["audit", "security", "sysadmin", "city"])
def test_every_admin_role_is_held_to_two_factor_when_required(db, client_for, username):
    set_policy(require_2fa_for_admins=True)
    response = client_for(username).get("/")
    assert response["Location"] == "/accounts/2fa/?required=1"


# --- 三员分立 ----------------------------------------------------------------------------------


def test_system_admin_cannot_read_the_audit_trail(db, client_for):
    client = client_for("sysadmin")
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/changes/").status_code == 403


def test_system_admin_cannot_grant_roles(db, client_for, users):
    count = RoleAssignment.objects.count()
    response = client_for("sysadmin").post(
        "/security/", {"username": "sysadmin", "role": Role.CITY_ADMIN}
    )
    assert response.status_code == 403
    assert RoleAssignment.objects.count() == count
    with pytest.raises(PermissionDenied):
        services.role_grant(
            access=access_for(users["sysadmin"]), user=users["member"], role=Role.CITY_ADMIN
        )


def test_security_admin_cannot_edit_people(db, client_for, users):
    person = users["member"].person
    before = Person.objects.filter(pk=person.pk).values().get()
    response = client_for("security").post(
        f"/org/people/{person.pk}/edit/",
        {"name": "改掉的名字", "gender": person.gender, "birth_date": person.birth_date},
    )
    assert response.status_code == 403
    assert Person.objects.filter(pk=person.pk).values().get() == before
    assert AuditEvent.objects.filter(action="denied", username="security").exists()


def test_auditor_reads_the_trail_but_changes_nothing(db, client_for, users):
    client = client_for("audit")
    assert client.get("/audit/").status_code == 200
    assert client.get("/audit/changes/").status_code == 200
    person = users["member"].person
    before = (
        RoleAssignment.objects.count(),
        User.objects.count(),
        Person.objects.filter(pk=person.pk).values().get(),
        list(type(get_policy()).objects.values()),
    )
    for url, data in (
        ("/security/", {"username": "audit", "role": Role.CITY_ADMIN}),
        ("/security/policy/", {"lockout_failures": 1}),
        ("/system/users/", {"username": "x", "display_name": "x", "password": "Xin#Mima2027"}),
        (f"/system/users/{users['member'].pk}/active/", {"active": "0"}),
        (f"/org/people/{person.pk}/edit/", {"name": "改"}),
        (f"/org/people/{person.pk}/leave/", {"on": "2026-01-01", "reason": "x"}),
    ):
        assert client.post(url, data).status_code == 403, url
    after = (
        RoleAssignment.objects.count(),
        User.objects.count(),
        Person.objects.filter(pk=person.pk).values().get(),
        list(type(get_policy()).objects.values()),
    )
    assert after == before
    assert User.objects.get(pk=users["member"].pk).is_active


def test_a_separated_role_cannot_go_to_someone_holding_another_role(db, users):
    security = access_for(users["security"])
    for role in (Role.AUDITOR, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN):
        with pytest.raises(ValidationError) as exc:
            services.role_grant(access=security, user=users["member"], role=role)
        assert "三员分立" in " ".join(exc.value.messages)
    assert set(users["member"].role_assignments.values_list("role", flat=True)) == {Role.MEMBER}


def test_a_separated_admin_cannot_be_given_another_role(db, users):
    with pytest.raises(ValidationError) as exc:
        services.role_grant(
            access=access_for(users["security"]),
            user=users["audit"],
            role=Role.HOSPITAL_ADMIN,
            hospital=second(),
        )
    assert "三员分立" in " ".join(exc.value.messages)


def test_the_security_admin_cannot_grant_themself_a_role(db, users):
    with pytest.raises(ValidationError) as exc:
        services.role_grant(
            access=access_for(users["security"]), user=users["security"], role=Role.AUDITOR
        )
    assert "不能给自己授予角色" in " ".join(exc.value.messages)


def test_the_role_page_explains_a_refused_grant_in_chinese(db, client_for):
    response = client_for("security").post(
        "/security/", {"username": "member", "role": Role.AUDITOR}
    )
    assert response.status_code == 200
    assert "三员分立" in response.content.decode()


def test_granting_and_revoking_a_role_is_audited(db, client_for, users):
    client = client_for("security")
    branch = Branch.objects.filter(hospital=second(), kind="branch").order_by("pk").first()
    response = client.post(
        "/security/",
        {"username": "hosp2", "role": Role.BRANCH_SECRETARY, "branch": branch.pk},
        REMOTE_ADDR="10.5.5.5",
    )
    assert response.status_code == 302
    ra = RoleAssignment.objects.get(user=users["hosp2"], role=Role.BRANCH_SECRETARY)
    assert ra.branch_id == branch.pk and ra.granted_by_id == users["security"].pk
    granted = AuditEvent.objects.get(action="role_granted")
    assert (granted.username, granted.ip, granted.target_id) == (
        "security",
        "10.5.5.5",
        str(users["hosp2"].pk),
    )
    assert granted.detail["role"] == Role.BRANCH_SECRETARY
    assert access_for(User.objects.get(pk=users["hosp2"].pk)).branch_ids == {branch.pk}

    assert client.post(f"/security/roles/{ra.pk}/revoke/").status_code == 302
    assert not RoleAssignment.objects.filter(pk=ra.pk).exists()
    revoked = AuditEvent.objects.get(action="role_revoked")
    assert revoked.detail["role"] == Role.BRANCH_SECRETARY
    assert revoked.target_id == str(users["hosp2"].pk)


def test_a_user_without_roles_sees_no_business_data(db, client_for):
    User.objects.create_user(username="norole", password=PASSWORD)
    client = client_for("norole")
    assert client.get("/").status_code == 403
    assert client.get("/org/people/").status_code == 403


# --- the audit trail is append-only ------------------------------------------------------------


def test_the_audit_trail_cannot_be_changed_or_deleted(db):
    event = audit_log(action="login", username="member")
    event.username = "someone-else"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(username="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["username"])
    assert AuditEvent.objects.get(pk=event.pk).username == "member"


def test_the_auditor_can_filter_the_trail_by_action_and_result(db, client_for):
    fail("member", 1)
    login(Client(), "sec")
    response = client_for("audit").get("/audit/", {"action": "login_failed", "success": "0"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "member" in page
    events = list(response.context["page"].object_list)
    assert events and all(e.action == "login_failed" and not e.success for e in events)


def test_login_does_not_send_the_user_to_another_site(db):
    client = Client()
    response = client.post(
        "/accounts/login/?next=https://evil.example/steal",
        {"username": "member", "password": PASSWORD, "next": "https://evil.example/steal"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_login_returns_to_the_page_asked_for(db, users):
    page = f"/org/people/{users['member'].person_id}/"
    response = Client().post(
        f"/accounts/login/?next={page}", {"username": "member", "password": PASSWORD, "next": page}
    )
    assert response["Location"] == page
