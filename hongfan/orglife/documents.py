"""Word records of 组织生活, for paper filing: one meeting's record laid out like the
“党支部会议记录” form secretaries file, and a branch's whole year, the “支部工作记录本”
(cover, the year's compliance, a table of contents by month, every held meeting on a page
of its own, and the year's 民主评议党员 result).

Pure functions returning the bytes of a .docx; the views check who may export and audit
it. The minutes are sanitised HTML (``services.sanitise_minutes``): they are turned into
Word paragraphs and runs here, never copied in as tags.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from hongfan.core.dates import today as local_today
from hongfan.core.dates import year_bounds
from hongfan.org.models import Branch, CommitteeSeat
from hongfan.orglife import selectors
from hongfan.orglife.choices import (
    AppraisalStatus,
    AttendanceStatus,
    Compliance,
    Grade,
    MeetingKind,
    MeetingStatus,
    QuorumOf,
)
from hongfan.orglife.models import Appraisal, AppraisalGrade, Attendance, Meeting
from hongfan.orglife.selectors import meeting_rule_of
from hongfan.orglife.services import current_committee

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
TABLE_FONT = "宋体"

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
YEARBOOK_TITLE = "支部工作记录本"
WEEKDAYS = "一二三四五六日"
MONTHS_CN = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
BLANK = "＿＿＿＿"

# Characters XML 1.0 does not allow (python-docx would refuse them): a pasted control
# character in a topic must not make the export fail.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FILE_BAD = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')


def _clean(text: Any) -> str:
    return _XML_BAD.sub("", str(text or ""))


def record_title(kind: str) -> str:
    return RECORD_TITLES.get(kind, "会议记录")


def _cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _safe(name: str) -> str:
    return _FILE_BAD.sub("", name)[:80]


def meeting_filename(meeting: Meeting) -> str:
    """``2026-11-25_支部党员大会记录.docx``."""
    return f"{meeting.day:%Y-%m-%d}_{record_title(meeting.kind)}.docx"


def yearbook_filename(branch: Branch, year: int) -> str:
    return f"{_safe(branch.name)}{year}年{YEARBOOK_TITLE}.docx"


def when_text(meeting: Meeting) -> str:
    """``2026年11月25日（星期三）14:30—16:00``."""
    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting.ends_at)
    head = f"{_cn_date(start.date())}（星期{WEEKDAYS[start.weekday()]}）{start:%H:%M}—"
    if end.date() != start.date():
        return head + f"{_cn_date(end.date())}{end:%H:%M}"
    return head + f"{end:%H:%M}"


# --- the minutes: sanitised HTML -> paragraphs and runs --------------------------------------


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False
    strike: bool = False
    brk: bool = False  # a line break (<br>) before nothing: ``text`` is empty


@dataclass
class Block:
    """One paragraph of the minutes: a paragraph, a list item, a heading, a quote, a row."""

    kind: str = "p"
    prefix: str = ""
    level: int = 0  # list nesting
    runs: list[Run] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.prefix + "".join("\n" if r.brk else r.text for r in self.runs)


_BLOCK_TAGS = {"p", "li", "h3", "h4", "blockquote", "tr", "div"}


class _MinutesParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.current: Block | None = None
        self.lists: list[list[Any]] = []  # [tag, counter]
        self.depth = {"b": 0, "i": 0, "u": 0, "s": 0}
        self.cells = 0  # cells seen in the current table row
        self.quote = 0

    def _flush(self) -> None:
        block = self.current
        self.current = None
        if block is None:
            return
        # Trim the whitespace HTML leaves at the edges of a block.
        while block.runs and not block.runs[0].brk and not block.runs[0].text.strip():
            block.runs.pop(0)
        while block.runs and (block.runs[-1].brk or not block.runs[-1].text.strip()):
            block.runs.pop()
        if block.runs:
            block.runs[0].text = block.runs[0].text.lstrip()
            block.runs[-1].text = block.runs[-1].text.rstrip()
            self.blocks.append(block)

    def _start(self, kind: str) -> Block:
        current = self.current
        if kind in ("p", "div") and current is not None and current.kind == "li":
            if not "".join(r.text for r in current.runs).strip():
                return current  # <li><p>…</p></li>, as editors write list items
        self._flush()
        self.current = Block(kind="quote" if self.quote and kind == "p" else kind)
        return self.current

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: C901
        if tag in ("strong", "b", "th"):
            self.depth["b"] += 1
        elif tag in ("i", "em"):
            self.depth["i"] += 1
        elif tag == "u":
            self.depth["u"] += 1
        elif tag in ("s", "strike", "del"):
            self.depth["s"] += 1
        if tag in ("ol", "ul"):
            self._flush()
            self.lists.append([tag, 0])
        elif tag == "li":
            block = self._start("li")
            if self.lists:
                self.lists[-1][1] += 1
                kind, n = self.lists[-1]
                block.prefix = f"{n}. " if kind == "ol" else "• "
                block.level = len(self.lists) - 1
            else:
                block.prefix = "• "
        elif tag == "blockquote":
            self._flush()
            self.quote += 1
        elif tag in ("p", "h3", "h4", "div"):
            self._start(tag)
        elif tag == "tr":
            self._start("tr")
            self.cells = 0
        elif tag in ("td", "th"):
            if self.current is None:
                self._start("tr")
            elif self.cells:
                self.current.runs.append(Run("　"))
            self.cells += 1
        elif tag == "br":
            if self.current is None:
                self._start("p")
            assert self.current is not None
            self.current.runs.append(Run("", brk=True))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("strong", "b", "th"):
            self.depth["b"] = max(0, self.depth["b"] - 1)
        elif tag in ("i", "em"):
            self.depth["i"] = max(0, self.depth["i"] - 1)
        elif tag == "u":
            self.depth["u"] = max(0, self.depth["u"] - 1)
        elif tag in ("s", "strike", "del"):
            self.depth["s"] = max(0, self.depth["s"] - 1)
        if tag in ("ol", "ul"):
            self._flush()
            if self.lists:
                self.lists.pop()
        elif tag == "blockquote":
            self._flush()
            self.quote = max(0, self.quote - 1)
        elif tag in _BLOCK_TAGS or tag == "table":
            self._flush()

    def handle_data(self, data: str) -> None:
        text = re.sub(r"\s+", " ", data)
        if self.current is None:
            if not text.strip():
                return
            self._start("p")
        assert self.current is not None
        self.current.runs.append(
            Run(
                text,
                bold=self.depth["b"] > 0 or self.current.kind in ("h3", "h4"),
                italic=self.depth["i"] > 0,
                underline=self.depth["u"] > 0,
                strike=self.depth["s"] > 0,
            )
        )

    def close(self) -> None:
        super().close()
        self._flush()


def minutes_blocks(html: str) -> list[Block]:
    """The paragraphs of the minutes. Text without any tag (older records, plain input) is
    split at its line ends."""
    html = _clean(html)
    if "<" not in html:
        return [Block(runs=[Run(line.strip())]) for line in html.splitlines() if line.strip()]
    parser = _MinutesParser()
    parser.feed(html)
    parser.close()
    return parser.blocks


def _lines(text: str) -> list[Block]:
    return [Block(runs=[Run(line.strip())]) for line in _clean(text).splitlines() if line.strip()]


# --- the document ------------------------------------------------------------------------------


@dataclass
class _Grid:
    """A table and the widths of its columns (cm), given to every row's cells."""

    table: Any
    widths: list[float]


