"""One meeting's record as a .docx, laid out like the “党支部会议记录” form secretaries
file (a blank form with the roster if the meeting has not been held yet).

Pure functions returning bytes; the views check who may export and audit it."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from hongfan.core.dates import chinese_date, chinese_weekday
from hongfan.org.models import Branch
from hongfan.orglife.choices import AttendanceStatus, MeetingKind, MeetingStatus, QuorumOf
from hongfan.orglife.documents.word import (
    BLANK,
    Block,
    Doc,
    Run,
    minutes_blocks,
    text_blocks,
)
from hongfan.orglife.models import Attendance, Meeting
from hongfan.orglife.selectors.attendance import roster
from hongfan.orglife.selectors.rules import meeting_rule_of

RECORD_TITLES: dict[str, str] = {
    MeetingKind.GENERAL: "支部党员大会记录",
    MeetingKind.COMMITTEE: "支委会记录",
    MeetingKind.GROUP: "党小组会记录",
    MeetingKind.LECTURE: "党课记录",
    MeetingKind.THEME_DAY: "主题党日活动记录",
    MeetingKind.LIFE: "组织生活会记录",
    MeetingKind.APPRAISAL: "民主评议党员会议记录",
    MeetingKind.TALK: "谈心谈话记录",
    MeetingKind.GROUP_STUDY: "集中学习记录",
}


NOT_HELD = "会议尚未召开"


def record_title(kind: str) -> str:
    return RECORD_TITLES.get(kind, "会议记录")


def meeting_filename(meeting: Meeting) -> str:
    """``2026-11-25_支部党员大会记录.docx``."""
    return f"{meeting.day:%Y-%m-%d}_{record_title(meeting.kind)}.docx"


def when_text(meeting: Meeting) -> str:
    """``2026年11月25日（星期三）14:30—16:00``."""
    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting.ends_at)
    head = f"{chinese_date(start.date())}（{chinese_weekday(start.date())}）{start:%H:%M}—"
    if end.date() != start.date():
        return head + f"{chinese_date(end.date())}{end:%H:%M}"
    return head + f"{end:%H:%M}"


_WIDTHS = [2.8, 5.2, 2.8, 5.2]  # label, value, label, value (cm): 16 cm of text width


def name_of(person: Any) -> str:
    return person.name if person is not None else ""


def _quorum_line(meeting: Meeting, rows: list[Attendance], held: bool) -> str:
    voters = [r for r in rows if r.voting]
    expected = meeting.voters_expected if meeting.voters_expected is not None else len(voters)
    if not held:
        return f"应到有表决权{expected}人，实到{BLANK}人，达到/未达到法定人数"
    present = (
        meeting.voters_present
        if meeting.voters_present is not None
        else sum(1 for r in voters if r.status == AttendanceStatus.PRESENT)
    )
    quorate = meeting.quorate if meeting.quorate is not None else present * 2 > expected
    return f"应到有表决权{expected}人，实到{present}人，{'达到' if quorate else '未达到'}法定人数"


def meeting_record(  # noqa: C901, PLR0915
    doc: Doc, meeting: Meeting, branch: Branch, rows: list[Attendance], *, number: int = 0
) -> None:
    """The paper form of one meeting: the title, the bordered table, the signatures."""
    held = meeting.status == MeetingStatus.HELD
    title = f"{branch.name}{record_title(meeting.kind)}"
    doc.title(title)
    note = [f"第{number}次记录"] if number else []
    if not held:
        note.append(NOT_HELD)
    if note:
        doc.para("（" + "，".join(note) + "）", size=12, align="CENTER", space_after=6)

    table = doc.table(_WIDTHS)

    def label(cell: Any, text: str) -> None:
        doc.cell_text(cell, text, bold=True, align="CENTER", shade=True)

    def full(text: str, value: str | list[Block], *, height: float = 0) -> None:
        cells = doc.row(table, height=height)
        label(cells[0], text)
        merged = doc.merge_across(cells, 1, 3)
        if isinstance(value, str):
            doc.cell_text(merged, value)
        else:
            doc.cell_blocks(merged, value)

    def pair(l1: str, v1: str, l2: str, v2: str) -> None:
        cells = doc.row(table)
        label(cells[0], l1)
        doc.cell_text(cells[1], v1)
        label(cells[2], l2)
        doc.cell_text(cells[3], v2)

    full("时间", when_text(meeting))
    place = meeting.place
    if meeting.online:
        place = f"{place}（线上）" if place else "线上"
    full("地点", place)
    if meeting.party_group_id and meeting.party_group is not None:
        full("党小组", meeting.party_group.name)
    pair("主持人", name_of(meeting.host), "记录人", name_of(meeting.recorder))
    if meeting.kind == MeetingKind.LECTURE:
        full("授课人", name_of(meeting.lecturer))

    if held:
        present = [r for r in rows if r.status == AttendanceStatus.PRESENT]
        leave = [r for r in rows if r.status == AttendanceStatus.LEAVE]
        absent = [
            r for r in rows if r.status in (AttendanceStatus.ABSENT, AttendanceStatus.EXPECTED)
        ]
        pair("应到人数", f"{len(rows)}人", "实到人数", f"{len(present)}人")
        pair("请假人数", f"{len(leave)}人", "缺席人数", f"{len(absent)}人")
        full("出席人员", "、".join(r.person.name for r in present) or "无")
        full(
            "请假人员",
            "；".join(
                f"{r.person.name}（{r.reason}）" if r.reason else r.person.name for r in leave
            )
            or "无",
        )
        full("缺席人员", "、".join(r.person.name for r in absent) or "无")
    else:
        pair("应到人数", f"{len(rows)}人", "实到人数", "")
        pair("请假人数", "", "缺席人数", "")
        full(
            "参会名单",
            [
                Block(runs=[Run("　".join(f"□{r.person.name}" for r in rows))]),
                Block(runs=[Run("（出席者在□内打√）")]),
            ],
        )
        full("请假人员", "", height=1.6)
        full("缺席人员", "", height=1.2)
    # A held meeting says whether its quorum was counted (voters_expected is set when it was
    # closed); a planned one asks its city's rule.
    counted = (
        meeting.voters_expected is not None
        if held
        else meeting_rule_of(meeting).quorum_of != QuorumOf.NONE
    )
    if counted:
        full("法定人数", _quorum_line(meeting, rows, held))
    full("会议主题", meeting.topic)
    agenda = text_blocks(meeting.agenda)
    if agenda or held:
        full("议程", agenda or "无")
    else:
        full("议程", "", height=2.0)
    if held:
        full("会议内容", minutes_blocks(meeting.minutes), height=6.0)
        full("决议事项", text_blocks(meeting.resolutions) or "无")
    else:
        full("会议内容", "", height=12.0)
        full("决议事项", "", height=3.0)

    doc.para()
    doc.para(f"主持人签字：{BLANK}{BLANK}　　　　记录人签字：{BLANK}{BLANK}", size=14)


def meeting_docx(meeting: Meeting) -> bytes:
    """One meeting's record as a .docx. A meeting not held yet is a blank form for the day
    with its roster (status “会议尚未召开”)."""
    rows = roster(meeting)
    doc = Doc(f"{meeting.branch.name}{record_title(meeting.kind)}")
    meeting_record(doc, meeting, meeting.branch, rows)
    return doc.save()
