"""Writes of 组织生活: schedule a meeting and draw up its roster, tick the roster or check in
by QR code, close the meeting (quorum, points), cancel it, attach files, and the yearly
民主评议党员."""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import nh3
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.uploads import FILE_TYPES, UploadRefused, upload_check
from hongfan.org.choices import MEMBER_STATUSES, BranchKind, PersonStatus, PoliticalStatus
from hongfan.org.models import Authority, Branch, BranchCommittee, PartyGroup, Person
from hongfan.orglife.choices import (
    AppraisalStatus,
    AttendanceStatus,
    CheckinMethod,
    Compliance,
    Grade,
    MeetingKind,
    MeetingStatus,
    QuorumOf,
    RequirementPeriod,
)
from hongfan.orglife.models import (
    Appraisal,
    AppraisalGrade,
    Attendance,
    ComplianceTally,
    Meeting,
    MeetingFile,
    MeetingRequirement,
    MeetingRule,
)
from hongfan.orglife.selectors import (
    BAD_CODE,
    NOT_ON_ROSTER,
    BranchCompliance,
    code_matches,
    compliance,
    meeting_rule_for,
    meeting_rule_of,
)
from hongfan.points.selectors.catalogue import active_rules
from hongfan.points.services.awarding import AwardRequest, points_award_many

MAX_LENGTH = timedelta(hours=12)
MINUTES_MAX = 50_000  # characters of sanitised HTML
FILE_ACCEPTS = "照片（JPEG、PNG、WebP）、PDF、Word（.docx）或Excel（.xlsx）文件"
# Kinds whose roster is the whole branch (members and probationary members).
BRANCH_WIDE = {
    MeetingKind.GENERAL,
    MeetingKind.LECTURE,
    MeetingKind.THEME_DAY,
    MeetingKind.LIFE,
    MeetingKind.APPRAISAL,
    MeetingKind.GROUP_STUDY,
}
ATTEND_RULE = "ORG-MEETING"
ABSENT_RULE = "DED-ABSENT"
LECTURE_RULE = "ORG-LECTURE"
EXCELLENT_RULE = "ORG-APPRAISAL-EXCELLENT"
UNQUALIFIED_RULE = "DED-APPRAISAL"

# Rich text of the minutes: what a secretary's editor produces, nothing that runs.
MINUTES_TAGS = {
    "p", "br", "b", "strong", "i", "em", "u", "s", "ol", "ul", "li", "h3", "h4",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "span",
}  # fmt: skip


def sanitise_minutes(html: str) -> str:
    return nh3.clean(html or "", tags=MINUTES_TAGS, attributes={}, link_rel=None).strip()


# --- rules ------------------------------------------------------------------------------------

DEFAULT_REQUIREMENTS: list[tuple[str, bool, str, int]] = [
    (MeetingKind.GENERAL, False, RequirementPeriod.QUARTER, 1),
    (MeetingKind.COMMITTEE, False, RequirementPeriod.MONTH, 1),
    (MeetingKind.GROUP, False, RequirementPeriod.MONTH, 1),
    (MeetingKind.LECTURE, False, RequirementPeriod.QUARTER, 1),
    (MeetingKind.LECTURE, True, RequirementPeriod.YEAR, 1),
    (MeetingKind.THEME_DAY, False, RequirementPeriod.MONTH, 1),
    (MeetingKind.LIFE, False, RequirementPeriod.YEAR, 1),
    (MeetingKind.APPRAISAL, False, RequirementPeriod.YEAR, 1),
]


@transaction.atomic
def meeting_requirements_seed(*, authority: Authority, effective_from: date) -> int:
    """The minimum frequencies of DOMAIN.md for a city (idempotent)."""
    made = 0
    for kind, by_secretary, period, count in DEFAULT_REQUIREMENTS:
        if not MeetingRequirement.objects.filter(
            authority=authority, kind=kind, by_secretary=by_secretary
        ).exists():
            MeetingRequirement.objects.create(
                authority=authority,
                kind=kind,
                by_secretary=by_secretary,
                period=period,
                min_count=count,
                effective_from=effective_from,
            )
            made += 1
    return made


