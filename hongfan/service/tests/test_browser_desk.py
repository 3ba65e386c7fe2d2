"""Real-browser check of a 红帆驿站 shift on a phone: the member on duty taps the help
buttons, lends the desk's last wheelchair (the lend button then says it is out), and takes
it back; the hospital admin sees the loan in the ledger on a desktop.

Run with ``pytest -m browser``; screenshots land in
``test-artifacts/screenshots/service-desk-*.png``."""

from __future__ import annotations

from typing import Any

import pytest

from hongfan.core.testing.browser import DESKTOP, PHONE, horizontal_overflow, login, shot
from hongfan.org.tests.factories import primary
from hongfan.service.choices import LoanStatus
from hongfan.service.models import DeskHelp, Loan
from hongfan.service.tests.factories_desks import make_desk, make_item, on_duty

pytestmark = pytest.mark.browser


def test_member_on_duty_logs_help_lends_a_wheelchair_and_takes_it_back(
    demo_city: Any, open_page: Any
) -> None:
    from playwright.sync_api import expect

    base = demo_city.url
    desk = make_desk(primary(), name="门诊大厅红帆驿站（测试）", location="门诊楼一楼大厅东侧")
    on_duty("member", desk)
    wheelchair = make_item(desk, stock=1, name="手动轮椅", deposit=200, loan_hours=4)
    make_item(desk, stock=20, kind="umbrella", name="爱心雨伞", loan_hours=48)

    phone = open_page(PHONE)
    login(phone, base, "member")
    phone.goto(f"{base}/service/desks/")
    expect(phone.locator(f'[data-desk="{desk.pk}"]')).to_be_visible()
    shot(phone, "service-desk-list-phone")
    with phone.expect_navigation():
        phone.locator(f'[data-desk="{desk.pk}"]').get_by_role("link", name="进入驿站").click()

    # --- help given: one tap, one more -----------------------------------------------------
    guidance = phone.locator('button[data-kind="guidance"]')
    for _ in range(2):
        with phone.expect_navigation():
            guidance.click()
    expect(phone.locator(".alert-success")).to_contain_text("导诊指引 +1")
    expect(phone.locator('button[data-kind="guidance"]')).to_contain_text("今日 2")
    assert DeskHelp.objects.filter(desk=desk, kind="guidance").count() == 2
    assert horizontal_overflow(phone) == 0
    shot(phone, "service-desk-help-phone")

    # --- lend the last wheelchair ----------------------------------------------------------
    row = phone.locator(f'[data-item="{wheelchair.pk}"]')
    with phone.expect_navigation():
        row.get_by_role("link", name="借出").click()
    phone.fill("#id_borrower", "王秀英")
    phone.fill("#id_mobile", "13912345678")
    shot(phone, "service-desk-lend-form-phone")
    with phone.expect_navigation():
        phone.get_by_role("button", name="确认借出").click()
    expect(phone.locator(".alert-success")).to_contain_text("已借出手动轮椅")
    expect(phone.locator(".alert-success")).to_contain_text("押金200元")
    row = phone.locator(f'[data-item="{wheelchair.pk}"]')
    expect(row.locator(".hf-available")).to_have_text("0")
    expect(row.get_by_role("button", name="已借完")).to_be_disabled()
    loan = Loan.objects.get(item=wheelchair)
    lent = phone.locator(f'[data-loan="{loan.pk}"]')
    expect(lent).to_contain_text("王**")
    expect(lent).to_contain_text("139****5678")
    assert "13912345678" not in phone.content()
    assert horizontal_overflow(phone) == 0
    shot(phone, "service-desk-lent-phone")

    # --- take it back ------------------------------------------------------------------------
    with phone.expect_navigation():
        lent.get_by_role("button", name="归还").click()
    expect(phone.locator(".alert-success")).to_contain_text("已登记归还：手动轮椅，退还押金200")
    expect(phone.locator(f'[data-item="{wheelchair.pk}"] .hf-available')).to_have_text("1")
    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.RETURNED
    shot(phone, "service-desk-returned-phone")

    # --- the admin's ledger on a desktop -------------------------------------------------------
    admin = open_page(DESKTOP)
    login(admin, base, "hosp")
    admin.goto(f"{base}/service/desks/{desk.pk}/ledger/")
    ledger_row = admin.locator(f'#ledger-table [data-loan="{loan.pk}"]')
    expect(ledger_row).to_contain_text("已归还")
    expect(ledger_row).to_contain_text("王**")
    shot(admin, "service-desk-ledger-desktop")


def test_admin_pages_of_rosters_and_posts_on_a_desktop_and_a_phone(
    demo_city: Any, open_page: Any
) -> None:
    """The demo's fill rate, a roster, the model posts with their warnings, a post and its
    printable card, as the hospital admin sees them (screenshots to look at)."""
    from playwright.sync_api import expect

    from hongfan.service.models import ModelPost, ServiceDesk

    base = demo_city.url
    desk = ServiceDesk.objects.filter(hospital=primary()).order_by("pk").first()
    post = ModelPost.objects.filter(hospital=primary()).order_by("pk").first()
    assert desk is not None and post is not None
    admin = open_page(DESKTOP)
    login(admin, base, "hosp")
    admin.goto(f"{base}/service/desks/fill/")
    expect(admin.locator("#fill-table")).to_contain_text(desk.name)
    shot(admin, "service-desk-fill-desktop")
    admin.goto(f"{base}/service/posts/")
    expect(admin.locator("#post-table")).to_contain_text(post.name)
    shot(admin, "service-posts-desktop")
    admin.goto(f"{base}/service/posts/{post.pk}/card/")
    expect(admin.locator("#post-card")).to_contain_text(post.commitment)
    shot(admin, "service-post-card-desktop")
    phone = open_page(PHONE)
    login(phone, base, "sec")
    phone.goto(f"{base}/service/desks/{desk.pk}/roster/")
    shot(phone, "service-desk-roster-phone")
    assert horizontal_overflow(phone) == 0
    phone.goto(f"{base}/service/posts/")
    shot(phone, "service-posts-phone")
    assert horizontal_overflow(phone) == 0
