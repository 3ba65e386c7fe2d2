"""Real-browser check of a meeting from planning to the calendar: the secretary schedules a
主题党日, a member checks in on their phone by opening the QR link, the secretary writes the
minutes and closes the meeting, the branch's calendar turns green for the month, and the
member's points rise.

Playwright drives Debian's /usr/bin/chromium against pytest-django's ``live_server`` (the
fixtures are in hongfan/core/testing/browser.py). Run with ``pytest -m browser``;
screenshots land in ``test-artifacts/screenshots/orglife-*.png``.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from hongfan.accounts.models import User
from hongfan.core.access import access_for
from hongfan.core.testing.browser import DESKTOP, PHONE, horizontal_overflow, login, shot
from hongfan.orglife.choices import AttendanceStatus, MeetingKind, MeetingStatus
from hongfan.orglife.models import Attendance, Meeting

pytestmark = pytest.mark.browser


def quarter_total(page: Any) -> Decimal:
    card = page.locator(".hf-stat", has_text="本季度")
    return Decimal(card.locator(".v").inner_text().strip())


def test_secretary_schedules_member_checks_in_by_qr_minutes_close_calendar_green_points_rise(
    demo_city: Any, open_page: Any
) -> None:
    from playwright.sync_api import expect

    base = demo_city.url
    member_person = User.objects.get(username="member").person
    sec_access = access_for(User.objects.get(username="sec"))
    branch_id = min(sec_access.branch_ids)
    now = timezone.localtime()
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    # This month's 主题党日 of the demo branch is not held yet: the cell is yellow.
    Meeting.objects.filter(
        branch_id=branch_id, kind=MeetingKind.THEME_DAY, starts_at__gte=month_start
    ).delete()
    start = max(now - timedelta(minutes=2), now.replace(hour=0, minute=0))
    end = min(start + timedelta(hours=1), now.replace(hour=23, minute=59))

    # --- the member's points before ----------------------------------------------------------
    member = open_page(PHONE)
    login(member, base, "member")
    member.goto(f"{base}/points/me/")
    before = quarter_total(member)

    # --- the secretary, on a desktop: the calendar, then a new meeting ------------------------
    sec = open_page(DESKTOP)
    login(sec, base, "sec")
    sec.goto(f"{base}/orglife/branches/{branch_id}/calendar/")
    month_cell = sec.locator('tr[data-req="theme_day"] td.c').nth(now.month - 1)
    expect(month_cell).to_have_attribute("data-status", "due")
    shot(sec, "orglife-calendar-before")

    sec.goto(f"{base}/orglife/new/?branch={branch_id}")
    sec.select_option("#id_kind", value=MeetingKind.THEME_DAY)
    sec.fill("#id_topic", "主题党日：红帆驿站志愿服务")
    sec.fill("#id_day", start.date().isoformat())
    sec.fill("#id_start", start.strftime("%H:%M"))
    sec.fill("#id_end", end.strftime("%H:%M"))
    sec.fill("#id_place", "门诊大厅红帆驿站")
    shot(sec, "orglife-schedule-form")
    with sec.expect_navigation():
        sec.get_by_role("button", name="保存").click()
    expect(sec.locator(".alert-success")).to_contain_text("参会名单已生成")
    meeting = Meeting.objects.get(branch_id=branch_id, topic="主题党日：红帆驿站志愿服务")
    expect(sec.locator("#qr svg")).to_be_visible()
    link = sec.locator("#checkin-link").get_attribute("href")
    assert link and link.endswith(f"/orglife/checkin/{meeting.pk}/{meeting.checkin_token}/")
    shot(sec, "orglife-meeting-qr")

    # --- the member opens the QR link on the phone and checks in -------------------------------
    member.goto(link)
    expect(member.get_by_role("heading", name=meeting.topic)).to_be_visible()
    assert horizontal_overflow(member) <= 0, "the check-in page scrolls sideways on a phone"
    shot(member, "orglife-checkin-phone")
    with member.expect_navigation():
        member.locator("#checkin-button").click()
    expect(member.locator("#checkin-done")).to_contain_text("已签到")
    shot(member, "orglife-checkin-done-phone")
    row = Attendance.objects.get(meeting=meeting, person=member_person)
    assert row.status == AttendanceStatus.PRESENT and row.method == "qr"
    # a second scan is refused, nothing changes
    member.goto(link)
    expect(member.locator("#checkin-done")).to_be_visible()
    expect(member.locator("#checkin-button")).to_have_count(0)

    # --- the secretary sees the check-in, writes the minutes and closes --------------------
    sec.goto(f"{base}/orglife/{meeting.pk}/")
    mine = sec.locator(f'#roster [data-person="{member_person.pk}"]')
    expect(mine.locator(".hf-att-status")).to_have_text("出席")
    expect(mine).to_contain_text("扫码签到")
    sec.goto(f"{base}/orglife/{meeting.pk}/close/")
    editor = sec.locator("#minutes-editor")
    editor.click()
    editor.type("书记带领党员学习志愿服务制度，随后分组在门诊大厅为患者提供导诊、轮椅和打印服务。")
    sec.fill("#id_resolutions", "每月第二周周三固定开展红帆驿站志愿服务")
    # the meeting is still in progress: the page says so and asks for a confirmation
    expect(sec.locator("#close-in-progress")).to_be_visible()
    sec.check("#id_early")
    shot(sec, "orglife-close-form")
    with sec.expect_navigation():
        sec.locator("#close-submit").click()
    expect(sec.locator(".alert-success")).to_contain_text("会议记录已完成")
    expect(sec.locator("#meeting-status")).to_have_text("已召开")
    expect(sec.locator(".hf-minutes")).to_contain_text("门诊大厅")
    shot(sec, "orglife-meeting-held")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD

    # --- the calendar turns green for the month ----------------------------------------------
    sec.goto(f"{base}/orglife/branches/{branch_id}/calendar/")
    month_cell = sec.locator('tr[data-req="theme_day"] td.c').nth(now.month - 1)
    expect(month_cell).to_have_attribute("data-status", "done")
    assert "hf-ok" in (month_cell.get_attribute("class") or "")
    shot(sec, "orglife-calendar-after")

    # --- the member's points rose by what the attendance earned ---------------------------------
    row.refresh_from_db()
    assert row.points_entry is not None and row.points_entry.points > 0
    member.goto(f"{base}/points/me/")
    assert quarter_total(member) == before + row.points_entry.points
    member.goto(f"{base}/orglife/mine/")
    expect(member.locator("a", has_text=meeting.topic)).to_contain_text("出席")
    assert horizontal_overflow(member) <= 0, "my meetings scroll sideways on a phone"
    shot(member, "orglife-mine-phone")


def test_a_lecture_lecturer_is_found_by_typing_a_name_on_a_phone_and_a_desktop(
    demo_city: Any, open_page: Any
) -> None:
    """The 授课人 list is the whole hospital: it is searched as the secretary types, never
    written into the page, and the person picked is saved as the lecturer."""
    from playwright.sync_api import expect

    from hongfan.org.models import Person

    base = demo_city.url
    sec_access = access_for(User.objects.get(username="sec"))
    branch_id = min(sec_access.branch_ids)
    colleague = (
        Person.objects.filter(hospital_id=min(sec_access.branch_hospital_ids), status="active")
        .exclude(branch_id=branch_id)
        .order_by("pk")
        .first()
    )
    assert colleague is not None
    day = (timezone.localdate() + timedelta(days=7)).isoformat()
    for size, label in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page = open_page(size)
        login(page, base, "sec")
        page.goto(f"{base}/orglife/new/?branch={branch_id}")
        topic = f"专题党课（{label}）"
        page.select_option("#id_kind", value=MeetingKind.LECTURE)
        page.fill("#id_topic", topic)
        page.fill("#id_day", day)
        page.fill("#id_start", "14:30")
        page.fill("#id_end", "16:00")
        page.locator("#id_lecturer-ts-control").fill(colleague.name)
        option = page.locator(".ts-dropdown .option", has_text=colleague.name).first
        expect(option).to_be_visible()
        shot(page, f"orglife-lecturer-search-{label}")
        option.click()
        # the dropdown closes, the choice shows, and the page settles before saving
        expect(page.locator("#id_lecturer-ts-dropdown")).to_be_hidden()
        expect(page.locator("#id_lecturer-ts-control").locator("..")).to_contain_text(
            colleague.name
        )
        save = page.get_by_role("button", name="保存")
        before = save.bounding_box()
        page.locator("#id_lecturer-ts-control").blur()
        assert save.bounding_box() == before, "the form shifts when the search field loses focus"
        if label == "phone":
            assert horizontal_overflow(page) <= 0, "the meeting form scrolls sideways on a phone"
        with page.expect_navigation():
            page.get_by_role("button", name="保存").click()
        expect(page.locator(".alert-success")).to_contain_text("参会名单已生成")
        assert Meeting.objects.get(topic=topic).lecturer_id == colleague.pk