@transaction.atomic
def meeting_requirement_revise(
    *,
    access: Access,
    authority: Authority,
    kind: str,
    by_secretary: bool,
    period: str,
    min_count: int,
    effective_from: date,
    active: bool = True,
    request: HttpRequest | None = None,
) -> MeetingRequirement:
    """A new version of a frequency rule from a date (the city admin's)."""
    if not access.is_city:
        raise PermissionDenied("只有市卫健委管理员可以修改组织生活频次要求")
    errors: dict[str, str] = {}
    if kind not in MeetingKind.values or kind == MeetingKind.TALK:
        errors["kind"] = "请选择会议类型"
    if period not in RequirementPeriod.values:
        errors["period"] = "请选择周期"
    if not isinstance(min_count, int) or min_count < 1 or min_count > 31:
        errors["min_count"] = "每周期次数须在1到31之间"
    if by_secretary and kind != MeetingKind.LECTURE:
        errors["by_secretary"] = "只有党课可以要求由书记讲授"
    if errors:
        raise ValidationError(errors)
    # Stored tallies were judged by the old rule: the city summary judges again on read.
    ComplianceTally.objects.filter(hospital__authority=authority).delete()
    row, _ = MeetingRequirement.objects.update_or_create(
        authority=authority,
        kind=kind,
        by_secretary=by_secretary,
        effective_from=effective_from,
        defaults={"period": period, "min_count": min_count, "active": active},
    )
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=row,
        kind=kind,
        period=period,
        min_count=min_count,
        effective_from=effective_from.isoformat(),
    )
    return row


CHECKIN_WINDOW_MAX = 240  # minutes before the start / after the end


@transaction.atomic
def meeting_rule_revise(
    *,
    access: Access,
    authority: Authority,
    kind: str,
    checkin_before_minutes: int,
    checkin_after_minutes: int,
    quorum_of: str,
    effective_from: date,
    request: HttpRequest | None = None,
) -> MeetingRule:
    """A new version, from a date, of how a kind of meeting is run in a city (the city
    admin's): the QR check-in window and the quorum. Meetings already scheduled keep their
    window; those scheduled or moved from then on take the new one."""
    if not access.is_city:
        raise PermissionDenied("只有市卫健委管理员可以修改会议规则")
    errors: dict[str, str] = {}
    if kind not in MeetingKind.values:
        errors["kind"] = "请选择会议类型"
    for field, value in (
        ("checkin_before_minutes", checkin_before_minutes),
        ("checkin_after_minutes", checkin_after_minutes),
    ):
        if not isinstance(value, int) or not 0 <= value <= CHECKIN_WINDOW_MAX:
            errors[field] = f"须在0到{CHECKIN_WINDOW_MAX}分钟之间"
    if quorum_of not in QuorumOf.values:
        errors["quorum_of"] = "请选择法定人数的计算方式"
    if errors:
        raise ValidationError(errors)
    row, _ = MeetingRule.objects.update_or_create(
        authority=authority,
        kind=kind,
        effective_from=effective_from,
        defaults={
            "checkin_before_minutes": checkin_before_minutes,
            "checkin_after_minutes": checkin_after_minutes,
            "quorum_of": quorum_of,
        },
    )
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=row,
        kind=kind,
        checkin_before_minutes=checkin_before_minutes,
        checkin_after_minutes=checkin_after_minutes,
        quorum_of=quorum_of,
        effective_from=effective_from.isoformat(),
    )
    return row


# --- compliance tallies (what the city summary sums) ----------------------------------------


