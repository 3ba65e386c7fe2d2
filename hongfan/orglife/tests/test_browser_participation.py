"""Real-browser checks of a member taking part and a secretary's day (issue 10), at phone
(390×844) and desktop size:

- 请假 and the record: a member asks for leave on a phone, the secretary answers on a phone,
  then records a meeting on a desktop with minutes typed line by line (Enter), and the Word
  record downloaded from the page keeps the lines;
- 民主评议 with peer votes: the secretary opens the vote, two members write their
  self-assessments and vote on their phones, the secretary reads the tally, is refused one
  优秀 too many before any confirm, starts from 全部合格 and decides.

Screenshots land in ``test-artifacts/screenshots/orglife-*.png``."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import docx
import pytest
from django.utils import timezone

from hongfan.accounts.models import RoleAssignment, User
from hongfan.core.access import access_for
from hongfan.core.roles import Role
from hongfan.core.testing.browser import (
    DESKTOP,
    PASSWORD,
    PHONE,
    horizontal_overflow,
    login,
    shot,
)
from hongfan.org.models import Person
from hongfan.orglife.choices import AttendanceStatus, LeaveStatus, MeetingKind
from hongfan.orglife.models import Appraisal, Attendance, LeaveRequest
from hongfan.orglife.services.meetings import meeting_schedule

pytestmark = pytest.mark.browser


def _sec_branch() -> tuple[Any, Any]:
    sec = access_for(User.objects.get(username="sec"))
    from hongfan.org.models import Branch

    return sec, Branch.objects.get(pk=min(sec.branch_ids))


def _account(person: Person, username: str) -> User:
    """A member's account with the demo password (a second voter)."""
    user = User.objects.filter(person=person).first()
    if user is None:
        user = User.objects.create(username=username, person=person)
        RoleAssignment.objects.create(user=user, role=Role.MEMBER)
    user.set_password(PASSWORD)
    if hasattr(user, "password_changed_at"):
        user.password_changed_at = timezone.now()
    user.save()
    return user


def test_a_member_asks_for_leave_the_secretary_answers_and_records_multiline_minutes(
    demo_city: Any, open_page: Any
) -> None:
    from playwright.sync_api import expect

    base = demo_city.url
    sec, branch = _sec_branch()
    member_person = User.objects.get(username="member").person
    now = timezone.now()
    ahead = meeting_schedule(
        access=sec,
        branch=branch,
        kind=MeetingKind.GENERAL,
        topic="下周支部党员大会",
        starts_at=now + timedelta(days=2),
        ends_at=now + timedelta(days=2, hours=1),
        place="门诊楼五楼会议室",
    )
    held = meeting_schedule(
        access=sec,
        branch=branch,
        kind=MeetingKind.THEME_DAY,
        topic="今天上午的主题党日",
        starts_at=now - timedelta(hours=3),
        ends_at=now - timedelta(hours=2),
    )

    # --- the member, on a phone: 我的组织生活 → the meeting → 我要请假 -------------------------
    member = open_page(PHONE)
    login(member, base, "member")
    member.goto(f"{base}/orglife/mine/")
    member.locator("a", has_text=ahead.topic).click()
    member.locator("#leave-link").click()
    member.fill("#id_reason", "当天门诊值班，无法参加")
    shot(member, "orglife-leave-ask-phone")
    with member.expect_navigation():
        member.locator("#leave-submit").click()
    expect(member.locator(".alert-success")).to_contain_text("请假申请已提交")
    expect(member.locator("#my-leave")).to_contain_text("待审批")
    assert horizontal_overflow(member) <= 0, "the meeting page scrolls sideways on a phone"

    # --- the secretary, on a phone: the request waits; approve it with a note -----------------
    sec_phone = open_page(PHONE)
    login(sec_phone, base, "sec")
    sec_phone.goto(f"{base}/orglife/leave/")
    card = sec_phone.locator("[data-leave]", has_text=member_person.name)
    expect(card).to_contain_text("当天门诊值班")
    card.locator("input[name=note]").fill("同意，请会后补学")
    shot(sec_phone, "orglife-leave-answer-phone")
    assert horizontal_overflow(sec_phone) <= 0, "the leave list scrolls sideways on a phone"
    with sec_phone.expect_navigation():
        card.get_by_role("button", name="批准", exact=True).click()
    expect(sec_phone.locator(".alert-success")).to_contain_text("已批准")
    expect(sec_phone.locator("#leave-none")).to_be_visible()
    row = Attendance.objects.get(meeting=ahead, person=member_person)
    assert row.status == AttendanceStatus.LEAVE
    assert LeaveRequest.objects.get(meeting=ahead).status == LeaveStatus.APPROVED
    member.goto(f"{base}/orglife/{ahead.pk}/")
    expect(member.locator("#my-leave")).to_contain_text("已批准")
    expect(member.locator("#my-leave")).to_contain_text("同意，请会后补学")
    shot(member, "orglife-leave-approved-phone")

    # --- the secretary, on a desktop: minutes typed line by line, the Word file keeps them ----
    sec_desk = open_page(DESKTOP)
    login(sec_desk, base, "sec")
    sec_desk.goto(f"{base}/orglife/{held.pk}/close/")
    expect(sec_desk.locator("#close-in-progress")).to_have_count(0)  # it has ended
    editor = sec_desk.locator("#minutes-editor")
    editor.click()
    lines = ["一、书记传达上级会议精神", "二、党员交流学习体会", "三、部署下月志愿服务"]
    for i, line in enumerate(lines):
        if i:
            editor.press("Enter")
        editor.type(line)
    shot(sec_desk, "orglife-minutes-lines-desktop")
    with sec_desk.expect_navigation():
        sec_desk.locator("#close-submit").click()
    expect(sec_desk.locator(".alert-success")).to_contain_text("会议记录已完成")
    shown = sec_desk.locator(".hf-minutes").inner_text()
    assert [x.strip() for x in shown.splitlines() if x.strip()] == lines, shown
    with sec_desk.expect_download() as download:
        sec_desk.get_by_role("link", name="导出Word").click()
    document = docx.Document(io.BytesIO(open(download.value.path(), "rb").read()))
    cell = next(
        r.cells[1] for t in document.tables for r in t.rows if r.cells[0].text == "会议内容"
    )
    assert [p.text for p in cell.paragraphs if p.text.strip()] == lines
    shot(sec_desk, "orglife-minutes-held-desktop")


