"""Real-browser checks of the behaviour that moved out of inline attributes and scripts for
the Content-Security-Policy (script-src 'self', style-src 'self'): app.js submits a filter
form when its select changes and asks before a confirmed submission; charts.js draws the
charts and their tooltips. ``open_page`` fails each test on any policy violation."""

from __future__ import annotations

from typing import Any

import pytest

from hongfan.core.dates import today
from hongfan.core.testing.browser import DESKTOP, PHONE, login, shot

pytestmark = pytest.mark.browser


def hover_across(page: Any, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    assert box and box["width"] > 100, (selector, box)
    for x in (0.25, 0.5, 0.75):
        page.mouse.move(box["x"] + box["width"] * x, box["y"] + box["height"] * 0.5)
        page.wait_for_timeout(200)


def test_choosing_a_year_shows_that_year_without_an_inline_handler(demo_city, open_page):
    page = open_page(PHONE)
    login(page, demo_city.url, "city")
    page.goto(f"{demo_city.url}/orglife/city/")
    last_year = today().year - 1
    with page.expect_navigation():
        page.select_option("select[name=year]", str(last_year))
    assert page.url.endswith(f"?year={last_year}")
    assert page.locator("h1").inner_text().startswith(f"{last_year}年")


def test_a_dismissed_confirmation_sends_nothing_and_an_accepted_one_does(demo_city, open_page):
    page = open_page(DESKTOP)
    login(page, demo_city.url, "security")
    page.goto(f"{demo_city.url}/security/")
    rows = page.locator("tbody tr")
    before = rows.count()
    row = page.locator("tbody tr", has_text="hosp2").first
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    row.get_by_role("button", name="撤销").click()
    page.wait_for_timeout(500)
    assert asked == ["确定撤销？"]
    assert rows.count() == before and page.locator(".alert").count() == 0

    page.once("dialog", lambda d: d.accept())
    with page.expect_navigation():
        row.get_by_role("button", name="撤销").click()
    assert "角色已撤销" in page.locator(".alert").inner_text()
    assert rows.count() == before - 1


def test_the_charts_and_their_tooltips_draw_within_the_policy(demo_city, open_page):
    page = open_page(DESKTOP)
    login(page, demo_city.url, "city")
    page.goto(f"{demo_city.url}/org/hospitals/")
    page.locator("#chart-hosp canvas").first.wait_for(state="visible")
    hover_across(page, "#chart-hosp")
    shot(page, "csp-city-chart-tooltip")
    page.locator("table a").first.click()
    for chart_id in ("chart-branches", "chart-age", "chart-pipeline"):
        page.locator(f"#{chart_id} canvas").first.wait_for(state="visible")
        hover_across(page, f"#{chart_id}")