def tallies_save(rows: list[BranchCompliance], year: int, today: date) -> None:
    """Store branches' tallies (one upsert)."""
    ComplianceTally.objects.bulk_create(
        [
            ComplianceTally(
                branch=row.branch,
                hospital_id=row.branch.hospital_id,
                year=year,
                computed_on=today,
                done=row.tally.get(Compliance.DONE, 0),
                due=row.tally.get(Compliance.DUE, 0),
                overdue=row.tally.get(Compliance.OVERDUE, 0),
                upcoming=row.tally.get(Compliance.UPCOMING, 0),
                not_applicable=row.tally.get(Compliance.NOT_APPLICABLE, 0),
            )
            for row in rows
        ],
        update_conflicts=True,
        unique_fields=["branch", "year"],
        update_fields=[
            "hospital",
            "computed_on",
            "done",
            "due",
            "overdue",
            "upcoming",
            "not_applicable",
        ],
    )


def tallies_refresh(branches: list[Branch], year: int, today: date) -> None:
    """Judge branches again (grouped by city) and store their tallies."""
    by_authority: dict[int, list[Branch]] = defaultdict(list)
    for b in branches:
        by_authority[b.hospital.authority_id].append(b)
    for authority_id, group in by_authority.items():
        _reqs, rows = compliance(group, year, today, authority_id, cells=False)
        tallies_save(rows, year, today)


def tallies_refresh_stale(*, access: Access, year: int, today: date) -> int:
    """Judge again, in one pass, every branch whose tally of ``year`` is missing or was not
    computed today (before the city summary reads them); returns how many were judged."""
    access.require_business()
    if not access.is_city:
        raise PermissionDenied("只有市卫健委可以查看全市汇总")
    branches = Branch.objects.filter(active=True, kind=BranchKind.BRANCH)
    fresh = set(
        ComplianceTally.objects.filter(year=year, computed_on=today).values_list(
            "branch_id", flat=True
        )
    )
    stale = (
        [b for b in branches.select_related("hospital").order_by("pk") if b.pk not in fresh]
        if len(fresh) < branches.count()
        else []
    )
    if stale:
        tallies_refresh(stale, year, today)
    return len(stale)


# --- scheduling ---------------------------------------------------------------------------------


def set_checkin_window(meeting: Meeting) -> None:
    """When the meeting's QR code works: the window of its city's rule in force on its day
    (unsaved; the caller saves)."""
    rule = meeting_rule_for(
        meeting.branch.hospital.authority_id,
        meeting.kind,
        timezone.localtime(meeting.starts_at).date(),
    )
    meeting.checkin_opens_at = meeting.starts_at - timedelta(minutes=rule.checkin_before_minutes)
    meeting.checkin_closes_at = meeting.ends_at + timedelta(minutes=rule.checkin_after_minutes)


def current_committee(branch: Branch, day: date) -> BranchCommittee | None:
    return (
        BranchCommittee.objects.filter(branch=branch, term_start__lte=day)
        .order_by("-term_start")
        .first()
    )


def _active_members(branch: Branch) -> Any:
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
    members = _active_members(branch)
    if kind == MeetingKind.GROUP:
        if group is None:
            return []
        members = members.filter(party_group=group)
    if kind in BRANCH_WIDE or kind == MeetingKind.GROUP:
        return [(p, p.political_status == PoliticalStatus.MEMBER) for p in members.order_by("pk")]
    return []  # a talk: the people are chosen


def _branch_person(branch: Branch, person: Person | None, label: str, errors: dict) -> None:
    if person is not None and (
        person.branch_id != branch.pk or person.status != PersonStatus.ACTIVE
    ):
        errors[label] = f"{person.name}不是本支部在册人员"


