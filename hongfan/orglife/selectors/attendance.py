"""Reads of attendance: who is expected at a meeting (the roster drawn up), a meeting's
roster, a member's own meetings, the meeting a QR check-in link names, and the members'
present/absent counts over a period (what consumers such as recognition's 季度之星 read)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, IntegerField, Q, QuerySet, Value
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.dates import year_bounds
from hongfan.core.prepared import PreparedQuery
from hongfan.org.choices import MEMBER_STATUSES, PersonStatus, PoliticalStatus
from hongfan.org.models import Branch, PartyGroup, Person
from hongfan.orglife.choices import AttendanceStatus, MeetingKind, MeetingStatus
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


def attendance_list_shown(*, access: Access) -> QuerySet[Attendance]:
    """``attendance_list`` with only what 我的组织生活 shows of each row: the meeting's topic,
    kind, place, start and status and the points earned (no branch, no meeting body)."""
    return (
        attendance_list(access=access)
        .select_related(None)
        .select_related("meeting", "points_entry")
        .only(
            "id",
            "status",
            "meeting_id",
            "points_entry_id",
            "meeting__topic",
            "meeting__kind",
            "meeting__place",
            "meeting__starts_at",
            "meeting__status",
            "points_entry__points",
        )
    )


@dataclass(frozen=True)
class MyAttendanceCounts:
    """A member's roster rows (cancelled meetings left out, as ``attendance_list``), and of
    the year's held meetings how many they were on the roster of and present at."""

    rows: int
    held: int
    attended: int

    @property
    def share(self) -> int | None:
        return round(100 * self.attended / self.held) if self.held else None


def _counts_mine_query(person_id: int, start: datetime, end: datetime) -> QuerySet[Any]:
    """``attendance_counts_mine``'s aggregate (``_COUNTS_MINE``, compiled once per process):
    over ``attendance_list``'s rows, one row (no GROUP BY: a constant is grouped on)."""
    held = Q(
        meeting__status=MeetingStatus.HELD,
        meeting__starts_at__gte=start,
        meeting__starts_at__lt=end,
    )
    return (
        Attendance.objects.filter(person_id=person_id)
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .order_by()
        .annotate(whole=Value(1, output_field=IntegerField()))
        .values("whole")
        .annotate(
            rows=Count("pk"),
            held=Count("pk", filter=held),
            attended=Count("pk", filter=held & Q(status=AttendanceStatus.PRESENT)),
        )
        .values_list("rows", "held", "attended")
    )


_COUNTS_MINE = PreparedQuery(_counts_mine_query)


def attendance_counts_mine(*, access: Access, year: int) -> MyAttendanceCounts:
    """The figures of 我的组织生活 in one aggregate (the page's rows are not all loaded)."""
    if access.person_id is None:
        return MyAttendanceCounts(0, 0, 0)
    start, end = year_bounds(year)
    ((rows, held, attended),) = _COUNTS_MINE.rows(access.person_id, start, end)
    return MyAttendanceCounts(rows, held, attended)


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


# Meetings whose roster counts for attendance: every kind but the talk (谈心谈话), which earns
# and costs no points either.
COUNTED_KINDS = [k for k in MeetingKind.values if k != MeetingKind.TALK]


@dataclass(frozen=True)
class AttendanceCount:
    """A member's roster rows marked present (出席) and absent (缺席) over a period."""

    present: int = 0
    absent: int = 0


