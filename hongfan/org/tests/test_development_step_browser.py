"""Real-browser checks of 发展党员 as steps (Playwright + Debian's chromium; see
test_browser.py for the database notes): the secretary's board and a development's steps
at phone and desktop size, a step recorded, a date the rule forbids refused in Chinese."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from hongfan.core.testing.browser import DESKTOP, PHONE, horizontal_overflow, login, shot

pytestmark = pytest.mark.browser


def test_secretary_records_a_talk_on_the_steps_page(demo_city: Any, open_page: Any) -> None:
    from playwright.sync_api import expect

    for size_name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page = open_page(size)
        login(page, demo_city.url, "sec")
        page.goto(f"{demo_city.url}/org/development/")
        expect(page.locator(".hf-board")).to_contain_text("即将到期")
        expect(page.locator(".hf-board")).to_contain_text("逾期办理")
        shot(page, f"sec-development-board-{size_name}")
        assert horizontal_overflow(page) <= 0, "the board scrolls sideways"

        late = page.locator(".hf-board .item", has_text="逾期办理").first
        late.locator("a").first.click()
        page.wait_for_url(re.compile(r"/org/development/\d+/$"))
        expect(page.locator("#step-contact")).to_contain_text("逾期原因")
        shot(page, f"sec-development-late-step-{size_name}")
        assert horizontal_overflow(page) <= 0, "the steps page scrolls sideways"

    # the applicant whose talk falls due soon: record it today (on time)
    page.goto(f"{demo_city.url}/org/development/")
    soon = page.locator('.col-stage[data-stage="applicant"] .item', has_text="即将到期").first
    soon.locator("a").first.click()
    page.wait_for_url(re.compile(r"/org/development/\d+/$"))
    talk = page.locator("#step-talk")
    talk.locator("summary", has_text="登记").click()
    expect(talk.locator("input[name=done_on]")).to_be_visible()
    with page.expect_navigation():
        talk.get_by_role("button", name="保存“党组织派人谈话”").click()
    expect(page.locator(".alert-success")).to_contain_text("已登记“党组织派人谈话”")
    expect(page.locator("#step-talk")).to_contain_text("已完成")
    shot(page, "sec-development-talk-recorded-desktop")


def test_a_candidate_date_too_early_is_refused_with_the_rule_in_chinese(
    demo_city: Any, open_page: Any
) -> None:
    from playwright.sync_api import expect

    page = open_page(PHONE)
    login(page, demo_city.url, "hosp")
    page.goto(f"{demo_city.url}/org/development/")
    links = page.locator('.col-stage[data-stage="activist"] .item a')
    expect(links.first).to_be_visible()
    urls = [a.get_attribute("href") for a in links.all()]
    for url in urls:
        page.goto(f"{demo_city.url}{url}")
        step = page.locator("#step-candidate")
        if step.locator("summary", has_text="登记").count():
            break
    else:
        pytest.fail("no activist whose 确定为发展对象 can be recorded")
    edit_url = page.url
    step.locator("summary", has_text="登记").click()
    step.locator("input[name=done_on]").fill("2000-01-01")
    with page.expect_navigation():
        step.get_by_role("button", name="保存“确定为发展对象”").click()
    error = page.locator("#step-candidate .invalid-feedback")
    expect(error.first).to_contain_text("满12个月")
    expect(page.locator(".alert-success")).to_have_count(0)
    shot(page, "hosp-development-step-refused-phone")
    assert horizontal_overflow(page) <= 0
    page.goto(edit_url)
    expect(page.locator("#step-candidate")).not_to_contain_text("已完成")


def test_secretary_chooses_two_introducers_by_typing_their_names(
    demo_city: Any, open_page: Any
) -> None:
    from playwright.sync_api import expect

    from hongfan.org.models import Development, Person
    from hongfan.org.tests.factories import sec_branch

    dev = (
        Development.objects.filter(branch=sec_branch(), status="active", introducer_1__isnull=True)
        .order_by("pk")
        .first()
    )
    assert dev is not None
    a, b = list(
        Person.objects.filter(
            hospital_id=dev.hospital_id, political_status="member", status="active"
        )
        .exclude(pk=dev.person_id)
        .order_by("pk")[:2]
    )
    page = open_page(PHONE)
    login(page, demo_city.url, "sec")
    page.goto(f"{demo_city.url}/org/development/{dev.pk}/")
    for field, person in (("introducer_1", a), ("introducer_2", b)):
        page.locator(f"#id_{field}-ts-control").fill(person.name)
        option = page.locator(f"#id_{field}-ts-dropdown .option", has_text=person.name).first
        expect(option).to_be_visible()
        option.click()
        expect(page.locator(f"#id_{field}-ts-dropdown")).to_be_hidden()
    shot(page, "sec-development-introducers-phone")
    with page.expect_navigation():
        page.get_by_role("button", name="确定介绍人").click()
    expect(page.locator(".alert-success")).to_contain_text("已确定入党介绍人")
    expect(page.locator("#introducers")).to_contain_text(f"{a.name}、{b.name}")
    assert horizontal_overflow(page) <= 0


def test_city_sets_the_step_time_limits_at_phone_and_desktop_size(
    demo_city: Any, open_page: Any
) -> None:
    from playwright.sync_api import expect

    for size_name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page = open_page(size)
        login(page, demo_city.url, "city")
        page.goto(f"{demo_city.url}/org/development/rules/")
        expect(page.locator("h1")).to_contain_text("发展党员步骤规则")
        expect(page.locator("fieldset.hf-rule-row")).to_have_count(17)
        shot(page, f"city-development-rules-{size_name}")
        assert horizontal_overflow(page) <= 0, "the rules page scrolls sideways"


def test_an_applicant_is_found_by_typing_a_name_and_registered(
    demo_city: Any, open_page: Any
) -> None:
    """The 申请人 field is searched as you type: the page must load Tom Select for it."""
    from playwright.sync_api import expect

    from hongfan.accounts.models import User
    from hongfan.core.access import access_for
    from hongfan.org.selectors.development import applicant_options
    from hongfan.org.tests.factories import primary

    sec = access_for(User.objects.get(username="sec"))
    person = applicant_options(access=sec, hospital=primary()).first()
    assert person is not None
    page = open_page(PHONE)
    login(page, demo_city.url, "sec")
    page.goto(f"{demo_city.url}/org/development/new/")
    page.locator("#id_person-ts-control").fill(person.name)
    option = page.locator("#id_person-ts-dropdown .option", has_text=person.name).first
    expect(option).to_be_visible()
    option.click()
    page.select_option("#id_branch", index=1)
    page.fill("#id_applied_on", date.today().isoformat())
    shot(page, "sec-development-new-phone")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text(f"已登记 {person.name} 的入党申请")
    expect(page.locator("#step-application")).to_contain_text("已完成")


def _axe_blocking(page: Any) -> list[str]:
    from django.templatetags.static import static

    page.add_script_tag(url=static("vendor/axe-core/axe.min.js"))
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .map(v => ({id: v.id, impact: v.impact, n: v.nodes.length,
                        at: v.nodes[0] && v.nodes[0].target.join(" ")}))"""
    )
    return [f"{v['impact']} {v['id']} ×{v['n']} ({v['at']})" for v in found
            if v["impact"] in ("critical", "serious")]  # fmt: skip


def test_the_development_pages_have_no_critical_or_serious_accessibility_violation(
    demo_city: Any, open_page: Any
) -> None:
    from hongfan.org.models import Development
    from hongfan.org.tests.factories import sec_branch

    dev = Development.objects.filter(branch=sec_branch(), stage="activist").order_by("pk").first()
    assert dev is not None
    for size in (PHONE, DESKTOP):
        page = open_page(size)
        login(page, demo_city.url, "sec")
        for url in ("/org/development/", f"/org/development/{dev.pk}/"):
            page.goto(f"{demo_city.url}{url}")
            page.wait_for_load_state("networkidle")
            assert not _axe_blocking(page), (url, _axe_blocking(page))
