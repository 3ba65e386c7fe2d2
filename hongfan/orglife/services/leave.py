"""Writes of 请假: a member asks for leave from an upcoming meeting, the branch's secretary
approves or refuses it; an approved request makes the member's roster row 请假."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from hongfan.accounts.models import User
from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.locks import lock_first
from hongfan.core.notify import notify
from hongfan.core.roles import Role
from hongfan.orglife.choices import AttendanceStatus, LeaveStatus, MeetingStatus
from hongfan.orglife.models import Attendance, LeaveRequest, Meeting
from hongfan.orglife.services.meetings import (
    meeting_lock,
    require_meeting_manager,
    require_still_planned,
)

REASON_MAX = 200
NOTE_MAX = 200
CATEGORY = "组织生活"

STARTED = "会议已经开始，不能再在线请假；如确有急事，请直接联系支部书记"


def _clean(text: str, field: str, limit: int, label: str) -> str:
    text = (text or "").replace("\x00", "").strip()
    if len(text) > limit:
        raise ValidationError({field: f"{label}不能超过{limit}字"})
    return text


def _meeting_label(m: Meeting) -> str:
    start = timezone.localtime(m.starts_at)
    return f"{m.get_kind_display()}“{m.topic}”（{start:%m月%d日 %H:%M}）"


def _secretaries(m: Meeting) -> list[User]:
    """Who answers the branch's leave requests: its secretaries' accounts."""
    return list(
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.BRANCH_SECRETARY,
            role_assignments__branch_id=m.branch_id,
        ).distinct()
    )


@transaction.atomic
def leave_request(
    *,
    access: Access,
    meeting: Meeting,
    reason: str,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> LeaveRequest:
    """The acting member asks for leave from a meeting they are expected at, before it
    starts, with a reason. The branch's secretary is told (and sees it among their tasks)."""
    access.require_business()
    now = now or timezone.now()
    m = meeting_lock(meeting)
    row = (
        Attendance.objects.filter(meeting=m, person_id=access.person_id).first()
        if access.person_id
        else None
    )
    if row is None:
        raise PermissionDenied("你不在本次会议的参会名单中，不能请假")
    if m.status == MeetingStatus.CANCELLED:
        raise ValidationError({"reason": "会议已取消，无需请假"})
    if m.status == MeetingStatus.HELD or now >= m.starts_at:
        raise ValidationError({"reason": STARTED})
    reason = _clean(reason, "reason", REASON_MAX, "请假事由")
    if not reason:
        raise ValidationError({"reason": "请填写请假事由"})
    if row.status == AttendanceStatus.LEAVE:
        raise ValidationError({"reason": "你已获准请假，无需再次申请"})
    if row.status == AttendanceStatus.PRESENT:
        raise ValidationError({"reason": "你已签到出席，不能请假"})
    if LeaveRequest.objects.filter(
        meeting=m, person_id=row.person_id, status=LeaveStatus.PENDING
    ).exists():
        raise ValidationError({"reason": "你对本次会议的请假申请正在等待书记审批"})
    leave = LeaveRequest.objects.create(
        meeting=m, person_id=row.person_id, reason=reason, asked_by_id=access.user_id
    )
    audit_log(
        action=AuditAction.DATA_CREATED,
        request=request,
        actor_id=access.user_id,
        target=leave,
        hospital_id=m.hospital_id,
    )
    notify(
        recipients=_secretaries(m),
        title=f"{row.person.name}申请请假：{m.topic}",
        body=f"{row.person.name}申请不参加{_meeting_label(m)}，事由：{reason}",
        link=reverse("orglife:leave_list"),
        category=CATEGORY,
        key=f"orglife.leave.asked:{leave.pk}",
    )
    return leave


@transaction.atomic
def leave_answer(
    *,
    access: Access,
    leave: LeaveRequest,
    approve: bool,
    note: str = "",
    request: HttpRequest | None = None,
) -> LeaveRequest:
    """The branch's secretary (or the hospital's admin) approves or refuses a waiting
    request, with an optional note, while the meeting is not yet recorded. Approved, the
    member's roster row becomes 请假 with the request's reason. The member is told."""
    require_meeting_manager(access, leave.meeting)
    m = meeting_lock(leave.meeting)
    row = lock_first(LeaveRequest.objects.filter(pk=leave.pk))
    if row is None:
        raise ValidationError({"status": "请假申请不存在"})
    if row.status != LeaveStatus.PENDING:
        raise ValidationError({"status": f"该请假申请已{row.get_status_display()}，不能再次审批"})
    try:
        require_still_planned(m)
    except ValidationError:
        raise ValidationError({"status": "会议已记录完成或已取消，不能再审批请假"}) from None
    note = _clean(note, "note", NOTE_MAX, "审批意见")
    attendance = Attendance.objects.filter(meeting=m, person_id=row.person_id).first()
    if approve:
        if attendance is None:
            raise ValidationError({"status": "该党员已不在参会名单中"})
        if attendance.status == AttendanceStatus.PRESENT:
            raise ValidationError({"status": "该党员已签到出席，不能再批准请假"})
        attendance.status = AttendanceStatus.LEAVE
        attendance.reason = row.reason
        attendance.method = ""
        attendance.checked_in_at = None
        attendance.save(update_fields=["status", "reason", "method", "checked_in_at"])
    row.status = LeaveStatus.APPROVED if approve else LeaveStatus.REFUSED
    row.note = note
    row.answered_at = timezone.now()
    row.answered_by_id = access.user_id
    row.save(update_fields=["status", "note", "answered_at", "answered_by"])
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=row,
        hospital_id=m.hospital_id,
        approved=approve,
    )
    verdict = "已批准" if approve else "未获批准"
    body = f"你对{_meeting_label(m)}的请假申请{verdict}。"
    if note:
        body += f"书记意见：{note}"
    if not approve:
        body += "请按时参加会议。"
    notify(
        recipients=User.objects.filter(person_id=row.person_id, is_active=True),
        title=f"请假{verdict}：{m.topic}",
        body=body,
        link=reverse("orglife:meeting", args=[m.pk]),
        category=CATEGORY,
        key=f"orglife.leave.answered:{row.pk}",
    )
    return row
