"""Reads of 请假: the requests waiting on a secretary, one request (scoped), a member's own
requests, and what the to-do list shows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from hongfan.core.access import Access, get_scoped
from hongfan.orglife.choices import LeaveStatus, MeetingStatus
from hongfan.orglife.models import LeaveRequest, Meeting

# How long an answer stays among the member's tasks (if the meeting is still ahead).
ANSWER_SHOWN = timedelta(days=7)


def _managed(access: Access) -> Q:
    return Q(meeting__hospital_id__in=access.hospital_ids) | Q(
        meeting__branch_id__in=access.branch_ids
    )


def leave_waiting(*, access: Access) -> QuerySet[LeaveRequest]:
    """Requests waiting for an answer at the meetings the user manages (their branches, the
    hospitals they administer) that are not recorded or cancelled yet, soonest meeting
    first."""
    access.require_business()
    if not (access.hospital_ids or access.branch_ids):
        return LeaveRequest.objects.none()
    return (
        LeaveRequest.objects.filter(_managed(access))
        .filter(status=LeaveStatus.PENDING, meeting__status=MeetingStatus.PLANNED)
        .select_related("meeting", "meeting__branch", "person", "person__department")
        .order_by("meeting__starts_at", "asked_at", "pk")
    )


def leave_waiting_brief(*, access: Access, limit: int = 200) -> list[tuple[datetime, str]]:
    """``leave_waiting`` as the to-do list (and the 待办 badge on every page) needs it: the
    meeting's start and the person's name of each request, soonest meeting first."""
    access.require_business()
    if not (access.hospital_ids or access.branch_ids):
        return []
    return list(
        LeaveRequest.objects.filter(_managed(access))
        .filter(status=LeaveStatus.PENDING, meeting__status=MeetingStatus.PLANNED)
        .order_by("meeting__starts_at", "asked_at", "pk")
        .values_list("meeting__starts_at", "person__name")[:limit]
    )


def leave_answered_list(*, access: Access, limit: int = 20) -> list[LeaveRequest]:
    """The latest answers given at the meetings the user manages."""
    access.require_business()
    if not (access.hospital_ids or access.branch_ids):
        return []
    return list(
        LeaveRequest.objects.filter(_managed(access))
        .exclude(status=LeaveStatus.PENDING)
        .select_related("meeting", "person")
        .order_by("-answered_at", "-pk")[:limit]
    )


def leave_get(*, access: Access, pk: object) -> LeaveRequest:
    """A request for whoever answers it (the meeting's managers): 404 when missing or of
    another hospital, 403 inside one's own hospital."""
    return get_scoped(
        LeaveRequest.objects.select_related("meeting", "meeting__branch", "person"),
        pk,
        access,
        noun="请假申请",
        verb="审批",
        may=lambda r: access.manages_branch(r.meeting.branch_id, r.meeting.hospital_id),
        hospital_of=lambda r: r.meeting.hospital_id,
        refusal="只能审批本支部的请假申请",
    )


def leave_of(*, access: Access, meeting: Meeting) -> LeaveRequest | None:
    """The acting member's latest request for a meeting, if any."""
    if access.person_id is None:
        return None
    return (
        LeaveRequest.objects.filter(meeting=meeting, person_id=access.person_id)
        .order_by("-asked_at", "-pk")
        .first()
    )


def leave_by_meeting(*, access: Access, meeting_ids: Iterable[int]) -> dict[int, LeaveRequest]:
    """The acting member's latest request per meeting, for the meetings named."""
    if access.person_id is None:
        return {}
    out: dict[int, LeaveRequest] = {}
    for r in LeaveRequest.objects.filter(
        person_id=access.person_id, meeting_id__in=list(meeting_ids)
    ).order_by("asked_at", "pk"):
        out[r.meeting_id] = r
    return out


def leave_pending_of(*, access: Access, meeting: Meeting) -> dict[int, LeaveRequest]:
    """{person id: their waiting request} of a meeting, for its managers (its roster shows
    them); nothing for anyone else."""
    if not access.manages_branch(meeting.branch_id, meeting.hospital_id):
        return {}
    return {
        r.person_id: r
        for r in LeaveRequest.objects.filter(meeting=meeting, status=LeaveStatus.PENDING)
    }


def leave_answered_for_member(*, access: Access, now: datetime) -> list[LeaveRequest]:
    """The acting member's requests answered lately, for meetings still ahead (their
    to-do list shows them until the meeting ends)."""
    if access.person_id is None:
        return []
    return list(
        LeaveRequest.objects.filter(
            person_id=access.person_id,
            status__in=[LeaveStatus.APPROVED, LeaveStatus.REFUSED],
            answered_at__gte=now - ANSWER_SHOWN,
            meeting__status=MeetingStatus.PLANNED,
            meeting__ends_at__gte=now,
        )
        .select_related("meeting")
        .order_by("meeting__starts_at", "pk")
    )
