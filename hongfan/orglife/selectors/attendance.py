"""Reads of attendance: who is expected at a meeting (the roster drawn up), a meeting's
roster, a member's own meetings, and the meeting a QR check-in link names."""

from __future__ import annotations

import hmac
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.org.choices import MEMBER_STATUSES, PersonStatus, PoliticalStatus
from hongfan.org.models import Branch, PartyGroup, Person
from hongfan.orglife.choices import MeetingKind, MeetingStatus
from hongfan.orglife.models import Attendance, Meeting
from hongfan.orglife.selectors.meetings import current_committee

# Kinds whose roster is the whole branch (members and probationary members).
BRANCH_WIDE = {
    MeetingKind.GENERAL,
    MeetingKind.LECTURE,
    MeetingKind.THEME_DAY,
    MeetingKind.LIFE,
    MeetingKind.APPRAISAL,
    MeetingKind.GROUP_STUDY,
}


def branch_members(branch: Branch) -> QuerySet[Person]:
    """A branch's active members (full and probationary)."""
    return Person.objects.filter(
        branch=branch, status=PersonStatus.ACTIVE, political_status__in=MEMBER_STATUSES
    )


def default_roster(
    branch: Branch, kind: str, day: date, group: PartyGroup | None
) -> list[tuple[Person, bool]]:
    """Who is expected at a meeting of this kind, each with whether they vote (count for the
    quorum): the whole branch (full members vote), the committee, or the Party group."""
    if kind == MeetingKind.COMMITTEE:
        committee = current_committee(branch, day)
        if committee is None:
            return []
        seats = committee.seats.select_related("person").filter(person__status=PersonStatus.ACTIVE)
        return [(s.person, True) for s in seats.order_by("person_id")]
    members = branch_members(branch)
    if kind == MeetingKind.GROUP:
        if group is None:
            return []
        members = members.filter(party_group=group)
    if kind in BRANCH_WIDE or kind == MeetingKind.GROUP:
        return [(p, p.political_status == PoliticalStatus.MEMBER) for p in members.order_by("pk")]
    return []  # a talk: the people are chosen


BAD_CODE = "签到码无效：请扫描本次会议现场展示的二维码"


NOT_ON_ROSTER = "你不在本次会议的参会名单中，请联系支部书记"


def code_matches(meeting: Meeting, token: str) -> bool:
    """Whether a QR link's code is this meeting's own, compared in constant time."""
    return hmac.compare_digest(meeting.checkin_token.encode(), (token or "").encode())


def meeting_by_code(pk: int, token: str) -> Meeting | None:
    """The meeting a QR check-in link names, or None when the code is not its own (forged,
    stale, or another meeting's: they look the same)."""
    m = Meeting.objects.select_related("branch").filter(pk=pk).first()
    return m if m is not None and code_matches(m, token) else None


def attendance_list(*, access: Access) -> QuerySet[Attendance]:
    """A member's own roster rows: upcoming first, then past."""
    if access.person_id is None:
        return Attendance.objects.none()
    return (
        Attendance.objects.filter(person_id=access.person_id)
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .select_related("meeting", "meeting__branch", "points_entry")
        .order_by("-meeting__starts_at")
    )


def roster(meeting: Meeting) -> list[Attendance]:
    return list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("person", "points_entry")
        .order_by("pk")
    )


def attendance_list_upcoming(*, access: Access) -> QuerySet[Attendance]:
    now = timezone.now()
    return attendance_list(access=access).filter(
        meeting__status=MeetingStatus.PLANNED, meeting__checkin_closes_at__gte=now
    )


def acting_person(*, access: Access) -> Person | None:
    """The person of the acting account (None when it has none)."""
    if not access.person_id:
        return None
    return Person.objects.filter(pk=access.person_id).first()


def person_find(pk: int) -> Person | None:
    """A person named by a roster form (the service checks they belong to the meeting)."""
    return Person.objects.filter(pk=pk).first()


def attendance_of(meeting: Meeting, person: Person) -> Attendance | None:
    """A person's row of a meeting's roster, if they are on it."""
    return meeting.attendance.filter(person=person).first()