def test_democratic_appraisal_with_peer_votes_two_members_vote_the_secretary_decides(
    demo_city: Any, open_page: Any
) -> None:
    from playwright.sync_api import expect

    base = demo_city.url
    sec, branch = _sec_branch()
    year = timezone.localdate().year
    Appraisal.objects.filter(branch=branch, year=year).delete()
    member_user = User.objects.get(username="member")
    others = (
        Person.objects.filter(branch=branch, status="active", political_status="member")
        .exclude(pk__in=[member_user.person_id, User.objects.get(username="sec").person_id])
        .order_by("pk")
    )
    second = _account(others[0], "voter2")

    # --- the secretary opens the vote (desktop) ---------------------------------------------
    desk = open_page(DESKTOP)
    login(desk, base, "sec")
    desk.goto(f"{base}/orglife/branches/{branch.pk}/appraisal/{year}/")
    with desk.expect_navigation():
        desk.locator("#open-vote").click()
    expect(desk.locator(".alert-success")).to_contain_text("民主测评已开始")
    appraisal = Appraisal.objects.get(branch=branch, year=year)

    # --- two members vote on their phones ------------------------------------------------------
    for username, grade in (("member", "合格"), (second.username, "合格")):
        phone = open_page(PHONE)
        phone.on("dialog", lambda d: d.accept())
        login(phone, base, username)
        phone.goto(f"{base}/orglife/mine/")
        phone.locator(f'[data-appraisal="{appraisal.pk}"] a').click()
        phone.fill("#id_text", "全年坚持学习，按时参加组织生活，在岗位上做好服务。")
        with phone.expect_navigation():
            phone.locator("#save-self").click()
        expect(phone.locator(".alert-success")).to_contain_text("自我评价已保存")
        for peer in phone.locator("[data-peer]").all():
            peer.get_by_label(grade, exact=True).check()
        shot(phone, f"orglife-appraisal-ballot-{username}-phone")
        assert horizontal_overflow(phone) <= 0, "the ballot scrolls sideways on a phone"
        with phone.expect_navigation():
            phone.locator("#cast-votes").click()
        expect(phone.locator("#ballot-done")).to_be_visible()

    # --- the secretary reads the tally, is refused too many 优秀 before any confirm -----------
    desk.goto(f"{base}/orglife/appraisal/{appraisal.pk}/tally/")
    expect(desk.locator("body")).to_contain_text("已投票 2/")
    shot(desk, "orglife-appraisal-tally-desktop")
    desk.goto(f"{base}/orglife/branches/{branch.pk}/appraisal/{year}/")
    expect(desk.locator("#voted")).to_have_text("2")
    with desk.expect_navigation():
        desk.locator("#all-qualified").click()
    expect(desk.locator("#grade-counts")).to_contain_text("全部合格")
    selects = desk.locator("select[name^=grade-]")
    n = selects.count()
    limit = n // 3
    for i in range(limit + 1):
        selects.nth(i).select_option("excellent")
    with desk.expect_navigation():
        desk.locator("#check-final").click()
    expect(desk.locator("#appraisal-error")).to_contain_text("三分之一")
    expect(desk.locator("#appraisal-confirm")).to_have_count(0)
    assert Appraisal.objects.get(pk=appraisal.pk).status == "draft"
    shot(desk, "orglife-appraisal-over-a-third-desktop")
    selects.nth(0).select_option("qualified")
    with desk.expect_navigation():
        desk.locator("#check-final").click()
    expect(desk.locator("#appraisal-confirm")).to_be_visible()
    shot(desk, "orglife-appraisal-confirm-desktop")
    with desk.expect_navigation():
        desk.locator("#confirm-final").click()
    expect(desk.locator(".alert-success")).to_contain_text("民主评议结果已确定")
    expect(desk.locator("#appraisal-final")).to_be_visible()
    assert Appraisal.objects.get(pk=appraisal.pk).status == "final"
    # the decided grades on the secretary's phone
    sec_phone = open_page(PHONE)
    login(sec_phone, base, "sec")
    sec_phone.goto(f"{base}/orglife/branches/{branch.pk}/appraisal/{year}/")
    expect(sec_phone.locator("#appraisal-final")).to_be_visible()
    assert horizontal_overflow(sec_phone) <= 0, "the appraisal page scrolls sideways on a phone"
    shot(sec_phone, "orglife-appraisal-decided-phone")
    # the calendar's 民主评议党员 of the year is done
    desk.goto(f"{base}/orglife/branches/{branch.pk}/calendar/")
    cell = desk.locator('tr[data-req="appraisal"] td.c').first
    expect(cell).to_have_attribute("data-status", "done")
    shot(desk, "orglife-appraisal-calendar-desktop")