@transaction.atomic
def meeting_schedule(  # noqa: C901
    *,
    access: Access,
    branch: Branch,
    kind: str,
    topic: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str = "",
    online: bool = False,
    host: Person | None = None,
    recorder: Person | None = None,
    lecturer: Person | None = None,
    agenda: str = "",
    party_group: PartyGroup | None = None,
    people: Sequence[Person] = (),
    request: HttpRequest | None = None,
) -> Meeting:
    """Plan a meeting of a branch and draw up its roster (see ``default_roster``); a talk's
    people are chosen (``people``, at least two with the host)."""
    if not access.manages_branch(branch.pk, branch.hospital_id):
        raise PermissionDenied("只能安排本支部的组织生活")
    errors: dict[str, str] = {}
    topic = (topic or "").strip()
    if not topic:
        errors["topic"] = "请填写会议主题"
    elif len(topic) > 200:
        errors["topic"] = "主题不能超过200字"
    if kind not in MeetingKind.values:
        errors["kind"] = "请选择会议类型"
    if branch.kind != BranchKind.BRANCH or not branch.active:
        errors["branch"] = "只有在用的党支部可以安排组织生活"
    if starts_at is None or ends_at is None:
        errors["starts_at"] = "请填写开始和结束时间"
    elif ends_at <= starts_at:
        errors["ends_at"] = "结束时间必须晚于开始时间"
    elif ends_at - starts_at > MAX_LENGTH:
        errors["ends_at"] = "一次会议不能超过12小时"
    elif starts_at > timezone.now() + timedelta(days=366):
        errors["starts_at"] = "只能安排一年以内的会议"
    if kind == MeetingKind.GROUP:
        if party_group is None:
            errors["party_group"] = "党小组会须选择党小组"
        elif party_group.branch_id != branch.pk:
            errors["party_group"] = "党小组不属于本支部"
    elif party_group is not None and party_group.branch_id != branch.pk:
        errors["party_group"] = "党小组不属于本支部"
    _branch_person(branch, host, "host", errors)
    _branch_person(branch, recorder, "recorder", errors)
    if lecturer is not None and lecturer.hospital_id != branch.hospital_id:
        errors["lecturer"] = "授课人须为本院人员"
    if kind == MeetingKind.LECTURE and lecturer is None:
        errors["lecturer"] = "党课须填写授课人"
    if errors:
        raise ValidationError(errors)
    day = timezone.localtime(starts_at).date()
    if kind == MeetingKind.TALK:
        chosen = list(dict.fromkeys([*([host] if host else []), *people]))
        for p in chosen:
            _branch_person(branch, p, "people", errors)
        if len(chosen) < 2:
            errors["people"] = "谈心谈话至少两人（含谈话人）"
        roster = [(p, False) for p in chosen]
    else:
        roster = default_roster(branch, kind, day, party_group)
        if kind == MeetingKind.COMMITTEE and not roster:
            errors["kind"] = "本支部尚未设立支委会，不能召开支委会"
        elif not roster:
            errors["kind"] = "本支部（党小组）暂无在册党员，无法安排会议"
    if errors:
        raise ValidationError(errors)
    meeting = Meeting(
        hospital_id=branch.hospital_id,
        branch=branch,
        party_group=party_group if kind == MeetingKind.GROUP else None,
        kind=kind,
        topic=topic,
        starts_at=starts_at,
        ends_at=ends_at,
        place=(place or "").strip()[:200],
        online=online,
        host=host,
        recorder=recorder,
        lecturer=lecturer if kind == MeetingKind.LECTURE else None,
        agenda=(agenda or "").strip()[:5000],
        checkin_token=secrets.token_urlsafe(32),
        created_by_id=access.user_id,
    )
    set_checkin_window(meeting)
    meeting.save()
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, person=p, voting=v) for p, v in roster]
    )
    audit_log(
        action=AuditAction.DATA_CREATED,
        request=request,
        actor_id=access.user_id,
        target=meeting,
        hospital_id=branch.hospital_id,
        kind=kind,
        expected=len(roster),
    )
    return meeting


def _manage(access: Access, meeting: Meeting) -> None:
    if not access.manages_branch(meeting.branch_id, meeting.hospital_id):
        raise PermissionDenied("只能管理本支部的组织生活")


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("branch").get(pk=meeting.pk)


