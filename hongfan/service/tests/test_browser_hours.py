"""Real-browser check of volunteer hours on a phone: the member signs up for a shift on
the 志愿服务 page, scans the activity's QR code and checks in; the shift's time passes;
the secretary (the organiser) confirms the hours on a phone; the member's record shows the
hours and their points rise. Then the volunteer table on a desktop and the certificate.

Run with ``pytest -m browser``; screenshots land in
``test-artifacts/screenshots/service-hours-*.png``."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from hongfan.accounts.models import User
from hongfan.core.testing.browser import DESKTOP, PHONE, horizontal_overflow, login, shot
from hongfan.org.tests.factories import primary, sec_branch
from hongfan.service.models import Activity, HourEntry, Shift, Signup
from hongfan.service.tests.factories_hours import make_activity

pytestmark = pytest.mark.browser


def quarter_total(page: Any) -> Decimal:
    card = page.locator(".hf-stat", has_text="本季度")
    return Decimal(card.locator(".v").inner_text().strip())


def test_member_signs_up_scans_in_hours_confirmed_points_rise_on_a_phone(
    demo_city: Any, open_page: Any
) -> None:
    from playwright.sync_api import expect

    base = demo_city.url
    person = User.objects.get(username="member").person
    start = timezone.localtime().replace(second=0, microsecond=0) + timedelta(minutes=10)
    a = make_activity(
        primary(),
        branch=sec_branch(),
        starts_at=start,
        hours=2,
        capacity=4,
        title="社区慢病义诊（浏览器测试）",
        kind="free_clinic",
        signup_deadline=start + timedelta(minutes=30),
        cancel_deadline=start - timedelta(minutes=5),
    )
    shift = a.shifts.get()

    member = open_page(PHONE)
    member.on("dialog", lambda d: d.accept())
    login(member, base, "member")
    member.goto(f"{base}/points/me/")
    before = quarter_total(member)

    # --- sign up on the 志愿服务 tab ------------------------------------------------------
    member.goto(f"{base}/service/volunteer/")
    card = member.locator(f'[data-activity="{a.pk}"]')
    expect(card).to_contain_text("剩余4个名额")
    assert horizontal_overflow(member) <= 0, "the volunteer page scrolls sideways on a phone"
    expect(member.locator(".hf-tabbar .hf-tab.active")).to_have_text("服务")
    shot(member, "service-hours-volunteer-phone")
    with member.expect_navigation():
        card.get_by_role("button", name="报名").click()
    expect(member.locator(".alert-success")).to_contain_text("报名成功")
    expect(member.locator("#my-signups")).to_contain_text("社区慢病义诊")
    shot(member, "service-hours-signed-phone")
    row = Signup.objects.get(shift=shift, person=person)
    assert row.status == "signed"

    # --- scan the QR code and check in ----------------------------------------------------------
    member.goto(f"{base}/service/activities/{a.pk}/checkin/{a.checkin_token}/")
    expect(member.get_by_role("heading", name=a.title)).to_be_visible()
    shot(member, "service-hours-checkin-phone")
    with member.expect_navigation():
        member.locator("#checkin-button").click()
    expect(member.locator("#checkin-done")).to_contain_text("已签到")
    shot(member, "service-hours-checked-in-phone")
    row.refresh_from_db()
    assert row.checked_in_at is not None and row.checkin_method == "qr"

    # --- the shift's two hours pass (moved into the past, with the check-in) --------------------
    back = timedelta(hours=3)
    Activity.objects.filter(pk=a.pk).update(
        starts_at=a.starts_at - back,
        ends_at=a.ends_at - back,
        signup_deadline=a.signup_deadline - back,
        cancel_deadline=a.cancel_deadline - back,
    )
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=shift.starts_at - back, ends_at=shift.ends_at - back
    )
    Signup.objects.filter(pk=row.pk).update(
        checked_in_at=shift.starts_at - back - timedelta(minutes=5),
        checked_out_at=shift.ends_at - back + timedelta(minutes=3),
    )

    # --- the secretary confirms the hours on a phone --------------------------------------------
    sec = open_page(PHONE)
    sec.on("dialog", lambda d: d.accept())
    login(sec, base, "sec")
    sec.goto(f"{base}/service/activities/{a.pk}/roster/")
    expect(sec.locator(f'[data-signup="{row.pk}"]')).to_contain_text("已签退")
    shot(sec, "service-hours-roster-phone")
    sec.goto(f"{base}/service/hours/pending/")
    with sec.expect_navigation():
        sec.locator(f'[data-activity="{a.pk}"]').click()
    expect(sec.locator(f'[data-signup="{row.pk}"]')).to_contain_text("2.0小时")
    assert horizontal_overflow(sec) <= 0, "the confirm page scrolls sideways on a phone"
    shot(sec, "service-hours-confirm-phone")
    with sec.expect_navigation():
        sec.locator("#confirm-button").click()
    expect(sec.locator(".alert-success").first).to_contain_text("已确认1人的时长")
    shot(sec, "service-hours-confirmed-phone")
    entry = HourEntry.objects.get(signup=row)
    assert entry.hours == Decimal("2.0")

    # --- the member's record, then the points ------------------------------------------------------
    member.goto(f"{base}/service/volunteer/me/")
    expect(member.locator("#entries")).to_contain_text("社区慢病义诊")
    assert horizontal_overflow(member) <= 0, "my record scrolls sideways on a phone"
    shot(member, "service-hours-record-phone")
    member.goto(f"{base}/points/me/")
    after = quarter_total(member)
    assert after > before
    shot(member, "service-hours-points-phone")

    # --- the certificate (phone) and the hospital's table (desktop) --------------------------------
    member.goto(f"{base}/service/volunteer/people/{person.pk}/certificate/")
    expect(member.locator("#certificate")).to_contain_text("特此证明")
    shot(member, "service-hours-certificate-phone")
    hosp = open_page(DESKTOP)
    login(hosp, base, "hosp")
    hosp.goto(f"{base}/service/hours/")
    expect(hosp.get_by_role("link", name=person.name).first).to_be_visible()
    shot(hosp, "service-hours-table-desktop")
