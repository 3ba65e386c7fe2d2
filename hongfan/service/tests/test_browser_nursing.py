"""Real-browser check of 互联网+护理服务 on phones: a family books home nursing from the public
page (no login), the nursing office triages and assigns a qualified nurse, the nurse records
the visit on their phone, the office closes the case, and the family's status page shows it
closed — served within a day. Screenshots in ``test-artifacts/screenshots/nursing-*.png``."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from hongfan.accounts.models import RoleAssignment, User
from hongfan.core.roles import Role
from hongfan.core.testing.browser import (
    DESKTOP,
    PASSWORD,
    PHONE,
    horizontal_overflow,
    login,
    shot,
)
from hongfan.org.tests.factories import primary
from hongfan.service.choices import NursingStatus
from hongfan.service.models import NurseProfile, NursingBooking

pytestmark = pytest.mark.browser


def test_family_books_office_triages_and_assigns_nurse_visits_case_closed_within_a_day(
    demo_city: Any, open_page: Any
) -> None:
    from playwright.sync_api import expect

    base = demo_city.url
    hospital = primary()
    profile = (
        NurseProfile.objects.filter(hospital=hospital, title__gte=2, active=True)
        .select_related("person")
        .order_by("pk")
        .first()
    )
    assert profile is not None
    nurse_user = User.objects.filter(person=profile.person).first()
    if nurse_user is None:
        nurse_user = User(
            username="hl-nurse", person=profile.person, first_name=profile.person.name
        )
        nurse_user.set_password(PASSWORD)
        nurse_user.save()
        RoleAssignment.objects.create(user=nurse_user, role=Role.MEMBER)

    # --- the family, on a phone, without logging in -------------------------------------------
    family = open_page(PHONE)
    family.goto(f"{base}/service/nursing/book/{hospital.pk}/")
    expect(family.locator("h1")).to_contain_text("预约上门护理")
    family.select_option("#id_service", index=1)
    family.select_option("#id_patient_kind", value="elderly")
    family.fill("#id_patient_name", "王桂兰")
    family.fill("#id_mobile", "13912348765")
    family.fill("#id_address", "任城区古槐路12号院3号楼2单元501")
    family.fill("#id_note", "卧床三个月，骶尾部压疮需要换药")
    shot(family, "nursing-book-phone")
    assert horizontal_overflow(family) == 0
    with family.expect_navigation():
        family.click("#book-submit")
    reference = family.locator("#booking-reference").inner_text().strip()
    assert reference.startswith("HL")
    shot(family, "nursing-booked-phone")
    booking = NursingBooking.objects.get(reference=reference)

    # --- the nursing office, on a phone: the queue, triage, assignment -------------------------
    office = open_page(PHONE)
    login(office, base, "nurse")
    office.goto(f"{base}/service/nursing/")
    expect(office.locator("#nursing-queue")).to_contain_text(reference)
    expect(office.locator("#nursing-queue")).not_to_contain_text("13912348765")
    shot(office, "nursing-queue-phone")
    office.goto(f"{base}/service/nursing/bookings/{booking.pk}/")
    expect(office.locator("#patient-mobile")).to_contain_text("13912348765")
    office.select_option("#id_risk_level", value="low")
    office.fill("#id_assessment", "电话评估：生命体征平稳，创面2×3cm，适合上门换药")
    with office.expect_navigation():
        office.click("#triage-submit")
    expect(office.locator("#booking-status")).to_contain_text("待派单")
    office.select_option("#id_nurse", value=str(profile.person_id))
    shot(office, "nursing-assign-phone")
    with office.expect_navigation():
        office.click("#assign-submit")
    expect(office.locator(".alert-success")).to_contain_text("已派单")

    # --- the nurse, on a phone: the visit ---------------------------------------------------
    nurse = open_page(PHONE)
    login(nurse, base, nurse_user.username)
    nurse.goto(f"{base}/service/nursing/mine/")
    nurse.get_by_text(booking.service.name).first.click()
    expect(nurse.locator("#patient-address")).to_contain_text("古槐路12号院")
    nurse.fill("#id_arrived_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    nurse.fill("#id_what_done", "清创换药，指导家属翻身和营养")
    nurse.fill("#id_consumables", "无菌敷料2片")
    shot(nurse, "nursing-visit-phone")
    assert horizontal_overflow(nurse) == 0
    with nurse.expect_navigation():
        nurse.click("#visit-submit")
    expect(nurse.locator(".alert-success")).to_contain_text("已记录上门服务")

    # --- the office closes; the figures on a desktop ------------------------------------------
    office.goto(f"{base}/service/nursing/bookings/{booking.pk}/")
    with office.expect_navigation():
        office.click("#close-submit")
    expect(office.locator("#booking-status")).to_contain_text("已办结")
    booking.refresh_from_db()
    assert booking.status == NursingStatus.CLOSED
    assert booking.arrived_at - booking.requested_at < timezone.timedelta(hours=24)
    desk = open_page(DESKTOP)
    login(desk, base, "nurse")
    desk.goto(f"{base}/service/nursing/promise/")
    expect(desk.locator("#promise-table")).to_be_visible()
    desk.wait_for_timeout(500)
    shot(desk, "nursing-promise-desktop")
    desk.goto(f"{base}/service/nursing/")
    shot(desk, "nursing-queue-desktop")

    # --- the family checks the status: closed, masked ----------------------------------------
    family.goto(f"{base}/service/nursing/status/")
    family.fill("#id_reference", reference)
    family.fill("#id_last4", "8765")
    with family.expect_navigation():
        family.click("#status-submit")
    expect(family.locator("#status-label")).to_contain_text("已办结")
    expect(family.locator("#status-result")).to_contain_text("139****8765")
    shot(family, "nursing-status-phone")
