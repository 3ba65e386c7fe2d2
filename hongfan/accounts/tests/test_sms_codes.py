"""Logging in by mobile number and SMS code, and resetting a forgotten password by one:
codes hashed, expiring, single use, a few tries each; rate limited per number and per
address with a 429 in Chinese that changes nothing; the same answer whether or not the
number has an account; every send, success and failure audited without the number."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hongfan.accounts.models import SmsCode, User
from hongfan.accounts.policy import get_policy
from hongfan.accounts.tests.sms import MOBILE, give_mobile
from hongfan.core import pii
from hongfan.core.models import AuditEvent

PASSWORD = "Hongfan@2026"
SENT = "如该手机号已登记，验证码已发送"
NEW = "Xin#Mima2027"


@pytest.fixture
def member(db, users) -> User:
    user = users["member"]
    give_mobile(user.person)
    return user


def ask(
    client: Client, mobile: str = MOBILE, ip: str = "10.3.0.1", url: str = "/accounts/login/?by=sms"
):
    return client.post(url, {"by": "sms", "mobile": mobile, "action": "send"}, REMOTE_ADDR=ip)


def sms_login(client: Client, code: str, mobile: str = MOBILE, **extra):
    data = {"by": "sms", "mobile": mobile, "code": code, "action": "login", **extra}
    return client.post("/accounts/login/?by=sms", data, REMOTE_ADDR="10.3.0.1")


def logged_in_as(client: Client) -> str | None:
    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk).username if pk else None


def age_codes(**delta) -> None:
    """Pretend every code was asked for earlier (they cannot be asked for in the past)."""
    for row in SmsCode.objects.all():
        row.created_at -= timedelta(**delta)
        row.expires_at -= timedelta(**delta)
        row.save(update_fields=["created_at", "expires_at"])


# --- logging in --------------------------------------------------------------------------------


def test_the_login_page_offers_an_sms_code_tab(db):
    page = Client().get("/accounts/login/").content.decode()
    assert "短信验证码登录" in page and "忘记密码" in page and "激活账号" in page
    sms = Client().get("/accounts/login/?by=sms").content.decode()
    assert "获取验证码" in sms and 'name="mobile"' in sms


def test_a_member_logs_in_with_the_code_sent_to_their_mobile(member, outbox):
    client = Client()
    response = ask(client)
    assert response.status_code == 200
    assert SENT in response.content.decode()
    code = outbox.last_code()
    response = sms_login(client, code)
    assert response.status_code == 302
    assert logged_in_as(client) == "member"
    event = AuditEvent.objects.filter(action="login", username="member").latest("pk")
    assert event.detail == {"via": "sms"}


def test_the_code_is_stored_only_as_a_keyed_hash_and_the_number_never_in_clear(member, outbox):
    ask(Client())
    code = outbox.last_code()
    row = SmsCode.objects.get()
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert row.mobile_hash == pii.keyed_hash(MOBILE)
    sent = AuditEvent.objects.filter(action="sms_code_sent").latest("pk")
    assert sent.success and sent.target_id == str(member.pk)
    assert MOBILE not in str(sent.detail) and sent.detail["mobile"] == "139****5678"
    assert all(MOBILE not in text for _, text in outbox.sent())


def test_a_wrong_code_is_refused_in_chinese_and_audited(member, outbox):
    client = Client()
    ask(client)
    right = outbox.last_code()
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    response = sms_login(client, wrong)
    assert response.status_code == 200
    assert "验证码错误或已过期" in response.content.decode()
    assert logged_in_as(client) is None
    failed = AuditEvent.objects.filter(action="login_failed").latest("pk")
    assert failed.detail["reason"] == "wrong_code" and not failed.success
    assert MOBILE not in str(failed.detail)


def test_an_expired_code_is_refused(member, outbox):
    client = Client()
    ask(client)
    code = outbox.last_code()
    age_codes(minutes=6)
    response = sms_login(client, code)
    assert "验证码错误或已过期" in response.content.decode()
    assert logged_in_as(client) is None


def test_a_code_works_once(member, outbox):
    first = Client()
    ask(first)
    code = outbox.last_code()
    assert sms_login(first, code).status_code == 302
    second = Client()
    response = sms_login(second, code)
    assert "验证码已使用" in response.content.decode()
    assert logged_in_as(second) is None


def test_five_wrong_tries_spend_the_code(member, outbox):
    client = Client()
    ask(client)
    right = outbox.last_code()
    for i in range(5):
        sms_login(client, f"{(int(right) + 1 + i) % 10**6:06d}")
    response = sms_login(client, right)
    assert "验证码输错次数过多" in response.content.decode()
    assert logged_in_as(client) is None


def test_only_the_newest_code_counts(member, outbox):
    client = Client()
    ask(client)
    old = outbox.last_code()
    age_codes(minutes=2)
    ask(client)
    new = outbox.last_code()
    if old != new:
        assert "验证码错误或已过期" in sms_login(client, old).content.decode()
    assert sms_login(client, new).status_code == 302


def test_a_number_without_an_account_gets_the_same_answer_and_no_sms(member, outbox):
    known = ask(Client(), ip="10.3.0.2")
    unknown = ask(Client(), mobile="13700000001", ip="10.3.0.3")
    assert known.status_code == unknown.status_code == 200
    strip = lambda r: r.content.decode().replace(MOBILE, "").replace("13700000001", "")  # noqa: E731
    assert strip(known).count(SENT) == strip(unknown).count(SENT) == 1
    assert [masked for masked, _ in outbox.sent()] == ["139****5678"]
    # a guessed code for the unknown number is refused the same way
    response = sms_login(Client(), "123456", mobile="13700000001")
    assert "验证码错误或已过期" in response.content.decode()


def test_an_inactive_or_pending_account_gets_no_login_code(member, outbox):
    User.objects.filter(pk=member.pk).update(is_active=False)
    ask(Client())
    assert outbox.sent() == []


@pytest.mark.parametrize(
    "mobile",
    [
        "12345",
        "1391234567x",
        "139123456789",
        "1391234\x005678",
        "9" * 400,
        "２３９１２３４５６７８",
        "",
    ],
)
def test_a_malformed_mobile_is_refused_in_chinese_and_nothing_is_sent(member, outbox, mobile):
    response = ask(Client(), mobile=mobile)
    assert response.status_code == 200
    assert ("请输入正确的11位手机号" if mobile else "请输入手机号") in response.content.decode()
    assert SmsCode.objects.count() == 0 and outbox.sent() == []


def test_a_mobile_typed_with_spaces_or_plus86_is_understood(member, outbox):
    ask(Client(), mobile="+86 139-1234-5678")
    assert outbox.last_code()


@pytest.mark.parametrize(
    "code", ["12345", "abcdef", "1234567", "12\x003456", "9" * 500, "１２３４５６"]
)
def test_a_malformed_code_is_refused_in_chinese(member, outbox, code):
    client = Client()
    ask(client)
    response = sms_login(client, code)
    assert response.status_code == 200
    assert "请输入6位数字验证码" in response.content.decode()
    assert SmsCode.objects.get().attempts == 0
    assert logged_in_as(client) is None


# --- rate limits -------------------------------------------------------------------------------


def test_a_second_code_within_a_minute_is_refused_with_429_and_nothing_changes(member, outbox):
    ask(Client())
    before = SmsCode.objects.count()
    response = ask(Client(), ip="10.3.9.9")
    assert response.status_code == 429
    assert "获取验证码过于频繁，请" in response.content.decode()
    assert SmsCode.objects.count() == before and len(outbox.sent()) == 1
    refused = AuditEvent.objects.filter(action="sms_code_sent").latest("pk")
    assert not refused.success and refused.detail["reason"] == "throttled"


def test_a_number_gets_at_most_five_codes_an_hour(member, outbox):
    for _ in range(5):
        assert ask(Client()).status_code == 200
        age_codes(seconds=61)
    response = ask(Client())
    assert response.status_code == 429
    assert "该手机号获取验证码次数过多" in response.content.decode()
    assert len(outbox.sent()) == 5
    age_codes(minutes=60)
    assert ask(Client()).status_code == 200


def test_an_address_is_limited_across_numbers(member, outbox):
    policy = get_policy()
    policy.sms_per_ip_hour = 5
    policy.save()
    for i in range(5):
        assert ask(Client(), mobile=f"1370000000{i}", ip="10.7.7.7").status_code == 200
    response = ask(Client(), ip="10.7.7.7")
    assert response.status_code == 429
    assert "获取验证码过于频繁" in response.content.decode()
    assert outbox.sent() == []  # the member's number was never reached
    assert ask(Client(), ip="10.7.7.8").status_code == 200


# --- the second factor --------------------------------------------------------------------------


def test_an_account_with_a_second_factor_still_needs_it_after_the_code(db, users, outbox):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    hosp = users["hosp"]
    give_mobile(hosp.person if hosp.person_id else users["member"].person)
    if not hosp.person_id:
        User.objects.filter(pk=hosp.pk).update(person=users["member"].person)
        User.objects.filter(pk=users["member"].pk).update(person=None)
    TOTPDevice.objects.create(user=hosp, name="手机动态口令", confirmed=True)
    client = Client()
    ask(client)
    response = sms_login(client, outbox.last_code())
    assert response["Location"] == "/accounts/login/otp/"
    assert logged_in_as(client) is None


# --- forgotten password ------------------------------------------------------------------------


def reset(
    client: Client, code: str, password: str = NEW, again: str | None = None, mobile: str = MOBILE
):
    return client.post(
        "/accounts/password/reset/",
        {
            "mobile": mobile,
            "code": code,
            "new_password": password,
            "new_password2": again or password,
            "action": "save",
        },
    )


def ask_reset(client: Client, mobile: str = MOBILE):
    return client.post("/accounts/password/reset/", {"mobile": mobile, "action": "send"})


def test_a_forgotten_password_is_reset_by_sms_code(member, outbox):
    client = Client()
    assert SENT in ask_reset(client).content.decode()
    response = reset(client, outbox.last_code())
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    member.refresh_from_db()
    assert member.check_password(NEW)
    event = AuditEvent.objects.filter(action="password_reset").latest("pk")
    assert event.success and event.user_id == member.pk
    login = Client().post("/accounts/login/", {"username": "member", "password": NEW})
    assert login.status_code == 302


def test_a_reset_keeps_the_password_rules_and_leaves_the_code_usable(member, outbox):
    client = Client()
    ask_reset(client)
    code = outbox.last_code()
    weak = reset(client, code, password="abc")
    assert "密码至少需要8个字符" in weak.content.decode()
    reused = reset(client, code, password=PASSWORD)
    assert "不能与最近5次使用过的密码相同" in reused.content.decode()
    mismatch = reset(client, code, again="Other#Pass2027")
    assert "两次输入的新密码不一致" in mismatch.content.decode()
    member.refresh_from_db()
    assert member.check_password(PASSWORD)
    assert reset(client, code).status_code == 302


def test_a_reset_with_a_wrong_or_login_code_changes_nothing(member, outbox):
    client = Client()
    ask(client)  # a login code is not a reset code
    response = reset(client, outbox.last_code())
    assert "验证码错误或已过期" in response.content.decode()
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_too_many_reset_codes_get_a_429_and_change_nothing(member, outbox):
    ask_reset(Client())
    response = ask_reset(Client())
    assert response.status_code == 429
    assert "获取验证码过于频繁" in response.content.decode()
    assert len(outbox.sent()) == 1


def test_a_reset_code_also_clears_the_lockout(member, outbox):
    for i in range(5):
        Client().post(
            "/accounts/login/",
            {"username": "member", "password": "wrong"},
            REMOTE_ADDR=f"10.8.0.{i}",
        )
    client = Client()
    ask_reset(client)
    reset(client, outbox.last_code())
    login = Client().post("/accounts/login/", {"username": "member", "password": NEW})
    assert login.status_code == 302


def test_an_old_code_cannot_be_used_after_its_time_even_for_a_reset(member, outbox, clock):
    client = Client()
    ask_reset(client)
    code = outbox.last_code()
    clock.advance(minutes=5, seconds=1)
    assert "验证码错误或已过期" in reset(client, code).content.decode()
    assert timezone.now() > SmsCode.objects.get().expires_at


def test_the_demo_member_has_a_known_mobile_for_trying_sms_login(db, users, outbox):
    from hongfan.accounts.demo import DEMO_MOBILE

    users["member"].person.refresh_from_db()
    assert users["member"].person.mobile == DEMO_MOBILE
    ask(Client(), mobile=DEMO_MOBILE)
    assert outbox.last_code(DEMO_MOBILE)


@pytest.mark.parametrize(
    "data",
    [
        {"username": "mem\x00ber", "password": PASSWORD},
        {"username": "m" * 500, "password": PASSWORD},
        {"username": "", "password": ""},
    ],
)
def test_a_malformed_password_login_is_answered_in_chinese(db, data):
    client = Client()
    response = client.post("/accounts/login/", data)
    assert response.status_code == 200
    assert "请输入正确的用户名和密码" in response.content.decode()
    assert logged_in_as(client) is None


def test_a_bad_next_is_ignored(member, outbox):
    client = Client()
    ask(client)
    response = sms_login(client, outbox.last_code(), next="https://evil.example/\x00")
    assert response.status_code == 302 and response["Location"] == "/"


def test_old_codes_are_pruned_and_recent_ones_kept(member, outbox):
    from hongfan.accounts.services import sms_codes_prune

    ask(Client())
    assert sms_codes_prune() == 0
    age_codes(days=3)
    assert sms_codes_prune() == 1
    assert SmsCode.objects.count() == 0