def attendance_counts(*, hospital_id: int, start: date, end: date) -> dict[int, AttendanceCount]:
    """{person id: their present and absent rows} at the hospital's meetings held (已召开)
    from ``start`` to ``end`` (a meeting's day is its local start date), talks aside. Leave
    (请假) counts neither way; planned and cancelled meetings do not count; a person with no
    such row is absent from the result.

    For a consumer's figures over a hospital it has already scoped (recognition's 季度之星
    evaluation): hence no acting ``access``."""
    rows = (
        Attendance.objects.filter(
            meeting__hospital_id=hospital_id,
            meeting__status=MeetingStatus.HELD,
            meeting__kind__in=COUNTED_KINDS,
            meeting__starts_at__date__gte=start,
            meeting__starts_at__date__lte=end,
            status__in=[AttendanceStatus.PRESENT, AttendanceStatus.ABSENT],
        )
        .order_by()
        .values("person_id", "status")
        .annotate(n=Count("id"))
        .values_list("person_id", "status", "n")
    )
    tally: dict[int, dict[str, int]] = {}
    for person_id, status, n in rows:
        tally.setdefault(person_id, {})[status] = n
    return {
        person_id: AttendanceCount(
            present=by.get(AttendanceStatus.PRESENT, 0), absent=by.get(AttendanceStatus.ABSENT, 0)
        )
        for person_id, by in tally.items()
    }


# --- the home page and the person page (core.todos, core.panels) --------------------------------


def attendance_next(*, access: Access, now: datetime) -> Attendance | None:
    """The member's next meeting (their roster row): planned and its check-in window not yet
    closed, the soonest first (one query)."""
    if access.person_id is None:
        return None
    # Only what the home page's task reads of the row and its meeting.
    return (
        Attendance.objects.filter(
            person_id=access.person_id,
            meeting__status=MeetingStatus.PLANNED,
            meeting__checkin_closes_at__gte=now,
        )
        .select_related("meeting")
        .only(
            "status",
            "meeting__status",
            "meeting__kind",
            "meeting__topic",
            "meeting__starts_at",
            "meeting__place",
            "meeting__online",
            "meeting__checkin_token",
            "meeting__checkin_opens_at",
            "meeting__checkin_closes_at",
        )
        .order_by("meeting__starts_at", "meeting_id")
        .first()
    )


def checkin_open(meeting: Meeting, now: datetime) -> bool:
    """Whether the meeting's QR check-in accepts a member now (the window
    ``services.attendance.meeting_checkin`` enforces)."""
    return (
        meeting.status == MeetingStatus.PLANNED
        and meeting.checkin_opens_at <= now <= meeting.checkin_closes_at
    )


def attendance_recent(*, access: Access, limit: int = 3) -> list[Attendance]:
    """The member's latest meetings held (what is new in their branch's 组织生活)."""
    if access.person_id is None:
        return []
    # Only what the home page's panel draws (attendance_list's rows, held, without their
    # branch and points entry).
    return list(
        Attendance.objects.filter(person_id=access.person_id, meeting__status=MeetingStatus.HELD)
        .select_related("meeting")
        .only("status", "meeting__topic", "meeting__kind", "meeting__starts_at")
        .order_by("-meeting__starts_at")[:limit]
    )


@dataclass(frozen=True)
class PersonAttendance:
    year: int
    held: int
    present: int
    leave: int
    absent: int
    rows: list[Attendance]

    @property
    def share(self) -> int | None:
        return round(100 * self.present / self.held) if self.held else None


def _reads_person(access: Access, person: Person) -> bool:
    return (
        access.person_id == person.pk
        or access.manages_branch(person.branch_id, person.hospital_id)
        or access.reads_hospital(person.hospital_id)
    )


def person_attendance(
    *, access: Access, person: Person, year: int, limit: int = 20
) -> PersonAttendance | None:
    """A person's 组织生活 for the 党员档案: this year's held meetings counted by their mark,
    and their latest roster rows (two queries); None for a user who may not read them."""
    access.require_business()
    if not _reads_person(access, person):
        return None
    rows = (
        Attendance.objects.filter(person=person)
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .select_related("meeting", "points_entry")
        .order_by("-meeting__starts_at", "-pk")
    )
    counts = dict(
        rows.filter(
            meeting__status=MeetingStatus.HELD,
            meeting__kind__in=COUNTED_KINDS,
            meeting__starts_at__year=year,
        )
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return PersonAttendance(
        year=year,
        held=sum(counts.values()),
        present=counts.get(AttendanceStatus.PRESENT, 0),
        leave=counts.get(AttendanceStatus.LEAVE, 0),
        absent=counts.get(AttendanceStatus.ABSENT, 0),
        rows=list(rows[:limit]),
    )
