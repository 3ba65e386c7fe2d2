"""Writes of attendance: add to a roster, tick it, or check in by QR code."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.locks import lock_first
from hongfan.org.choices import PersonStatus, PoliticalStatus
from hongfan.org.models import Person
from hongfan.orglife.choices import AttendanceStatus, CheckinMethod, MeetingKind, MeetingStatus
from hongfan.orglife.models import Attendance, Meeting
from hongfan.orglife.selectors.attendance import BAD_CODE, NOT_ON_ROSTER, code_matches
from hongfan.orglife.selectors.meetings import current_committee
from hongfan.orglife.services.meetings import (
    meeting_lock,
    notify_scheduled,
    require_meeting_manager,
    require_still_planned,
)


@transaction.atomic
def attendance_add(*, access: Access, meeting: Meeting, person: Person) -> Attendance:
    """Add someone of the branch to a meeting's roster (e.g. a member who moved in)."""
    require_meeting_manager(access, meeting)
    m = meeting_lock(meeting)
    require_still_planned(m)
    if person.branch_id != m.branch_id or person.status != PersonStatus.ACTIVE:
        raise ValidationError({"person": f"{person.name}不是本支部在册人员，不能加入参会名单"})
    if Attendance.objects.filter(meeting=m, person=person).exists():
        raise ValidationError({"person": f"{person.name}已在参会名单中"})
    voting = person.political_status == PoliticalStatus.MEMBER
    if m.kind == MeetingKind.COMMITTEE:
        committee = current_committee(m.branch, m.day)
        voting = committee is not None and committee.seats.filter(person=person).exists()
    elif m.kind == MeetingKind.TALK:
        voting = False
    row = Attendance.objects.create(meeting=m, person=person, voting=voting)
    if m.starts_at > timezone.now():
        notify_scheduled(m, people=[person])  # the invited hear of it as the others did
    return row


@transaction.atomic
def attendance_mark(
    *,
    access: Access,
    meeting: Meeting,
    person: Person,
    status: str,
    reason: str = "",
) -> Attendance:
    """The secretary ticks the roster: present, on leave (with a reason) or absent."""
    require_meeting_manager(access, meeting)
    m = meeting_lock(meeting)
    require_still_planned(m)
    row = Attendance.objects.filter(meeting=m, person=person).first()
    if row is None:
        raise ValidationError({"person": f"{person.name}不在本次会议的参会名单中"})
    reason = (reason or "").strip()
    if status not in AttendanceStatus.values:
        raise ValidationError({"status": "出勤状态无效"})
    if status == AttendanceStatus.LEAVE and not reason:
        raise ValidationError({"reason": "请假须填写事由"})
    if len(reason) > 200:
        raise ValidationError({"reason": "请假事由不能超过200字"})
    row.status = status
    row.reason = reason if status == AttendanceStatus.LEAVE else ""
    if status == AttendanceStatus.PRESENT:
        # A QR check-in keeps the time the member scanned; a tick by the secretary records
        # who registered it, never the moment of the click as if it were an arrival time.
        if row.method != CheckinMethod.QR:
            row.method = CheckinMethod.ROSTER
            row.checked_in_at = None
    else:
        row.method = ""
        row.checked_in_at = None
    row.save()
    return row


@transaction.atomic
def attendance_mark_rest_present(*, access: Access, meeting: Meeting) -> int:
    """The secretary's shortcut: everyone not yet checked in or marked is present."""
    require_meeting_manager(access, meeting)
    m = meeting_lock(meeting)
    require_still_planned(m)
    return Attendance.objects.filter(meeting=m, status=AttendanceStatus.EXPECTED).update(
        status=AttendanceStatus.PRESENT, method=CheckinMethod.ROSTER, checked_in_at=None
    )


class CheckinRefused(ValidationError):
    """A QR check-in that cannot be accepted (the message says why, in Chinese)."""


@transaction.atomic
def meeting_checkin(
    *, person: Person | None, meeting_id: int, token: str, now: datetime | None = None
) -> Attendance:
    """A member checks in from their phone by opening the meeting's QR link."""
    now = now or timezone.now()
    meeting = lock_first(Meeting.objects.select_related("branch").filter(pk=meeting_id))
    if meeting is None or not code_matches(meeting, token):
        raise CheckinRefused(BAD_CODE)
    if person is None:
        raise CheckinRefused("当前账号未关联党员信息，无法签到")
    # The roster first: holding the code tells someone off the roster nothing of the
    # meeting (not even whether it is open, closed or cancelled).
    row = lock_first(Attendance.objects.filter(meeting=meeting, person=person))
    if row is None:
        raise CheckinRefused(NOT_ON_ROSTER)
    if meeting.status == MeetingStatus.CANCELLED:
        raise CheckinRefused("会议已取消，无需签到")
    if meeting.status == MeetingStatus.HELD:
        raise CheckinRefused("会议已结束并完成记录，签到已关闭")
    if now < meeting.checkin_opens_at:
        opens = timezone.localtime(meeting.checkin_opens_at)
        raise CheckinRefused(f"签到尚未开始，请于{opens:%m月%d日 %H:%M}后再扫码")
    if now > meeting.checkin_closes_at:
        raise CheckinRefused("签到时间已过，请联系支部书记登记出勤")
    if row.status == AttendanceStatus.PRESENT:
        when = timezone.localtime(row.checked_in_at) if row.checked_in_at else None
        raise CheckinRefused(
            f"你已于{when:%H:%M}签到，无需重复签到" if when else "你已签到，无需重复签到"
        )
    row.status = AttendanceStatus.PRESENT
    row.method = CheckinMethod.QR
    row.checked_in_at = now
    row.reason = ""
    row.save()
    return row
