"""Real-browser checks of the organisation pages: Playwright (sync API) driving Debian's
/usr/bin/chromium against pytest-django's ``live_server``.

Run with ``make test-browser`` (``pytest -m browser``); ``make test`` skips them.
Screenshots land in ``test-artifacts/screenshots/`` (git-ignored) for a human to look at.

Database notes. ``live_server`` forces ``transactional_db``: every test here runs on
committed data and the database is *flushed* at its teardown, which would also delete the
session's demo city (built once by the root conftest's ``django_db_setup``). So:

* ``demo_city`` rebuilds the small demo city at the start of a test when it is missing
  (``builddemo --small`` is idempotent and takes about a second);
* ``_restore_demo_city`` rebuilds it once more after the last test of this module, so tests
  that run later in the same session (pytest-django runs transactional tests after the
  ordinary ``db`` tests, but other modules may add more) still find it.

Playwright's sync API keeps an asyncio loop running in this thread, which trips Django's
async-safety check on any ORM call from the test (including pytest-django's flush), hence
``DJANGO_ALLOW_ASYNC_UNSAFE``, set by the ``browser`` fixture for as long as Playwright
runs. The live server itself runs in its own thread and is not affected.
"""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from typing import Any

import pytest

from hongfan.core.dates import today
from hongfan.core.testing.browser import (
    DESKTOP,
    PHONE,
    horizontal_overflow,
    login,
    shot,
)
from hongfan.org.tests.factories import primary, sec_branch

pytestmark = pytest.mark.browser

# Browser fixtures and helpers: hongfan/core/testing/browser.py.


def expect_charts_drawn(page: Any) -> None:
    for chart_id in ("chart-branches", "chart-age", "chart-pipeline"):
        canvas = page.locator(f"#{chart_id} canvas")
        canvas.first.wait_for(state="visible")
        box = canvas.first.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100, (chart_id, box)


def expect_hospital_overview(page: Any) -> None:
    from playwright.sync_api import expect

    assert re.search(r"/org/hospitals/\d+/$", page.url), page.url
    expect(page.locator("h1")).to_contain_text("济宁市第三人民医院")
    stats = page.locator(".hf-stat")
    expect(stats).to_have_count(6)
    labels = " ".join(stats.all_inner_texts())
    for label in ("党员", "科室覆盖率", "双带头人"):
        assert label in labels, (label, labels)
    expect_charts_drawn(page)


# --- tests ----------------------------------------------------------------------------------


def test_hospital_admin_logs_in_and_sees_overview_and_development_board(
    demo_city: Any, open_page: Any
) -> None:
    from playwright.sync_api import expect

    for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page = open_page(size)
        login(page, demo_city.url, "hosp")
        # 首页 first (its tasks), then the hospital's overview from the menu bar's 医院概况
        expect(page.locator("#todos")).to_be_visible()
        page.goto(f"{demo_city.url}/org/hospitals/{primary().pk}/")
        expect_hospital_overview(page)
        shot(page, f"hosp-overview-{size_name}")

        page.get_by_role("link", name="发展党员看板").click()
        page.wait_for_url(re.compile(r"/org/development/"))
        columns = page.locator(".hf-board .col-stage")
        expect(columns).to_have_count(4)
        for label in ("入党申请人", "入党积极分子", "发展对象", "预备党员"):
            expect(page.locator(".hf-board")).to_contain_text(label)
        shot(page, f"hosp-development-{size_name}")
        if size is PHONE:
            # the four stage columns stack on a phone instead of scrolling sideways
            xs = {round(b["x"]) for b in (c.bounding_box() for c in columns.all()) if b}
            assert len(xs) == 1, f"stage columns are not stacked on a phone: x={xs}"
            assert horizontal_overflow(page) <= 0


def test_secretary_sees_branch_and_member_sees_own_page_on_a_phone(
    demo_city: Any, open_page: Any
) -> None:
    from playwright.sync_api import expect

    page = open_page(PHONE)
    login(page, demo_city.url, "sec")
    assert page.url.rstrip("/") == demo_city.url.rstrip("/")  # 首页 first
    page.goto(f"{demo_city.url}/org/branches/{sec_branch().pk}/")
    expect(page.locator(".hf-stat").first).to_contain_text("党员")
    expect(page.get_by_role("heading", name=re.compile("支部委员会"))).to_be_visible()
    shot(page, "sec-branch-phone")
    assert horizontal_overflow(page) <= 0, "branch page scrolls sideways on a phone"

    page = open_page(PHONE)
    login(page, demo_city.url, "member")
    # 首页 first; the bottom bar's 我的 opens the member's own page (党员档案)
    with page.expect_navigation():
        page.locator(".hf-tabbar").get_by_role("link", name="我的").click()
    assert re.search(r"/org/people/\d+/$", page.url), page.url
    expect(page.get_by_role("heading", name="基本信息")).to_be_visible()
    expect(page.get_by_role("heading", name="党组织信息")).to_be_visible()
    body = page.locator("main").inner_text()
    # personal data stays masked on the member's own page too
    assert not re.search(r"\d{17}[\dX]", body), "a full 身份证号 is shown"
    assert not re.search(r"1\d{10}", body), "a full 手机号 is shown"
    shot(page, "member-person-phone")
    assert horizontal_overflow(page) <= 0, "person page scrolls sideways on a phone"


def test_wrong_password_shows_chinese_error_and_stays_on_login(
    demo_city: Any, open_page: Any
) -> None:
    from playwright.sync_api import expect

    page = open_page(PHONE)
    login(page, demo_city.url, "audit", "wrong-password-1")
    assert "/accounts/login/" in page.url
    expect(page.get_by_role("alert")).to_have_text("用户名或密码错误")
    expect(page.locator("#id_username")).to_have_value("audit")
    shot(page, "login-wrong-password-phone")


def test_development_date_breaking_a_rule_is_refused_with_the_rule_in_chinese(
    demo_city: Any, open_page: Any
) -> None:
    from playwright.sync_api import expect

    page = open_page(DESKTOP)
    login(page, demo_city.url, "hosp")
    page.goto(f"{demo_city.url}/org/development/")
    item = page.locator('.col-stage[data-stage="activist"] .item a').first
    expect(item).to_be_visible()
    item.click()
    page.wait_for_url(re.compile(r"/org/development/\d+/$"))
    edit_url = page.url
    expect(page.locator("h2").first).to_contain_text("入党积极分子")

    activist_on = date.fromisoformat(page.input_value("#id_activist_on"))
    assert page.input_value("#id_candidate_on") == ""
    # one day after becoming an activist: far short of the minimum months of cultivation
    too_early = min(activist_on + timedelta(days=1), today())
    page.fill("#id_candidate_on", too_early.isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()

    error = page.locator("#id_candidate_on ~ .invalid-feedback")
    expect(error).to_contain_text("个月以上培养考察才能列为发展对象")
    expect(page.locator(".alert-success")).to_have_count(0)
    shot(page, "hosp-development-rule-error-desktop")

    # nothing was saved
    page.goto(edit_url)
    assert page.input_value("#id_candidate_on") == ""
    expect(page.locator("h2").first).to_contain_text("入党积极分子")


def test_chinese_fonts_are_installed_for_screenshots() -> None:
    """Without a CJK font Chromium draws every Chinese character as an empty box."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        pytest.skip("fontconfig is not installed")
    import subprocess

    out = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True, check=False)
    assert out.stdout.strip(), "no Chinese font: apt-get install -y fonts-noto-cjk"