def _still_planned(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.HELD:
        raise ValidationError({"status": "会议已记录完成，出勤不能再修改"})
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError({"status": "会议已取消"})


@transaction.atomic
def meeting_update(  # noqa: C901
    *, access: Access, meeting: Meeting, request: HttpRequest | None = None, **values: Any
) -> Meeting:
    """Edit a meeting: before it is closed everything of ``meeting_schedule`` except the
    kind and the roster; afterwards only the place, the minutes and the resolutions."""
    _manage(access, meeting)
    m = _locked(meeting)
    if m.status == MeetingStatus.CANCELLED:
        raise ValidationError({"status": "会议已取消，不能修改"})
    allowed = {"place", "minutes", "resolutions", "online"}
    if m.status == MeetingStatus.PLANNED:
        allowed |= {"topic", "starts_at", "ends_at", "host", "recorder", "lecturer", "agenda"}
    unknown = set(values) - allowed
    if unknown:
        raise ValidationError({"status": "会议已记录完成，只能修改地点、会议记录和决议事项"})
    errors: dict[str, str] = {}
    if "topic" in values and not (values["topic"] or "").strip():
        errors["topic"] = "请填写会议主题"
    starts = values.get("starts_at", m.starts_at)
    ends = values.get("ends_at", m.ends_at)
    if ends <= starts:
        errors["ends_at"] = "结束时间必须晚于开始时间"
    elif ends - starts > MAX_LENGTH:
        errors["ends_at"] = "一次会议不能超过12小时"
    for label in ("host", "recorder"):
        if label in values:
            _branch_person(m.branch, values[label], label, errors)
    if values.get("lecturer") is not None and values["lecturer"].hospital_id != m.hospital_id:
        errors["lecturer"] = "授课人须为本院人员"
    if "minutes" in values:
        values["minutes"] = sanitise_minutes(values["minutes"])
        if len(values["minutes"]) > MINUTES_MAX:
            errors["minutes"] = "会议记录过长（超过5万字）"
    if errors:
        raise ValidationError(errors)
    for name, value in values.items():
        setattr(m, name, value.strip() if isinstance(value, str) else value)
    if "starts_at" in values or "ends_at" in values:
        set_checkin_window(m)
    m.save()
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=m,
        fields=sorted(values),
    )
    return m


@transaction.atomic
def attendance_add(*, access: Access, meeting: Meeting, person: Person) -> Attendance:
    """Add someone of the branch to a meeting's roster (e.g. a member who moved in)."""
    _manage(access, meeting)
    m = _locked(meeting)
    _still_planned(m)
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
    return Attendance.objects.create(meeting=m, person=person, voting=voting)


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
    _manage(access, meeting)
    m = _locked(meeting)
    _still_planned(m)
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
        row.method = row.method or CheckinMethod.ROSTER
        row.checked_in_at = row.checked_in_at or timezone.now()
    else:
        row.method = ""
        row.checked_in_at = None
    row.save()
    return row


@transaction.atomic
def attendance_mark_rest_present(*, access: Access, meeting: Meeting) -> int:
    """The secretary's shortcut: everyone not yet checked in or marked is present."""
    _manage(access, meeting)
    m = _locked(meeting)
    _still_planned(m)
    return Attendance.objects.filter(meeting=m, status=AttendanceStatus.EXPECTED).update(
        status=AttendanceStatus.PRESENT, method=CheckinMethod.ROSTER, checked_in_at=timezone.now()
    )


class CheckinRefused(ValidationError):
    """A QR check-in that cannot be accepted (the message says why, in Chinese)."""


@transaction.atomic
def meeting_checkin(
    *, person: Person | None, meeting_id: int, token: str, now: datetime | None = None
) -> Attendance:
    """A member checks in from their phone by opening the meeting's QR link."""
    now = now or timezone.now()
    meeting = (
        Meeting.objects.select_for_update().select_related("branch").filter(pk=meeting_id).first()
    )
    if meeting is None or not code_matches(meeting, token):
        raise CheckinRefused(BAD_CODE)
    if person is None:
        raise CheckinRefused("当前账号未关联党员信息，无法签到")
    # The roster first: holding the code tells someone off the roster nothing of the
    # meeting (not even whether it is open, closed or cancelled).
    row = Attendance.objects.select_for_update().filter(meeting=meeting, person=person).first()
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


# --- closing ------------------------------------------------------------------------------------


