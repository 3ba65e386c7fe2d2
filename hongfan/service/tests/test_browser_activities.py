"""Real-browser check on a phone: the secretary plans a free clinic (a shift with its lead
searched by name) and publishes it; the hospital admin opens the brand page and the place
register with its chart by township. Screenshots in test-artifacts/screenshots/service-*.png.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from hongfan.core.dates import today
from hongfan.core.testing.browser import DESKTOP, PHONE, horizontal_overflow, login, shot
from hongfan.org.tests.factories import sec_branch
from hongfan.service.models import Activity

pytestmark = pytest.mark.browser


def test_secretary_plans_and_publishes_an_activity_on_a_phone(
    demo_city: Any, open_page: Any
) -> None:
    from playwright.sync_api import expect

    base = demo_city.url
    page = open_page(PHONE)
    login(page, base, "sec")
    page.goto(f"{base}/service/activities/new/")
    day = today() + timedelta(days=6)
    page.select_option("#id_organiser", value=str(sec_branch().pk))
    page.select_option("#id_kind", value="free_clinic")
    page.fill("#id_title", "手机上组织的义诊")
    page.select_option("#id_measure", index=1)
    page.select_option("#id_place", index=1)
    for field, value in (
        ("#id_day", day),
        ("#id_signup_day", day - timedelta(days=1)),
        ("#id_cancel_day", day - timedelta(days=1)),
    ):
        page.fill(field, value.isoformat())
    page.fill("#id_shift-0-capacity", "12")
    lead = sec_branch().secretary
    page.locator("#id_shift-0-lead + .ts-wrapper input, #id_shift-0-lead-ts-control").first.fill(
        lead.name[:2]
    )
    page.locator(".ts-dropdown .option").first.click()
    # A row added on the page (its lead searched too), the spare empty row removed.
    page.get_by_role("button", name="添加班次").click()
    page.fill("#id_shift-2-label", "加开")
    page.fill("#id_shift-2-start", "09:00")
    page.fill("#id_shift-2-end", "10:30")
    page.fill("#id_shift-2-capacity", "3")
    page.locator("#id_shift-2-lead-ts-control").fill(lead.name[:2])
    page.locator(".ts-dropdown .option:visible").first.click()
    page.locator("[data-shift-row]").nth(1).get_by_role("button", name="删除此班次").click()
    expect(page.locator("[data-shift-row]").nth(1)).to_be_hidden()
    shot(page, "service-plan-phone")
    assert horizontal_overflow(page) <= 2
    with page.expect_navigation():
        page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".alert-success")).to_contain_text("草稿")
    a = Activity.objects.get(title="手机上组织的义诊")
    assert sorted(a.shifts.values_list("label", "capacity")) == [("上午", 12), ("加开", 3)]
    assert all(s.lead_id is not None for s in a.shifts.all())
    page.once("dialog", lambda d: d.accept())
    with page.expect_navigation():
        page.locator("#publish").click()
    expect(page.locator(".alert-success")).to_contain_text("已通知")
    expect(page.locator("#activity-status")).to_have_text("报名中")
    shot(page, "service-published-phone")
    a.refresh_from_db()
    assert a.status == "published"
    # Published, it is still changed until it begins: more places on the first shift.
    page.get_by_role("link", name="修改").click()
    expect(page.locator(".alert-info")).to_contain_text("已报名和候补的人员会收到通知")
    page.fill("#id_shift-0-capacity", "15")
    shot(page, "service-edit-published-phone")
    assert horizontal_overflow(page) <= 2
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    assert a.shifts.get(label="上午").capacity == 15


def test_admin_sees_the_brand_page_and_the_place_chart(demo_city: Any, open_page: Any) -> None:
    from playwright.sync_api import expect

    base = demo_city.url
    for size, tag in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page = open_page(size)
        login(page, base, "hosp")
        page.goto(f"{base}/service/brand/")
        expect(page.locator("#brand")).to_contain_text("心连馨")
        expect(page.locator("table")).to_contain_text("送医上门爱心服务")
        shot(page, f"service-brand-{tag}")
        assert horizontal_overflow(page) <= 2
        page.goto(f"{base}/service/places/")
        expect(page.locator("#townships .progress").first).to_be_visible()
        shot(page, f"service-places-{tag}")
        page.goto(f"{base}/service/dashboard/")
        expect(page.locator("#months")).to_contain_text("12月")
        shot(page, f"service-dashboard-{tag}")
