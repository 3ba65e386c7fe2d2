"""Pages of 请假: the member's request on a phone-sized page, the secretary's list and
answer, the meeting page and 我的组织生活 showing the request, the to-do sources, and bad
input (NUL bytes, huge ids, a meeting that has started)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hongfan.core.dates import today
from hongfan.core.todos import todos_for, waiting_count
from hongfan.orglife.choices import AttendanceStatus, LeaveStatus
from hongfan.orglife.models import Attendance, LeaveRequest
from hongfan.orglife.services.leave import leave_answer, leave_request
from hongfan.orglife.tests.conftest import Unit, account_of, client, orglife_state, schedule

pytestmark = pytest.mark.django_db


def upcoming(u: Unit, hours: float = 24):
    return schedule(u, starts=timezone.now() + timedelta(hours=hours), topic="下周支部党员大会")


def state():
    return (orglife_state(), list(LeaveRequest.objects.values_list("pk", "status", "reason")))


def test_the_member_asks_for_leave_from_the_meeting_page(unit: Unit):
    m = upcoming(unit)
    c = client(unit.member)
    page = c.get(reverse("orglife:meeting", args=[m.pk])).content.decode()
    assert reverse("orglife:leave_new", args=[m.pk]) in page and "我要请假" in page
    r = c.post(reverse("orglife:leave_new", args=[m.pk]), {"reason": "门诊值班"}, follow=True)
    body = r.content.decode()
    assert "请假申请已提交" in body and "待审批" in body
    assert LeaveRequest.objects.get().reason == "门诊值班"
    mine = c.get(reverse("orglife:mine")).content.decode()
    assert "请假申请" in mine and "待审批" in mine


def test_bad_leave_input_gets_a_chinese_message_and_changes_nothing(unit: Unit):
    m = upcoming(unit)
    c = client(unit.member)
    url = reverse("orglife:leave_new", args=[m.pk])
    before = state()
    for data in ({"reason": ""}, {"reason": "\x00\x00"}, {"reason": "长" * 300}, {}):
        r = c.post(url, data)
        assert r.status_code == 200, data
        text = r.content.decode()
        assert "请填写请假事由" in text or "不能超过200字" in text, (
            data,
            text[text.find("<h1") :][:1500],
        )
    assert state() == before
    huge = "/orglife/99999999999999999999999/leave/"
    assert c.get(huge).status_code == 404 and c.post(huge, {"reason": "x"}).status_code == 404


def test_a_leave_request_after_the_meeting_started_is_refused_on_the_page(unit: Unit):
    m = schedule(unit)  # began twenty minutes ago
    c = client(unit.member)
    url = reverse("orglife:leave_new", args=[m.pk])
    page = c.get(url).content.decode()
    assert "会议已经开始或已结束" in page and 'name="reason"' not in page
    before = state()
    r = c.post(url, {"reason": "临时有事"})
    assert r.status_code == 200 and "会议已经开始" in r.content.decode()
    assert state() == before


def test_the_secretary_answers_from_the_list_with_a_note(unit: Unit):
    m = upcoming(unit)
    leave = leave_request(access=unit.member, meeting=m, reason="外出会诊")
    c = client(unit.sec)
    page = c.get(reverse("orglife:leave_list")).content.decode()
    assert "外出会诊" in page and unit.member_person.name in page
    meeting_page = c.get(reverse("orglife:meeting", args=[m.pk])).content.decode()
    assert "申请请假：外出会诊" in meeting_page and 'id="leave"' in meeting_page
    r = c.post(
        reverse("orglife:leave_answer", args=[leave.pk]),
        {"decision": "approve", "note": "同意", "back": "meeting"},
    )
    assert r.status_code == 302 and r["Location"].endswith(f"/orglife/{m.pk}/#leave")
    leave.refresh_from_db()
    assert (leave.status, leave.note) == (LeaveStatus.APPROVED, "同意")
    row = Attendance.objects.get(meeting=m, person=unit.member_person)
    assert row.status == AttendanceStatus.LEAVE
    page = c.get(reverse("orglife:meeting", args=[m.pk])).content.decode()
    assert "请假" in page and "外出会诊" in page


def test_bad_answers_change_nothing(unit: Unit):
    m = upcoming(unit)
    leave = leave_request(access=unit.member, meeting=m, reason="外出")
    c = client(unit.sec)
    url = reverse("orglife:leave_answer", args=[leave.pk])
    before = state()
    for data in ({"decision": "maybe"}, {}, {"decision": "approve", "note": "长" * 201}):
        r = c.post(url, data, follow=True)
        assert r.status_code == 200
        assert "请选择批准或不批准" in r.content.decode() or "不能超过200字" in r.content.decode()
    assert state() == before
    assert c.post("/orglife/leave/99999999999999999999999/answer/", {}).status_code == 404
    # another branch's secretary: refused, nothing changes
    r = client(unit.other_sec).post(url, {"decision": "approve"})
    assert r.status_code == 403 and state() == before
    assert client(unit.member).get(reverse("orglife:leave_list")).status_code == 403


def test_the_todo_sources_waiting_for_the_secretary_and_answered_for_the_member(unit: Unit):
    m = upcoming(unit)
    leave = leave_request(access=unit.member, meeting=m, reason="值班")
    waiting = [t for t in todos_for(unit.sec, today()) if t.source == "orglife.leave_waiting"]
    assert len(waiting) == 1 and waiting[0].count == 1
    assert waiting[0].url == reverse("orglife:leave_list")
    assert waiting_count(unit.sec, today()) >= 1
    assert not [t for t in todos_for(unit.other_sec, today()) if "请假" in t.title]
    leave_answer(access=unit.sec, leave=leave, approve=False, note="人员紧张")
    assert not [t for t in todos_for(unit.sec, today()) if t.source == "orglife.leave_waiting"]
    answered = [t for t in todos_for(unit.member, today()) if t.source == "orglife.leave_answered"]
    assert len(answered) == 1 and "未获批准" in answered[0].title
    assert "人员紧张" in answered[0].detail
    assert answered[0].url == reverse("orglife:meeting", args=[m.pk])


def test_the_close_page_says_when_leave_requests_still_wait(unit: Unit):
    m = schedule(unit, starts=timezone.now() + timedelta(minutes=30))
    leave_request(access=unit.member, meeting=m, reason="值班")
    page = client(unit.sec).get(reverse("orglife:meeting_close", args=[m.pk])).content.decode()
    assert "1条请假申请待审批" in page


def test_approved_leave_shows_on_the_record_page_and_in_the_word_record(unit: Unit):
    import io

    import docx

    m = schedule(unit, starts=timezone.now() + timedelta(minutes=20))
    leave = leave_request(access=unit.member, meeting=m, reason="外出会诊")
    leave_answer(access=unit.sec, leave=leave, approve=True)
    c = client(unit.sec)
    page = c.get(reverse("orglife:meeting", args=[m.pk])).content.decode()
    assert "请假1" in page and "外出会诊" in page
    r = c.get(reverse("orglife:meeting_docx", args=[m.pk]))
    assert r.status_code == 200
    document = docx.Document(io.BytesIO(r.content))
    # a planned meeting's form lists the roster; close it and the record names the leave
    from hongfan.orglife.services.meetings import meeting_close

    Meeting = type(m)
    Meeting.objects.filter(pk=m.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    meeting_close(access=unit.sec, meeting=Meeting.objects.get(pk=m.pk), minutes="<p>记录</p>")
    r = c.get(reverse("orglife:meeting_docx", args=[m.pk]))
    document = docx.Document(io.BytesIO(r.content))
    cells = {row.cells[0].text: row.cells[1].text for t in document.tables for row in t.rows}
    assert cells["请假人员"] == f"{unit.member_person.name}（外出会诊）"
    assert cells["请假人数"] == "1人"


def test_the_leave_list_costs_the_same_queries_for_one_request_or_many(
    unit: Unit, django_assert_max_num_queries
):

    m = upcoming(unit)
    c = client(unit.sec)
    leave_request(access=unit.member, meeting=m, reason="值班")
    with django_assert_max_num_queries(20) as one:
        c.get(reverse("orglife:leave_list"))
    for p in unit.full[1:3]:
        leave_request(access=account_of(p), meeting=m, reason="病假")
    with django_assert_max_num_queries(len(one.captured_queries)):
        r = c.get(reverse("orglife:leave_list"))
    assert r.content.decode().count("data-leave=") == 3
