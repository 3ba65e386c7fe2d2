"""Real-browser check of the shared table (core.tables) on two of its pages — the people
list and the city's points ranking — at phone and desktop size, and of the compliance
matrix's sticky group headers on a phone.

On a phone (390×844) rows are cards of "label: value" lines, the page never scrolls
sideways, and a sort chooser replaces the header row; on a desktop the headers sort.
Screenshots: test-artifacts/screenshots/tables-*.png."""

from __future__ import annotations

from typing import Any

import pytest

from hongfan.core.pinyin import sort_key
from hongfan.core.testing.browser import DESKTOP, PHONE, horizontal_overflow, login, shot

pytestmark = pytest.mark.browser


def _header_hidden(page: Any, table: str) -> bool:
    """The header row is there for screen readers only (clipped to 1px)."""
    box = page.locator(f"{table} thead").bounding_box()
    return box is None or box["height"] <= 1


def _names(page: Any, selector: str = "table.hf-cards tbody tr td.hf-card-title a") -> list[str]:
    return [t.strip() for t in page.locator(selector).all_inner_texts()]


def test_people_list_sorts_on_desktop_and_is_cards_on_a_phone(demo_city: Any, open_page: Any):
    from playwright.sync_api import expect

    base = demo_city.url
    desk = open_page(DESKTOP)
    login(desk, base, "hosp")
    desk.goto(f"{base}/org/people/")
    names = _names(desk)
    assert names and names == sorted(names, key=sort_key)  # by pinyin
    expect(desk.locator("thead th[aria-sort=ascending]")).to_have_text("姓名")
    with desk.expect_navigation():
        desk.locator("thead a.hf-sort", has_text="姓名").click()
    expect(desk.locator("thead th[aria-sort=descending]")).to_have_text("姓名")
    down = _names(desk)
    assert down == sorted(down, key=sort_key, reverse=True)
    assert desk.locator("table.hf-cards thead").is_visible()
    assert horizontal_overflow(desk) == 0
    shot(desk, "tables-people-desktop")

    phone = open_page(PHONE)
    login(phone, base, "hosp")
    phone.goto(f"{base}/org/people/")
    assert _header_hidden(phone, "table.hf-cards")
    row = phone.locator("table.hf-cards tbody tr").first
    assert row.evaluate("el => getComputedStyle(el).display") == "flex"
    label = row.locator("td[data-label=科室]").evaluate(
        "el => getComputedStyle(el, '::before').content"
    )
    assert "科室" in label
    assert horizontal_overflow(phone) == 0
    chooser = phone.locator("form.hf-table-sort select[name=sort]")
    expect(chooser).to_be_visible()
    with phone.expect_navigation():
        chooser.select_option("-birth_date")
    assert "sort=-birth_date" in phone.url
    expect(chooser).to_have_value("-birth_date")
    assert horizontal_overflow(phone) == 0
    shot(phone, "tables-people-phone")


def test_city_ranking_names_hospitals_and_ranks_them(demo_city: Any, open_page: Any):
    from playwright.sync_api import expect

    base = demo_city.url
    for size, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page = open_page(size)
        login(page, base, "city")
        page.goto(f"{base}/points/rankings/?scope=city&period=year")
        expect(page.get_by_role("heading", name="医院排名（人均积分）")).to_be_visible()
        hospitals = page.locator("table[aria-label=医院排名] tbody tr")
        assert hospitals.count() >= 2
        cells = page.locator("table[aria-label=党员积分排名] td[data-label=医院]")
        assert cells.count() > 0 and all(t.strip() for t in cells.all_inner_texts())
        assert horizontal_overflow(page) == 0
        if size is PHONE:
            assert _header_hidden(page, "table[aria-label=党员积分排名]")
            # on a phone the hospital ranking comes first, above the members' cards
            first = page.locator("table[aria-label=医院排名]").bounding_box()
            members = page.locator("table[aria-label=党员积分排名]").bounding_box()
            assert first["y"] < members["y"]
        else:
            expect(page.locator("table[aria-label=党员积分排名] thead")).to_contain_text("医院")
        shot(page, f"tables-rankings-{name}")


def test_matrix_group_headers_stay_visible_when_scrolled_on_a_phone(demo_city: Any, open_page: Any):
    # the small demo's six branches (240px) overflow the box (75% of the screen's height)
    # only on a short screen: a phone held sideways with the keyboard up, say
    short_phone = {**PHONE, "viewport": {"width": 390, "height": 260}}
    page = open_page(short_phone)
    login(page, demo_city.url, "hosp")
    page.goto(f"{demo_city.url}/orglife/matrix/")
    box = page.locator(".hf-matrix-scroll")
    assert box.get_attribute("tabindex") == "0" and box.get_attribute("aria-label")
    box.focus()
    assert page.evaluate("document.activeElement.classList.contains('hf-matrix-scroll')")
    measure = """el => {
          const top = el.getBoundingClientRect().top;
          const at = (q) => el.querySelector(q).getBoundingClientRect();
          const head = at("thead th.kind");
          return [el.scrollTop, head.top - top, at("thead tr:nth-child(2) th").top - head.bottom,
                  at("tbody tr").top - head.top];
        }"""
    page.wait_for_timeout(600)  # let any smooth scrolling of the page end
    # measured in one go, relative to the box (the page itself may still be moving)
    row_before = box.evaluate(measure)[3]
    box.evaluate("el => { el.scrollTop = el.scrollHeight; }")
    page.wait_for_timeout(600)
    scrolled, head_gap, months_gap, row_gap = box.evaluate(measure)
    assert scrolled > 0
    assert 0 <= head_gap < 6, head_gap  # the group header stayed at the box's top
    assert -2 <= months_gap < 4, months_gap  # the months' row right under it
    assert abs(row_before - row_gap - scrolled) < 2  # the rows moved up under the headers
    shot(page, "tables-matrix-phone-scrolled")


def test_audit_trail_reads_in_chinese_on_desktop_and_phone(demo_city: Any, open_page: Any):
    from playwright.sync_api import expect

    base = demo_city.url
    hosp = open_page(DESKTOP)
    login(hosp, base, "hosp")
    hosp.goto(f"{base}/org/people/")
    with hosp.expect_download():
        hosp.get_by_role("link", name="导出Excel", exact=True).click()
    for size, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page = open_page(size)
        login(page, base, "audit")
        page.goto(f"{base}/audit/?action=export")
        detail = page.locator("table.hf-cards tbody td[data-label=详情]").first
        expect(detail).to_contain_text("内容：人员名册")
        text = page.locator("table.hf-cards tbody").inner_text()
        assert "=" not in text and "roster" not in text and "masked" not in text
        assert horizontal_overflow(page) == 0
        shot(page, f"tables-audit-{name}")
