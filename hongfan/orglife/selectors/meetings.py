"""Reads of meetings, always scoped: the meeting book, one meeting, who may host, record or
lecture at a branch's meeting, and a branch's meetings of a year (the yearbook)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from hongfan.core.access import Access
from hongfan.core.dates import year_bounds
from hongfan.org.choices import BranchKind, PersonStatus
from hongfan.org.models import Branch, BranchCommittee, PartyGroup, Person
from hongfan.orglife.choices import AttendanceStatus, MeetingStatus
from hongfan.orglife.models import Attendance, Meeting, MeetingFile


def _meeting_qs(access: Access) -> QuerySet[Meeting]:
    """Meetings the user manages (their branches, their hospitals) or reads (the city)."""
    access.require_business()
    q = Q(hospital_id__in=access.hospital_ids) | Q(branch_id__in=access.branch_ids)
    qs = Meeting.objects.all() if access.is_city else Meeting.objects.filter(q)
    return qs.select_related("branch", "party_group", "host", "recorder", "lecturer")


def meeting_get(*, access: Access, pk: int, manage: bool = False) -> Meeting:
    """A meeting for its managers and the city (read only); a member may read one they are
    on the roster of. Another hospital's meeting is a 404, one inside the user's own
    hospital that they may not see a 403."""
    access.require_business()
    m = (
        Meeting.objects.select_related(
            "branch", "branch__secretary", "party_group", "host", "recorder", "lecturer"
        )
        .filter(pk=pk)
        .first()
    )
    if m is None:
        raise Http404("会议不存在")
    manages = access.manages_branch(m.branch_id, m.hospital_id)
    if manage and not manages:
        if m.hospital_id in access.own_hospital_ids or access.is_city:
            raise PermissionDenied("只能管理本支部的组织生活")
        raise Http404("会议不存在")
    if not manages and not access.is_city:
        on_roster = (
            access.person_id is not None
            and Attendance.objects.filter(meeting=m, person_id=access.person_id).exists()
        )
        if not on_roster:
            if m.hospital_id in access.own_hospital_ids:
                raise PermissionDenied("只能查看本人参加的会议")
            raise Http404("会议不存在")
    return m


def meeting_people(branch: Branch | None) -> QuerySet[Person]:
    """Who may host, record or be talked with at a branch's meeting: its active people
    (nobody until a branch is chosen)."""
    if branch is None:
        return Person.objects.none()
    return (
        Person.objects.filter(branch=branch, status=PersonStatus.ACTIVE)
        .select_related("department")
        .order_by("pk")
    )


def meeting_lecturers(branch: Branch | None) -> QuerySet[Person]:
    """Who may give a branch's 党课: anyone active in the branch's hospital (nobody until a
    branch is chosen). Too many to list: the form searches them as the user types."""
    if branch is None:
        return Person.objects.none()
    return Person.objects.filter(
        hospital_id=branch.hospital_id, status=PersonStatus.ACTIVE
    ).select_related("department")


SEARCH_LIMIT = 20


def person_search(people: QuerySet[Person], text: str) -> list[Person]:
    """The first rows of ``people`` whose name contains ``text`` (at most ``SEARCH_LIMIT``;
    none for an empty search)."""
    text = text.replace("\x00", "").strip()[:20]
    if not text:
        return []
    return list(
        people.filter(name__contains=text)
        .select_related("department")
        .order_by("name", "pk")[:SEARCH_LIMIT]
    )


def managed_branches(*, access: Access) -> QuerySet[Branch]:
    """The leaf branches whose meetings the user schedules and records: those of the
    hospitals they administer, and those they are secretary of."""
    qs = Branch.objects.filter(active=True, kind=BranchKind.BRANCH)
    if access.hospital_ids:
        return qs.filter(hospital_id__in=access.hospital_ids) | qs.filter(pk__in=access.branch_ids)
    return qs.filter(pk__in=access.branch_ids)


def meeting_list(*, access: Access) -> QuerySet[Meeting]:
    """The meeting book: the meetings the user manages or reads, with their attendance
    counts, newest first (filtered by ``hongfan.orglife.filters.MeetingFilter``)."""
    # The counts are correlated subqueries, not a GROUP BY over a join with attendance: the
    # grouped join sorted every column of every joined row before the page was cut (20 ms of
    # SQLite on a secretary's year), and the page's COUNT(*) needed the join too.
    # Only the branch and the Party group are drawn per row (not host, recorder, lecturer).
    return (
        _meeting_qs(access)
        .select_related(None)
        .select_related("branch", "party_group")
        .annotate(
            expected=Coalesce(_attendance_count(), 0),
            present=Coalesce(_attendance_count(status=AttendanceStatus.PRESENT), 0),
        )
        .order_by("-starts_at", "-pk")
    )


def _attendance_count(**where: object) -> Subquery:
    """How many roster rows (``where`` narrowing them) the outer meeting has."""
    rows = (
        Attendance.objects.filter(meeting=OuterRef("pk"), **where)
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(rows, output_field=IntegerField())


def current_committee(branch: Branch, day: date) -> BranchCommittee | None:
    return (
        BranchCommittee.objects.filter(branch=branch, term_start__lte=day)
        .order_by("-term_start")
        .first()
    )


def meeting_groups(branch: Branch | None) -> QuerySet[PartyGroup]:
    """The Party groups a branch's 党小组会 may be of (none until a branch is chosen)."""
    if branch is None:
        return PartyGroup.objects.none()
    return PartyGroup.objects.filter(branch=branch).order_by("pk")


