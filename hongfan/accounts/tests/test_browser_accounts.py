"""Real-browser checks (Playwright, Debian's chromium) of logging in where members are: an
SMS-code login and a password reset by SMS code on a phone and a desktop, and accounts
opened from the roster by the system admin, then activated by SMS code on a phone. The
codes are read from what the log SMS backend (used outside production) wrote.
Screenshots: test-artifacts/screenshots/accounts-*.png."""

from __future__ import annotations

from typing import Any

import pytest

from hongfan.accounts.models import User
from hongfan.accounts.tests.sms import MOBILE, give_mobile
from hongfan.core.testing.browser import DESKTOP, PHONE, horizontal_overflow, login, shot
from hongfan.org.tests.factories import make_person, sec_branch

pytestmark = pytest.mark.browser

NEW = "Xin#Mima2027"
SIZES = [pytest.param(PHONE, id="phone"), pytest.param(DESKTOP, id="desktop")]


def size_name(size: dict[str, Any]) -> str:
    return "phone" if size is PHONE else "desktop"


def get_code(page: Any, mobile: str, outbox: Any) -> str:
    page.fill("#id_mobile", mobile)
    with page.expect_navigation():
        page.click("button[name=action][value=send]")
    assert "验证码已发送" in page.inner_text(".alert-success")
    return outbox.last_code(mobile)


@pytest.mark.parametrize("size", SIZES)
def test_a_member_logs_in_with_an_sms_code(demo_city, open_page, outbox, size):
    give_mobile(User.objects.get(username="member").person)
    base = demo_city.url
    page = open_page(size)
    page.goto(f"{base}/accounts/login/")
    page.click("text=短信验证码登录")
    assert horizontal_overflow(page) == 0
    code = get_code(page, MOBILE, outbox)
    resend = page.locator("button[name=action][value=send]")
    assert "秒后重新获取" in resend.inner_text() and resend.is_disabled()
    page.fill("#id_code", code)
    shot(page, f"accounts-sms-login-{size_name(size)}")
    with page.expect_navigation():
        page.click("button[name=action][value=login]")
    assert "/accounts/login" not in page.url
    assert page.locator("form[action='/accounts/logout/']").count() == 1
    shot(page, f"accounts-sms-login-done-{size_name(size)}")


def test_a_wrong_code_is_refused_on_the_page(demo_city, open_page, outbox):
    give_mobile(User.objects.get(username="member").person)
    page = open_page(PHONE)
    page.goto(f"{demo_city.url}/accounts/login/?by=sms")
    right = get_code(page, MOBILE, outbox)
    page.fill("#id_code", f"{(int(right) + 1) % 10**6:06d}")
    with page.expect_navigation():
        page.click("button[name=action][value=login]")
    assert "验证码错误或已过期" in page.inner_text("body")
    shot(page, "accounts-sms-login-wrong-phone")


@pytest.mark.parametrize("size", SIZES)
def test_a_forgotten_password_is_reset_by_sms_code(demo_city, open_page, outbox, size):
    give_mobile(User.objects.get(username="member").person)
    base = demo_city.url
    page = open_page(size)
    page.goto(f"{base}/accounts/login/")
    with page.expect_navigation():
        page.click("text=忘记密码？")
    code = get_code(page, MOBILE, outbox)
    page.fill("#id_code", code)
    page.fill("#id_new_password", NEW)
    page.fill("#id_new_password2", NEW)
    assert horizontal_overflow(page) == 0
    shot(page, f"accounts-password-reset-{size_name(size)}")
    with page.expect_navigation():
        page.click("button[name=action][value=save]")
    assert "密码已重置" in page.inner_text("body")
    login(page, base, "member", NEW)
    assert "/accounts/login" not in page.url


def test_accounts_are_opened_from_the_roster_and_activated_by_sms(demo_city, open_page, outbox):
    base = demo_city.url
    branch = sec_branch()
    person = make_person(branch=branch, political_status="member", name="新来的党员")
    give_mobile(person, "13955551234")
    admin = open_page(DESKTOP)
    login(admin, base, "sysadmin")
    admin.goto(f"{base}/system/users/roster/")
    admin.select_option("#id_hospital", str(branch.hospital_id))
    admin.select_option("#id_branch", str(branch.pk))
    with admin.expect_navigation():
        admin.click("text=查看")
    assert "新来的党员" in admin.inner_text("table")
    shot(admin, "accounts-roster-preview-desktop")
    admin.on("dialog", lambda dialog: dialog.accept())
    with admin.expect_navigation():
        admin.click("text=为以上职工开通账号")
    assert "待激活" in admin.inner_text("body")
    shot(admin, "accounts-roster-done-desktop")
    account = User.objects.get(person=person)
    assert account.username == "xinlaidedangyuan" and not account.is_active

    phone = open_page(PHONE)
    phone.goto(f"{base}/accounts/login/")
    with phone.expect_navigation():
        phone.click("text=激活账号")
    code = get_code(phone, "13955551234", outbox)
    phone.fill("#id_code", code)
    phone.fill("#id_new_password", NEW)
    phone.fill("#id_new_password2", NEW)
    shot(phone, "accounts-activate-phone")
    with phone.expect_navigation():
        phone.click("button[name=action][value=save]")
    assert "账号已激活" in phone.inner_text("body")
    shot(phone, "accounts-activate-done-phone")
    account.refresh_from_db()
    assert account.is_active and account.check_password(NEW)


def test_an_account_is_linked_to_a_person_found_by_name(demo_city, open_page):
    base = demo_city.url
    person = make_person(branch=sec_branch(), name="欧阳关联")
    page = open_page(DESKTOP)
    login(page, base, "sysadmin")
    page.goto(f"{base}/system/users/")
    page.fill("#id_username", "ouyang")
    page.fill("#id_display_name", "欧阳关联")
    page.fill("#id_password", NEW)
    page.locator("#id_person-ts-control").fill("欧阳")
    option = page.locator(".ts-dropdown .option", has_text="欧阳关联").first
    option.click()
    shot(page, "accounts-link-person-desktop")
    with page.expect_navigation():
        page.click("text=创建")
    assert "账号 ouyang 已创建" in page.inner_text("body")
    assert User.objects.get(username="ouyang").person == person


def test_account_security_bulk_grant_and_policy_pages_fit(demo_city, open_page):
    base = demo_city.url
    phone = open_page(PHONE)
    login(phone, base, "member")
    phone.goto(f"{base}/accounts/security/")
    assert "微信" in phone.inner_text("main") and horizontal_overflow(phone) == 0
    shot(phone, "accounts-security-phone")
    sec = open_page(DESKTOP)
    login(sec, base, "security")
    sec.goto(f"{base}/security/roles/bulk/")
    assert "授予所选账号" in sec.inner_text("main")
    sec.check("input[data-check-all]")
    boxes = sec.locator("input[name=users]")
    assert boxes.count() > 0
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    shot(sec, "accounts-roles-bulk-desktop")
    sec.goto(f"{base}/security/policy/")
    assert "记住此设备" in sec.inner_text("main")
    shot(sec, "accounts-policy-desktop")
