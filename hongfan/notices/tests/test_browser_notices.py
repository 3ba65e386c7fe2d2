"""Real-browser check of 消息设置 on a phone and a desktop: a member opens it from 我的消息,
chooses 积分 by SMS, saves, and the choice is kept; nothing scrolls sideways. Screenshots:
test-artifacts/screenshots/notices-*.png."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from hongfan.accounts.models import User
from hongfan.core.testing.browser import DESKTOP, PHONE, horizontal_overflow, login, shot
from hongfan.notices.models import NotificationPreference

pytestmark = pytest.mark.browser

BACKENDS = [
    "hongfan.notices.backends.InboxBackend",
    "hongfan.notices.backends.LogSmsBackend",
]


@override_settings(HONGFAN_NOTIFY_BACKENDS=BACKENDS)
def test_a_member_chooses_points_messages_by_sms_on_a_phone(demo_city: Any, open_page: Any):
    from playwright.sync_api import expect

    base = demo_city.url
    member = User.objects.get(username="member")
    NotificationPreference.objects.filter(user=member).delete()
    page = open_page(PHONE)
    login(page, base, "member")
    page.goto(f"{base}/notices/")
    page.get_by_role("link", name="消息设置").click()
    expect(page.get_by_role("heading", name="消息设置")).to_be_visible()
    shot(page, "notices-settings-phone")
    assert horizontal_overflow(page) == 0
    points = page.locator(".list-group-item", has_text="积分申报").get_by_label("短信")
    expect(points).to_have_value("off")
    points.select_option("all")
    page.get_by_role("button", name="保存设置").click()
    expect(page.get_by_text("消息设置已保存")).to_be_visible()
    expect(
        page.locator(".list-group-item", has_text="积分申报").get_by_label("短信")
    ).to_have_value("all")
    assert list(
        NotificationPreference.objects.filter(user=member).values_list("category", "level")
    ) == [("积分", "all")]

    desk = open_page(DESKTOP)
    login(desk, base, "member")
    desk.goto(f"{base}/notices/settings/")
    shot(desk, "notices-settings-desktop")
    assert horizontal_overflow(desk) == 0
    NotificationPreference.objects.filter(user=member).delete()