class _Doc:
    """A python-docx document with the house fonts and a few layout helpers."""

    def __init__(self, title: str) -> None:
        import docx
        from docx.oxml.ns import qn
        from docx.shared import Cm

        self.qn = qn
        self.document = docx.Document()
        section = self.document.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        section.top_margin, section.bottom_margin = Cm(2.8), Cm(2.6)
        section.left_margin, section.right_margin = Cm(2.6), Cm(2.4)
        normal = self.document.styles["Normal"]
        normal.font.name = BODY_FONT  # type: ignore[attr-defined]
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)  # type: ignore[attr-defined]
        self.document.core_properties.title = _clean(title)[:200]
        self.document.core_properties.author = ""

    # runs and paragraphs

    def font(
        self,
        run: Any,
        name: str,
        size: float,
        *,
        bold: bool = False,
        italic: bool = False,
        underline: bool = False,
        strike: bool = False,
    ) -> None:
        from docx.shared import Pt

        run.font.name = name
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.italic = italic or None
        run.font.underline = underline or None
        run.font.strike = strike or None
        run._element.get_or_add_rPr().get_or_add_rFonts().set(self.qn("w:eastAsia"), name)

    def para(
        self,
        text: str = "",
        *,
        font: str = BODY_FONT,
        size: float = 14,
        bold: bool = False,
        align: str = "",
        space_after: float = 0,
        container: Any = None,
    ) -> Any:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        p = (container or self.document).add_paragraph()
        if align:
            p.alignment = getattr(WD_ALIGN_PARAGRAPH, align)
        p.paragraph_format.space_after = Pt(space_after)
        if text:
            self.font(p.add_run(_clean(text)), font, size, bold=bold)
        return p

    def title(self, text: str, *, size: float = 20) -> Any:
        return self.para(text, font=TITLE_FONT, size=size, align="CENTER", space_after=6)

    def heading(self, text: str) -> Any:
        return self.para(text, font=TABLE_FONT, size=16, bold=True, align="CENTER", space_after=10)

    def page_break(self) -> None:
        from docx.enum.text import WD_BREAK

        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # tables

    def table(self, widths: list[float]) -> _Grid:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.shared import Cm

        table = self.document.add_table(rows=0, cols=len(widths))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)  # the grid, which fixed-layout readers follow
        return _Grid(table, widths)

    def row(self, grid: _Grid, *, height: float = 0) -> list[Any]:
        from docx.enum.table import WD_ROW_HEIGHT_RULE
        from docx.shared import Cm

        row = grid.table.add_row()
        for cell, width in zip(row.cells, grid.widths, strict=True):
            cell.width = Cm(width)
        if height:
            row.height = Cm(height)
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        return list(row.cells)

    def cell_text(
        self,
        cell: Any,
        text: str,
        *,
        bold: bool = False,
        align: str = "",
        size: float = 12,
        shade: bool = False,
    ) -> None:
        from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement

        p = cell.paragraphs[0]
        if align:
            p.alignment = getattr(WD_ALIGN_PARAGRAPH, align)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        if text:
            self.font(p.add_run(_clean(text)), TABLE_FONT, size, bold=bold)
        if shade:
            shd = OxmlElement("w:shd")
            shd.set(self.qn("w:val"), "clear")
            shd.set(self.qn("w:color"), "auto")
            shd.set(self.qn("w:fill"), "F2F2F2")
            cell._tc.get_or_add_tcPr().append(shd)

    def cell_blocks(self, cell: Any, blocks: list[Block], *, size: float = 12) -> None:
        """Paragraphs of rich text in a cell (the first reuses the cell's empty paragraph)."""
        from docx.enum.text import WD_BREAK
        from docx.shared import Cm, Pt

        for i, block in enumerate(blocks):
            p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            p.paragraph_format.space_after = Pt(2)
            if block.kind == "li":
                p.paragraph_format.left_indent = Cm(0.6 * (block.level + 1))
                p.paragraph_format.first_line_indent = Cm(-0.5)
            elif block.kind == "quote":
                p.paragraph_format.left_indent = Cm(0.8)
            if block.prefix:
                self.font(p.add_run(block.prefix), TABLE_FONT, size)
            for r in block.runs:
                if r.brk:
                    p.add_run().add_break(WD_BREAK.LINE)
                    continue
                if r.text:
                    self.font(
                        p.add_run(_clean(r.text)),
                        TABLE_FONT,
                        size,
                        bold=r.bold,
                        italic=r.italic,
                        underline=r.underline,
                        strike=r.strike,
                    )

    def save(self) -> bytes:
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()