@transaction.atomic
def meeting_close(
    *,
    access: Access,
    meeting: Meeting,
    minutes: str,
    resolutions: str = "",
    request: HttpRequest | None = None,
) -> tuple[Meeting, list[str]]:
    """Record a meeting as held: whoever has not checked in or been marked is absent; the
    quorum is counted; attendance earns and unexcused absence costs points (one entry per
    attendance row, so a meeting never pays twice); the lecturer of a 党课 earns the
    lecture's points. Returns the meeting and notes for the page (e.g. a cap reached)."""
    _manage(access, meeting)
    m = _locked(meeting)
    _still_planned(m)
    now = timezone.now()
    if m.starts_at > now:
        raise ValidationError({"status": "会议尚未开始，不能记录为已召开"})
    clean = sanitise_minutes(minutes)
    if not nh3.clean(clean, tags=set()).strip():
        raise ValidationError({"minutes": "请填写会议记录"})
    if len(clean) > MINUTES_MAX:
        raise ValidationError({"minutes": "会议记录过长（超过5万字）"})
    Attendance.objects.filter(meeting=m, status=AttendanceStatus.EXPECTED).update(
        status=AttendanceStatus.ABSENT
    )
    rows = list(Attendance.objects.filter(meeting=m).select_related("person").order_by("pk"))
    m.minutes = clean
    m.resolutions = (resolutions or "").strip()[:5000]
    m.status = MeetingStatus.HELD
    m.closed_at = now
    m.closed_by_id = access.user_id
    quorum_of = meeting_rule_of(m).quorum_of
    if quorum_of != QuorumOf.NONE:
        voters = [r for r in rows if r.voting] if quorum_of == QuorumOf.VOTERS else rows
        m.voters_expected = len(voters)
        m.voters_present = sum(1 for r in voters if r.status == AttendanceStatus.PRESENT)
        m.quorate = m.voters_present * 2 > m.voters_expected
    m.by_secretary = bool(
        m.kind == MeetingKind.LECTURE and m.lecturer_id and m.lecturer_id == m.branch.secretary_id
    )
    m.save()
    notes = _award_attendance(access, m, rows)
    tallies_refresh([m.branch], m.day.year, timezone.localdate())
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=m,
        closed=True,
        present=sum(1 for r in rows if r.status == AttendanceStatus.PRESENT),
        expected=len(rows),
        quorate=m.quorate,
    )
    return m, notes


def _award_attendance(access: Access, m: Meeting, rows: list[Attendance]) -> list[str]:  # noqa: C901
    """Points of a closed meeting, one batch (hongfan.points: points_award_many)."""
    if m.kind == MeetingKind.TALK:
        return []
    rules = active_rules(m.hospital_id, [ATTEND_RULE, ABSENT_RULE, LECTURE_RULE])
    day = m.day
    requests: list[AwardRequest] = []
    targets: list[Attendance | None] = []  # None: the lecturer's award
    notes: list[str] = []
    for row in rows:
        p = row.person
        if p.political_status not in MEMBER_STATUSES or p.status != PersonStatus.ACTIVE:
            continue
        if row.status == AttendanceStatus.PRESENT and ATTEND_RULE in rules:
            code, source = ATTEND_RULE, "attendance"
        elif row.status == AttendanceStatus.ABSENT and ABSENT_RULE in rules:
            code, source = ABSENT_RULE, "absence"
        else:
            continue
        requests.append(
            AwardRequest(
                p,
                rules[code],
                day,
                source,
                str(row.pk),
                reason=f"{m.get_kind_display()}：{m.topic}"[:200],
            )
        )
        targets.append(row)
    lecturer = m.lecturer
    if (
        m.kind == MeetingKind.LECTURE
        and lecturer is not None
        and LECTURE_RULE in rules
        and lecturer.political_status in MEMBER_STATUSES
        and lecturer.status == PersonStatus.ACTIVE
    ):
        requests.append(
            AwardRequest(
                lecturer,
                rules[LECTURE_RULE],
                day,
                "lecture",
                str(m.pk),
                reason=f"讲授党课：{m.topic}"[:200],
            )
        )
        targets.append(None)
    missing = {ATTEND_RULE, ABSENT_RULE} - set(rules)
    if missing:
        notes.append("本院积分目录中没有“" + "、".join(sorted(missing)) + "”规则，相应出勤未计积分")
    if not requests:
        return notes
    # The meeting's own roster may include people the closer does not manage (never: the
    # roster is the branch's), so the batch runs on the module's behalf.
    results = points_award_many(access=None, awards=requests)
    capped = 0
    linked = []
    for target, result in zip(targets, results, strict=True):
        if target is not None and result.entry is not None:
            target.points_entry = result.entry
            linked.append(target)
        if result.entry is None and result.capped_by:
            capped += 1
    Attendance.objects.bulk_update(linked, ["points_entry"], batch_size=500)
    if capped:
        notes.append(f"{capped}人已达积分上限，本次未计分")
    return notes