def meeting_addable(meeting: Meeting, rows: list[Attendance]) -> QuerySet[Person]:
    """Who of the meeting's branch may still be added to its roster (``rows``)."""
    return (
        Person.objects.filter(branch_id=meeting.branch_id, status=PersonStatus.ACTIVE)
        .exclude(pk__in=[r.person_id for r in rows])
        .order_by("pk")
    )


def meeting_file_get(*, access: Access, pk: int) -> MeetingFile:
    """A meeting's file, for whoever may read the meeting (its own access rules)."""
    row = MeetingFile.objects.filter(pk=pk).first()
    if row is None:
        raise Http404("附件不存在")
    meeting_get(access=access, pk=row.meeting_id)
    return row


def meetings_of_year(branch: Branch, year: int) -> list[Meeting]:
    """A branch's meetings of a year with their rosters, in order (the yearbook): a fixed
    number of queries whatever the number of meetings."""
    start, end = year_bounds(year)
    return list(
        Meeting.objects.filter(branch=branch, starts_at__gte=start, starts_at__lt=end)
        .select_related("party_group", "host", "recorder", "lecturer")
        .prefetch_related(
            Prefetch(
                "attendance",
                queryset=Attendance.objects.select_related("person").order_by("pk"),
            )
        )
        .order_by("starts_at", "pk")
    )


@dataclass(frozen=True)
class ToRecord:
    """Meetings of one hospital whose time has passed and that are not yet recorded."""

    hospital: str
    count: int
    first_pk: int  # the oldest (earliest ended) of them
    since: datetime  # when it ended


def meetings_to_record(*, access: Access, now: datetime) -> list[ToRecord]:
    """Per hospital in the user's scope (their branches, their hospitals, the city's every
    hospital): the planned meetings that have ended and still wait for their record (one
    query)."""
    access.require_business()
    rows = (
        _meeting_qs(access)
        .filter(status=MeetingStatus.PLANNED, ends_at__lt=now)
        .order_by()
        .values("hospital_id", "hospital__name")
        .annotate(n=Count("id"), first=Min("ends_at"))
        .order_by("hospital_id")
    )
    out = [ToRecord(r["hospital__name"], r["n"], 0, r["first"]) for r in rows]
    if len(out) == 1 and out[0].count == 1:  # one meeting: link straight to it
        pending = _meeting_qs(access).filter(status=MeetingStatus.PLANNED, ends_at__lt=now)
        pk = pending.values_list("pk", flat=True).first() or 0
        out[0] = ToRecord(out[0].hospital, 1, pk, out[0].since)
    return out
