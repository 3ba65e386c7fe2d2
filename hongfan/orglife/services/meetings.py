"""Writes of meetings: schedule a meeting and draw up its roster, edit it, close it (quorum,
points), cancel it, attach files."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from html import escape
from typing import Any

import nh3
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from hongfan.accounts.models import User
from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.locks import lock_one
from hongfan.core.notify import ORGLIFE, notify
from hongfan.core.uploads import FILE_TYPES, UploadRefused, upload_check
from hongfan.org.choices import MEMBER_STATUSES, BranchKind, PersonStatus
from hongfan.org.models import Branch, PartyGroup, Person
from hongfan.orglife.choices import AttendanceStatus, MeetingKind, MeetingStatus, QuorumOf
from hongfan.orglife.models import Attendance, Meeting, MeetingFile
from hongfan.orglife.selectors.attendance import default_roster
from hongfan.orglife.selectors.rules import meeting_rule_for, meeting_rule_of
from hongfan.orglife.services.compliance import tallies_refresh
from hongfan.points.rules import DED_ABSENT, ORG_LECTURE, ORG_MEETING
from hongfan.points.selectors.catalogue import active_rules
from hongfan.points.services.awarding import CodedAward, award_many_by_code

MAX_LENGTH = timedelta(hours=12)


MINUTES_MAX = 50_000  # characters of sanitised HTML


FILE_ACCEPTS = "照片（JPEG、PNG、WebP）、PDF、Word（.docx）或Excel（.xlsx）文件"


# Rich text of the minutes: what a secretary's editor produces, nothing that runs. The
# browser's editor writes each line typed after Enter as a ``div`` (Chrome, WeChat) or a
# ``p``: both are kept, so that the lines stay lines on the page and in the Word record.
MINUTES_TAGS = {
    "p", "div", "br", "b", "strong", "i", "em", "u", "s", "ol", "ul", "li", "h3", "h4",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "span",
}  # fmt: skip


def sanitise_minutes(html: str) -> str:
    """The minutes as safe HTML. Text without any tag (typed into a plain box, sent by the
    API) keeps its lines: each becomes a paragraph."""
    html = (html or "").replace("\x00", "")
    if "<" not in html and "\n" in html.strip():
        lines = [escape(line.strip()) for line in html.splitlines() if line.strip()]
        html = "".join(f"<p>{line}</p>" for line in lines)
    return nh3.clean(html, tags=MINUTES_TAGS, attributes={}, link_rel=None).strip()


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
    notify_scheduled(meeting)
    return meeting


# --- messages to the roster (hongfan.core.notify, delivered on commit) -----------------------


def meeting_when(m: Meeting) -> str:
    """ "12月05日 14:30，三楼会议室" — when and where, for a message."""
    where = "线上" if m.online and not m.place else (m.place or "地点另行通知")
    return f"{timezone.localtime(m.starts_at):%m月%d日 %H:%M}，{where}"


def notify_scheduled(m: Meeting, people: Sequence[Person] | None = None) -> int:
    """会议通知 to the roster (or to ``people`` added to it later: the same message, once)."""
    return notify_roster(
        m,
        title=f"会议通知：{m.get_kind_display()}",
        body=f"{meeting_when(m)}，{m.topic}",
        key=f"orglife.meeting:{m.pk}:scheduled",
        people=people,
    )


def notify_roster(
    m: Meeting,
    *,
    title: str,
    body: str,
    key: str,
    important: bool = False,
    people: Sequence[Person] | None = None,
) -> int:
    """A message to everyone on the meeting's roster (or only ``people`` of it), linking to
    the meeting's page; ``key`` makes it once per person."""
    users = User.objects.filter(is_active=True)
    if people is None:
        users = users.filter(person__meeting_attendance__meeting=m)
    else:
        users = users.filter(person__in=people)
    return notify(
        recipients=users,
        title=title,
        body=body,
        link=reverse("orglife:meeting", args=[m.pk]),
        category=ORGLIFE,
        key=key,
        important=important,
    )


# The checks every write of a meeting or its roster starts with (shared with
# services/attendance.py): the acting user manages the meeting's branch, the meeting row is
# locked, and its roster may still change.


def require_meeting_manager(access: Access, meeting: Meeting) -> None:
    """Only the branch's managers (its secretary, the hospital's admin) write its meetings."""
    if not access.manages_branch(meeting.branch_id, meeting.hospital_id):
        raise PermissionDenied("只能管理本支部的组织生活")


def meeting_lock(meeting: Meeting) -> Meeting:
    """The meeting's row, locked for the rest of the transaction."""
    return lock_one(Meeting.objects.select_related("branch"), meeting.pk)