@transaction.atomic
def meeting_cancel(
    *, access: Access, meeting: Meeting, reason: str, request: HttpRequest | None = None
) -> Meeting:
    _manage(access, meeting)
    m = _locked(meeting)
    if m.status != MeetingStatus.PLANNED:
        raise ValidationError({"status": "只能取消尚未召开的会议"})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写取消原因"})
    m.status = MeetingStatus.CANCELLED
    m.cancel_reason = reason[:200]
    m.save()
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=m,
        cancelled=True,
    )
    return m


@transaction.atomic
def meeting_file_add(*, access: Access, meeting: Meeting, upload: UploadedFile) -> MeetingFile:
    """A photo or document of the meeting (JPEG/PNG/WebP/PDF/Word/Excel by content, and a
    name that agrees); photos are stored re-encoded, without their EXIF (GPS included)."""
    _manage(access, meeting)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError({"file": "会议已取消，不能上传附件"})
    if MeetingFile.objects.filter(meeting=meeting).count() >= 20:
        raise ValidationError({"file": "每次会议最多20个附件"})
    try:
        checked = upload_check(upload, FILE_TYPES, accepts=FILE_ACCEPTS)
    except UploadRefused as exc:
        raise ValidationError({"file": str(exc)}) from None
    row = MeetingFile(
        meeting=meeting,
        name=checked.name,  # the user's name made safe, ending in the true extension
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by_id=access.user_id,
    )
    # A name of our own on disk; a photo is the re-encoded one, without its EXIF (GPS).
    row.file.save(f"{secrets.token_hex(12)}.{checked.kind}", checked.content, save=False)
    row.save()
    return row


# --- 民主评议党员 ---------------------------------------------------------------------------------


def appraisal_candidates(branch: Branch) -> tuple[list[Person], list[Person]]:
    """(full members, who are graded; probationary members, who take part ungraded)."""
    members = list(_active_members(branch).order_by("pk"))
    full = [p for p in members if p.political_status == PoliticalStatus.MEMBER]
    probationary = [p for p in members if p.political_status == PoliticalStatus.PROBATIONARY]
    return full, probationary


def excellent_limit(graded: int) -> int:
    """优秀 may be at most one third of those graded."""
    return graded // 3