# --- one meeting -------------------------------------------------------------------------------

_WIDTHS = [2.8, 5.2, 2.8, 5.2]  # label, value, label, value (cm): 16 cm of text width


def _name(person: Any) -> str:
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


def _meeting_record(  # noqa: C901, PLR0915
    doc: _Doc, meeting: Meeting, branch: Branch, rows: list[Attendance], *, number: int = 0
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
        merged = cells[1].merge(cells[3])
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
    pair("主持人", _name(meeting.host), "记录人", _name(meeting.recorder))
    if meeting.kind == MeetingKind.LECTURE:
        full("授课人", _name(meeting.lecturer))

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
    agenda = _lines(meeting.agenda)
    if agenda or held:
        full("议程", agenda or "无")
    else:
        full("议程", "", height=2.0)
    if held:
        full("会议内容", minutes_blocks(meeting.minutes), height=6.0)
        full("决议事项", _lines(meeting.resolutions) or "无")
    else:
        full("会议内容", "", height=12.0)
        full("决议事项", "", height=3.0)

    doc.para()
    doc.para(f"主持人签字：{BLANK}{BLANK}　　　　记录人签字：{BLANK}{BLANK}", size=14)


def meeting_docx(meeting: Meeting) -> bytes:
    """One meeting's record as a .docx. A meeting not held yet is a blank form for the day
    with its roster (status “会议尚未召开”)."""
    rows = selectors.roster(meeting)
    doc = _Doc(f"{meeting.branch.name}{record_title(meeting.kind)}")
    _meeting_record(doc, meeting, meeting.branch, rows)
    return doc.save()


# --- the year: 支部工作记录本 --------------------------------------------------------------------


def _pct(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def _year_meetings(branch: Branch, year: int) -> list[Meeting]:
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


def _committee_line(seats: list[CommitteeSeat]) -> str:
    return "、".join(f"{s.person.name}（{s.get_role_display()}）" for s in seats)


def _cover(doc: _Doc, branch: Branch, year: int, day: date) -> None:
    as_of = min(date(year, 12, 31), day)
    committee = current_committee(branch, as_of)
    seats: list[CommitteeSeat] = (
        list(committee.seats.select_related("person").order_by("role", "person_id"))
        if committee is not None
        else []
    )
    secretary = next((s.person for s in seats if s.role == "secretary"), None) or branch.secretary
    for _ in range(5):
        doc.para()
    doc.title(YEARBOOK_TITLE, size=36)
    doc.para(f"（{year}年度）", font=TITLE_FONT, size=22, align="CENTER", space_after=60)
    for _ in range(4):
        doc.para()
    lines = [
        ("党支部", branch.name),
        ("所属医院", branch.hospital.name),
        ("年　　度", f"{year}年"),
        ("支部书记", _name(secretary)),
        ("支部委员", _committee_line([s for s in seats if s.role != "secretary"]) or "未设支委会"),
        ("打印日期", _cn_date(day)),
    ]
    table = doc.table([3.2, 9.8])
    from docx.oxml import OxmlElement

    borders = OxmlElement("w:tblBorders")  # a cover without grid lines
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        e = OxmlElement(f"w:{edge}")
        e.set(doc.qn("w:val"), "nil")
        borders.append(e)
    table.table._tbl.tblPr.append(borders)
    for key, value in lines:
        cells = doc.row(table, height=1.1)
        doc.cell_text(cells[0], f"{key}：", bold=True, size=15, align="RIGHT")
        doc.cell_text(cells[1], value, size=15)


def _summary(doc: _Doc, branch: Branch, year: int, day: date, meetings: list[Meeting]) -> None:  # noqa: C901
    reqs, row = selectors.branch_compliance(branch, year, day)
    doc.heading(f"{year}年度组织生活开展情况")
    doc.para(f"统计截至{_cn_date(min(day, date(year, 12, 31)))}。", size=12, space_after=6)

    doc.para("一、落实频次要求情况", font=TABLE_FONT, size=14, bold=True, space_after=4)
    if reqs:
        table = doc.table([3.2, 2.8, 1.8, 1.8, 4.2, 2.2])
        head = doc.row(table)
        for cell, text in zip(
            head, ("项目", "频次要求", "已完成", "已逾期", "逾期周期", "待开展"), strict=True
        ):
            doc.cell_text(cell, text, bold=True, align="CENTER", size=11, shade=True)
        for r in reqs:
            cells = row.cells.get(r.key, [])
            if cells and all(c.status == Compliance.NOT_APPLICABLE for c in cells):
                values = (r.label, r.rule_text, "—", "—", "不适用", "—")
            else:
                cells = [c for c in cells if c.status != Compliance.NOT_APPLICABLE]
                done = sum(1 for c in cells if c.status == Compliance.DONE)
                overdue = [c for c in cells if c.status == Compliance.OVERDUE]
                due = sum(1 for c in cells if c.status == Compliance.DUE)
                values = (
                    r.label,
                    r.rule_text,
                    f"{done}/{len(cells)}",
                    str(len(overdue)),
                    "、".join(c.label for c in overdue) or "无",
                    str(due),
                )
            for i, (cell, text) in enumerate(zip(doc.row(table), values, strict=True)):
                doc.cell_text(cell, text, size=11, align="" if i in (0, 4) else "CENTER")
    else:
        doc.para("本年度未设定组织生活频次要求。", size=12)

    held = [m for m in meetings if m.status == MeetingStatus.HELD]
    rows = [a for m in held for a in m.attendance.all()]
    present = sum(1 for a in rows if a.status == AttendanceStatus.PRESENT)
    leave = sum(1 for a in rows if a.status == AttendanceStatus.LEAVE)
    doc.para()
    doc.para("二、出勤情况", font=TABLE_FONT, size=14, bold=True, space_after=4)
    doc.para(
        f"全年召开会议{len(held)}次，应到{len(rows)}人次，实到{present}人次，"
        f"请假{leave}人次，缺席{len(rows) - present - leave}人次，"
        f"出勤率{_pct(present, len(rows))}。",
        size=12,
    )

    doc.para()
    doc.para("三、各类会议次数", font=TABLE_FONT, size=14, bold=True, space_after=4)
    held_by = Counter(m.kind for m in held)
    cancelled_by = Counter(m.kind for m in meetings if m.status == MeetingStatus.CANCELLED)
    present_by: Counter[str] = Counter()
    expected_by: Counter[str] = Counter()
    for m in held:
        for a in m.attendance.all():
            expected_by[m.kind] += 1
            present_by[m.kind] += a.status == AttendanceStatus.PRESENT
    table = doc.table([5.0, 3.0, 3.0, 4.0])
    for cell, text in zip(doc.row(table), ("会议类型", "已召开", "已取消", "出勤率"), strict=True):
        doc.cell_text(cell, text, bold=True, align="CENTER", size=11, shade=True)
    for kind, label in MeetingKind.choices:
        if not held_by[kind] and not cancelled_by[kind]:
            continue
        kind_row = (
            label,
            f"{held_by[kind]}次",
            f"{cancelled_by[kind]}次",
            _pct(present_by[kind], expected_by[kind]),
        )
        for i, (cell, text) in enumerate(zip(doc.row(table), kind_row, strict=True)):
            doc.cell_text(cell, text, size=11, align="" if i == 0 else "CENTER")
    total = (
        "合计",
        f"{len(held)}次",
        f"{sum(cancelled_by.values())}次",
        _pct(present, len(rows)),
    )
    for i, (cell, text) in enumerate(zip(doc.row(table), total, strict=True)):
        doc.cell_text(cell, text, size=11, bold=True, align="" if i == 0 else "CENTER")


def _contents(doc: _Doc, meetings: list[Meeting], numbers: dict[int, int]) -> None:
    doc.heading("目　　录")
    if not meetings:
        doc.para("本年度没有组织生活记录。", size=12, align="CENTER")
        return
    table = doc.table([1.4, 3.0, 3.6, 6.0, 2.0])
    for cell, text in zip(doc.row(table), ("序号", "日期", "类型", "主题", "备注"), strict=True):
        doc.cell_text(cell, text, bold=True, align="CENTER", size=11, shade=True)
    month = 0
    for m in meetings:
        local = timezone.localtime(m.starts_at)
        if local.month != month:
            month = local.month
            cells = doc.row(table)
            merged = cells[0].merge(cells[-1])
            doc.cell_text(merged, f"{MONTHS_CN[month - 1]}月", bold=True, size=11)
        if m.status == MeetingStatus.HELD:
            number, note = str(numbers[m.pk]), ""
        elif m.status == MeetingStatus.CANCELLED:
            number, note = "", MeetingStatus.CANCELLED.label
        else:
            number, note = "", "尚未召开"
        values = (number, f"{local.month}月{local.day}日", m.get_kind_display(), m.topic, note)
        for i, (cell, text) in enumerate(zip(doc.row(table), values, strict=True)):
            doc.cell_text(cell, text, size=11, align="" if i == 3 else "CENTER")


def _appraisal(doc: _Doc, branch: Branch, year: int) -> None:
    appraisal = Appraisal.objects.filter(branch=branch, year=year).select_related("meeting").first()
    if appraisal is None:
        return
    doc.page_break()
    doc.heading(f"{year}年度民主评议党员结果")
    if appraisal.status != AppraisalStatus.FINAL:
        doc.para("本年度民主评议党员尚未确定等次（草稿），确定后再行归档。", size=12)
        return
    facts = []
    if appraisal.meeting is not None:
        facts.append(
            f"评议会议：{_cn_date(appraisal.meeting.day)}{appraisal.meeting.get_kind_display()}"
            f"（{appraisal.meeting.topic}）"
        )
    if appraisal.decided_on is not None:
        facts.append(f"确定日期：{_cn_date(appraisal.decided_on)}")
    for line in facts:
        doc.para(line, size=12)
    grades = list(
        AppraisalGrade.objects.filter(appraisal=appraisal).select_related("person").order_by("pk")
    )
    doc.para()
    table = doc.table([1.6, 3.6, 3.4, 7.4])
    for cell, text in zip(doc.row(table), ("序号", "姓名", "评议等次", "说明"), strict=True):
        doc.cell_text(cell, text, bold=True, align="CENTER", size=11, shade=True)
    for i, g in enumerate(grades, start=1):
        values = (str(i), g.person.name, g.get_grade_display(), g.note)
        for j, (cell, text) in enumerate(zip(doc.row(table), values, strict=True)):
            doc.cell_text(cell, text, size=11, align="" if j == 3 else "CENTER")
    counts = Counter(g.grade for g in grades)
    doc.para()
    doc.para(
        f"参评正式党员{len(grades)}人，其中"
        + "，".join(f"{label}{counts[value]}人" for value, label in Grade.choices)
        + "。",
        size=12,
    )


def yearbook_docx(branch: Branch, year: int, *, today: date | None = None) -> bytes:
    """The branch's 支部工作记录本 of a year: cover, the year's compliance and attendance, a
    table of contents by month (cancelled meetings listed as 已取消), then every held meeting
    on a page of its own, and the year's 民主评议 result. A fixed number of queries, whatever
    the number of meetings."""
    day = today or local_today()
    meetings = _year_meetings(branch, year)
    held = [m for m in meetings if m.status == MeetingStatus.HELD]
    numbers = {m.pk: i for i, m in enumerate(held, start=1)}
    doc = _Doc(f"{branch.name}{year}年{YEARBOOK_TITLE}")
    _cover(doc, branch, year, day)
    doc.page_break()
    _summary(doc, branch, year, day, meetings)
    doc.page_break()
    _contents(doc, meetings, numbers)
    for m in held:
        doc.page_break()
        _meeting_record(doc, m, branch, list(m.attendance.all()), number=numbers[m.pk])
    _appraisal(doc, branch, year)
    return doc.save()


__all__ = [
    "DOCX_CONTENT_TYPE",
    "NOT_HELD",
    "RECORD_TITLES",
    "YEARBOOK_TITLE",
    "meeting_docx",
    "meeting_filename",
    "minutes_blocks",
    "record_title",
    "when_text",
    "yearbook_docx",
    "yearbook_filename",
]
