"""Real-browser check of a member's morning on a phone inside WeChat (390×844, WeChat's user
agent): log in → 首页 shows the meeting with its 签到 → one tap checks in → 学习 tab → open a
study item → back home, the open exam from its task, answers kept through a reload mid-exam,
handed in → 积分 tab; the bottom tab bar stays put without hiding the page. Then each
business role's home page on a desktop. Screenshots: test-artifacts/screenshots/home-*.png.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from hongfan.accounts.models import User
from hongfan.core.testing.browser import DESKTOP, PHONE, horizontal_overflow, login, shot
from hongfan.orglife.choices import AttendanceStatus
from hongfan.orglife.models import Attendance
from hongfan.orglife.tests.factories import MeetingFactory
from hongfan.study.models import ExamAttempt

pytestmark = pytest.mark.browser

WECHAT = {
    **PHONE,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 13; V2227A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 "
        "MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 "
        "Weixin NetType/WIFI Language/zh_CN ABI/arm64"
    ),
}


def _tab_bar_hides_nothing(page: Any) -> None:
    """At the bottom of the page, the footer ends above the tab bar (the page is padded)."""
    # Bootstrap scrolls smoothly: jump instead, so that the positions are final
    page.evaluate(
        "window.scrollTo({top: document.documentElement.scrollHeight, behavior: 'instant'})"
    )
    page.wait_for_timeout(100)
    footer, bar = page.evaluate(
        "[document.querySelector('footer').getBoundingClientRect().bottom,"
        " document.querySelector('.hf-tabbar').getBoundingClientRect().top]"
    )
    assert footer <= bar + 1, (footer, bar)


def test_a_members_morning_on_a_phone(demo_city: Any, open_page: Any) -> None:
    from playwright.sync_api import expect

    base = demo_city.url
    person = User.objects.get(username="member").person
    start = timezone.now() - timedelta(minutes=5)
    meeting = MeetingFactory(
        branch=person.branch,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        topic="晨会：学习贯彻全会精神",
        roster=[person],
        online=True,  # one tap from home (a meeting in the room is checked in by its QR code)
    )

    page = open_page(WECHAT)
    login(page, base, "member")
    assert page.url.rstrip("/") == base  # a member lands on 首页
    todo = page.locator(".hf-todo", has_text="晨会：学习贯彻全会精神")
    expect(todo).to_be_visible()
    button = todo.get_by_role("button", name="签到")
    expect(button).to_be_visible()
    tabbar = page.locator(".hf-tabbar")
    expect(tabbar).to_be_visible()
    expect(tabbar.locator(".hf-tab.active")).to_have_text("首页")
    assert horizontal_overflow(page) == 0
    shot(page, "home-member-phone")
    _tab_bar_hides_nothing(page)

    # one tap checks in
    page.evaluate("window.scrollTo({top: 0, behavior: 'instant'})")
    with page.expect_navigation():
        button.click()
    expect(page.locator("#checkin-done")).to_contain_text("已签到")
    row = Attendance.objects.get(meeting=meeting, person=person)
    assert row.status == AttendanceStatus.PRESENT
    shot(page, "home-member-checked-in")

    # back home: the meeting is marked as checked in
    with page.expect_navigation():
        page.locator(".hf-tabbar").get_by_role("link", name="首页").click()
    expect(page.locator(".hf-todo", has_text="晨会：学习贯彻全会精神")).to_contain_text("已签到")

    # 学习: open a study item
    with page.expect_navigation():
        page.locator(".hf-tabbar").get_by_role("link", name="学习").click()
    expect(page.locator(".hf-tabbar .hf-tab.active")).to_have_text("学习")
    with page.expect_navigation():
        page.locator("a[href*='/study/items/']").first.click()
    expect(page.locator("h1")).to_be_visible()
    assert horizontal_overflow(page) == 0
    shot(page, "home-member-study-item")

    # back home: the open exam's task leads to it; answers survive a reload mid-exam
    with page.expect_navigation():
        page.locator(".hf-tabbar").get_by_role("link", name="首页").click()
    exam_task = page.locator(".hf-todo", has_text="考试：")
    with page.expect_navigation():
        exam_task.get_by_role("link", name="去答题").first.click()
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    with page.expect_navigation():
        page.locator("button", has_text="开始答题").click()
    assert asked and "还剩" in asked[0]
    attempt = ExamAttempt.objects.get(person=person, submitted_at__isnull=True)
    rows = list(attempt.questions.select_related("question").order_by("position"))
    for aq in rows[:2]:
        for letter in aq.question.answer:
            page.locator(f"#q{aq.pk}{letter}").check()
        page.locator(
            f'fieldset[data-question="{aq.pk}"] .hf-save-status', has_text="已保存"
        ).wait_for()
    page.reload()
    for aq in rows[:2]:
        for letter in aq.question.answer:
            assert page.locator(f"#q{aq.pk}{letter}").is_checked()
    shot(page, "home-member-exam-after-reload")
    for aq in rows[2:]:
        for letter in aq.question.answer:
            page.locator(f"#q{aq.pk}{letter}").check()
    page.once("dialog", lambda d: d.accept())
    with page.expect_navigation():
        page.locator("#submit-answers").click()
    assert page.locator("#score").inner_text().strip() == "100"

    # 积分: the member's points
    with page.expect_navigation():
        page.locator(".hf-tabbar").get_by_role("link", name="积分").click()
    expect(page.locator(".hf-tabbar .hf-tab.active")).to_have_text("积分")
    expect(page.locator(".hf-stat", has_text="本季度")).to_be_visible()
    _tab_bar_hides_nothing(page)
    shot(page, "home-member-points")

    # 我的: the 党员档案 with its tabs that scroll sideways on a phone
    with page.expect_navigation():
        page.locator(".hf-tabbar").get_by_role("link", name="我的").click()
    strip = page.locator(".hf-tabs")
    expect(strip).to_be_visible()
    strip.get_by_role("tab", name="组织生活").click()
    expect(page.locator("#attendance")).to_contain_text("出勤率")
    assert "tab=orglife" in page.url
    assert horizontal_overflow(page) == 0
    shot(page, "home-member-file")


@pytest.mark.parametrize("name", ["member", "sec", "hosp", "city"])
def test_each_roles_home_on_a_desktop(demo_city: Any, open_page: Any, name: str) -> None:
    from playwright.sync_api import expect

    from hongfan.points.tests.factories import PointClaimFactory

    PointClaimFactory()  # a claim of the demo member waits on sec and hosp
    page = open_page(DESKTOP)
    login(page, demo_city.url, name)
    expect(page.locator("#todos")).to_be_visible()
    badge = page.locator(".hf-todo-badge:visible")
    if name in ("sec", "hosp"):
        expect(badge).to_contain_text("待办")
        expect(page.locator(".hf-todo", has_text="待审核的积分申报")).to_be_visible()
        with page.expect_navigation():
            page.locator(".hf-todo", has_text="待审核的积分申报").get_by_role("link").first.click()
        assert page.url.endswith("/points/claims/review/")
        page.go_back()
    else:
        expect(badge).to_have_count(0)
    expect(page.locator(".hf-tabbar")).to_be_hidden()  # a desktop has the menu bar
    assert horizontal_overflow(page) == 0
    shot(page, f"home-{name}-desktop")