@transaction.atomic
def appraisal_record(  # noqa: C901
    *,
    access: Access,
    branch: Branch,
    year: int,
    grades: dict[int, str],
    notes: dict[int, str] | None = None,
    meeting: Meeting | None = None,
    final: bool = False,
    request: HttpRequest | None = None,
) -> tuple[Appraisal, list[str]]:
    """Save the grades of a branch's 民主评议 for a year (a draft can be saved again); with
    ``final`` the grades are fixed and feed the points. Every full member must be graded,
    probationary members are not, 优秀 ≤ one third of those graded."""
    if not access.manages_branch(branch.pk, branch.hospital_id):
        raise PermissionDenied("只能评议本支部的党员")
    appraisal = Appraisal.objects.select_for_update().filter(branch=branch, year=year).first()
    if appraisal is not None and appraisal.status == AppraisalStatus.FINAL:
        raise ValidationError({"year": f"{year}年度的民主评议已确定，不能再修改"})
    errors: dict[str, list[str]] = {}

    def error(field: str, message: str) -> None:
        if message not in errors.setdefault(field, []):
            errors[field].append(message)

    if year < 2000 or year > timezone.localdate().year:
        error("year", "评议年度无效")
    full, probationary = appraisal_candidates(branch)
    full_ids = {p.pk for p in full}
    probationary_ids = {p.pk for p in probationary}
    for pid, grade in grades.items():
        if grade not in Grade.values:
            error("grades", "评议等次只能是优秀、合格、基本合格或不合格")
        elif pid in probationary_ids:
            error("grades", "预备党员参加评议但不确定等次")
        elif pid not in full_ids:
            error("grades", "只能评议本支部的正式党员")
    if final:
        missing = [p.name for p in full if p.pk not in grades]
        if missing:
            more = f"等{len(missing)}人" if len(missing) > 10 else ""
            error("grades", "尚未评定等次：" + "、".join(missing[:10]) + more)
    # Every full member is graded in the end: the third is of all of them.
    excellent = sum(1 for g in grades.values() if g == Grade.EXCELLENT)
    limit = excellent_limit(len(full))
    if excellent > limit:
        error(
            "grades",
            f"评为优秀的{excellent}人，超过参评正式党员{len(full)}人的三分之一（最多{limit}人）",
        )
    if meeting is not None and (
        meeting.branch_id != branch.pk or meeting.kind != MeetingKind.APPRAISAL
    ):
        error("meeting", "请选择本支部的民主评议党员会议")
    if errors:
        raise ValidationError(errors)
    if appraisal is None:
        appraisal = Appraisal.objects.create(
            hospital_id=branch.hospital_id, branch=branch, year=year
        )
    appraisal.meeting = meeting
    AppraisalGrade.objects.filter(appraisal=appraisal).delete()
    notes = notes or {}
    AppraisalGrade.objects.bulk_create(
        [
            AppraisalGrade(
                appraisal=appraisal, person_id=pid, grade=g, note=notes.get(pid, "")[:200]
            )
            for pid, g in grades.items()
        ]
    )
    messages: list[str] = []
    if final:
        appraisal.status = AppraisalStatus.FINAL
        appraisal.decided_on = timezone.localdate()
        appraisal.decided_by_id = access.user_id
        messages = _award_grades(appraisal, grades, {p.pk: p for p in full})
    appraisal.save()
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=appraisal,
        final=final,
        graded=len(grades),
        excellent=excellent,
    )
    return appraisal, messages


def _award_grades(
    appraisal: Appraisal, grades: dict[int, str], people: dict[int, Person]
) -> list[str]:
    rules = active_rules(appraisal.hospital_id, [EXCELLENT_RULE, UNQUALIFIED_RULE])
    day = min(date(appraisal.year, 12, 31), timezone.localdate())
    requests = []
    for pid, grade in grades.items():
        code = {Grade.EXCELLENT: EXCELLENT_RULE, Grade.UNQUALIFIED: UNQUALIFIED_RULE}.get(
            Grade(grade)
        )
        if code and code in rules:
            requests.append(
                AwardRequest(
                    people[pid],
                    rules[code],
                    day,
                    "appraisal",
                    f"{appraisal.pk}:{pid}",
                    reason=f"{appraisal.year}年民主评议：{Grade(grade).label}",
                )
            )
    if requests:
        points_award_many(access=None, awards=requests)
    missing = {EXCELLENT_RULE, UNQUALIFIED_RULE} - set(rules)
    if missing and any(g in (Grade.EXCELLENT, Grade.UNQUALIFIED) for g in grades.values()):
        return ["本院积分目录中没有民主评议的积分规则，等次未计入积分"]
    return []


def grade_counts(grades: Iterable[str]) -> dict[str, int]:
    out = {g: 0 for g in Grade.values}
    for g in grades:
        out[g] = out.get(g, 0) + 1
    return out