def require_still_planned(meeting: Meeting) -> None:
    """A held or cancelled meeting's roster no longer changes."""
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
    require_meeting_manager(access, meeting)
    m = meeting_lock(meeting)
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
    before = (m.starts_at, m.ends_at, m.place, m.online)
    for name, value in values.items():
        setattr(m, name, value.strip() if isinstance(value, str) else value)
    if "starts_at" in values or "ends_at" in values:
        set_checkin_window(m)
    m.save()
    event = audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        actor_id=access.user_id,
        target=m,
        fields=sorted(values),
    )
    if m.status == MeetingStatus.PLANNED and before != (m.starts_at, m.ends_at, m.place, m.online):
        notify_roster(
            m,
            title=f"会议变更：{m.get_kind_display()}",
            body=f"{m.topic}改为{meeting_when(m)}",
            key=f"orglife.meeting:{m.pk}:changed:{event.pk}",
            important=True,
        )
    return m


@transaction.atomic
def meeting_close(
    *,
    access: Access,
    meeting: Meeting,
    minutes: str,
    resolutions: str = "",
    early: bool = False,
    request: HttpRequest | None = None,
) -> tuple[Meeting, list[str]]:
    """Record a meeting as held: whoever has not checked in or been marked is absent; the
    quorum is counted; attendance earns and unexcused absence costs points (one entry per
    attendance row, so a meeting never pays twice); the lecturer of a 党课 earns the
    lecture's points. Returns the meeting and notes for the page (e.g. a cap reached).

    A meeting still in progress (before its planned end) is closed only when the secretary
    confirms that it ended early (``early``): closing ends the QR check-in and marks everyone
    not yet checked in absent."""
    require_meeting_manager(access, meeting)
    m = meeting_lock(meeting)
    require_still_planned(m)
    now = timezone.now()
    if m.starts_at > now:
        raise ValidationError({"status": "会议尚未开始，不能记录为已召开"})
    if now < m.ends_at and not early:
        ends = timezone.localtime(m.ends_at)
        raise ValidationError(
            {
                "early": f"会议预定{ends:%H:%M}结束，现在仍在进行中：完成记录后签到即关闭，"
                "未签到的人将记为缺席。如会议已提前结束，请勾选确认后再完成"
            }
        )
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
    """Points of a closed meeting, one batch (hongfan.points: award_many_by_code); an award
    whose rule the hospital has not adopted is left out (None), and the note says so."""
    if m.kind == MeetingKind.TALK:
        return []
    day = m.day
    requests: list[CodedAward] = []
    targets: list[Attendance | None] = []  # None: the lecturer's award
    notes: list[str] = []
    for row in rows:
        p = row.person
        if p.political_status not in MEMBER_STATUSES or p.status != PersonStatus.ACTIVE:
            continue
        if row.status == AttendanceStatus.PRESENT:
            code, source = ORG_MEETING, "attendance"
        elif row.status == AttendanceStatus.ABSENT:
            code, source = DED_ABSENT, "absence"
        else:
            continue
        requests.append(
            CodedAward(
                p,
                code,
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
        and lecturer.political_status in MEMBER_STATUSES
        and lecturer.status == PersonStatus.ACTIVE
    ):
        requests.append(
            CodedAward(
                lecturer,
                ORG_LECTURE,
                day,
                "lecture",
                str(m.pk),
                reason=f"讲授党课：{m.topic}"[:200],
            )
        )
        targets.append(None)
    # Said whether or not anyone's attendance needed the missing rule (as the page always has).
    missing = {ORG_MEETING, DED_ABSENT} - set(
        active_rules(m.hospital_id, [ORG_MEETING, DED_ABSENT])
    )
    if missing:
        notes.append("本院积分目录中没有“" + "、".join(sorted(missing)) + "”规则，相应出勤未计积分")
    if not requests:
        return notes
    # The meeting's own roster may include people the closer does not manage (never: the
    # roster is the branch's), so the batch runs on the module's behalf.
    results = award_many_by_code(access=None, awards=requests)
    capped = 0
    linked = []
    for target, result in zip(targets, results, strict=True):
        if result is None:  # no such rule in the hospital's catalogue: nothing was written
            continue
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
    require_meeting_manager(access, meeting)
    m = meeting_lock(meeting)
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
    notify_roster(
        m,
        title=f"会议取消：{m.get_kind_display()}",
        body=f"原定{timezone.localtime(m.starts_at):%m月%d日 %H:%M}的“{m.topic}”已取消：{m.cancel_reason}",
        key=f"orglife.meeting:{m.pk}:cancelled",
        important=True,
    )
    return m


@transaction.atomic
def meeting_file_add(*, access: Access, meeting: Meeting, upload: UploadedFile) -> MeetingFile:
    """A photo or document of the meeting (JPEG/PNG/WebP/PDF/Word/Excel by content, and a
    name that agrees); photos are stored re-encoded, without their EXIF (GPS included)."""
    require_meeting_manager(access, meeting)
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
