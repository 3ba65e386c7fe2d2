"""A branch's whole year as a .docx, the “支部工作记录本”: cover, the year's compliance, a
table of contents by month, every held meeting on a page of its own, and the year's
民主评议党员 result.

Pure functions returning bytes; the views check who may export and audit it."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.utils import timezone

from hongfan.core.dates import chinese_date
from hongfan.core.dates import today as local_today
from hongfan.core.docx import TABLE_FONT, TITLE_FONT
from hongfan.org.models import Branch, CommitteeSeat
from hongfan.orglife.choices import (
    AppraisalStatus,
    AttendanceStatus,
    Compliance,
    Grade,
    MeetingKind,
    MeetingStatus,
)
from hongfan.orglife.documents.meetings import meeting_record, name_of
from hongfan.orglife.documents.word import (
    MONTHS_CN,
    Doc,
    safe_filename,
)
from hongfan.orglife.models import Meeting
from hongfan.orglife.selectors.appraisal import appraisal_find, appraisal_grades
from hongfan.orglife.selectors.compliance import branch_compliance
from hongfan.orglife.selectors.meetings import current_committee, meetings_of_year

YEARBOOK_TITLE = "支部工作记录本"


def yearbook_filename(branch: Branch, year: int) -> str:
    return f"{safe_filename(branch.name)}{year}年{YEARBOOK_TITLE}.docx"


def _pct(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def _committee_line(seats: list[CommitteeSeat]) -> str:
    return "、".join(f"{s.person.name}（{s.get_role_display()}）" for s in seats)


def _cover(doc: Doc, branch: Branch, year: int, day: date) -> None:
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
        ("支部书记", name_of(secretary)),
        ("支部委员", _committee_line([s for s in seats if s.role != "secretary"]) or "未设支委会"),
        ("打印日期", chinese_date(day)),
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


def _summary(doc: Doc, branch: Branch, year: int, day: date, meetings: list[Meeting]) -> None:  # noqa: C901
    reqs, row = branch_compliance(branch, year, day)
    doc.heading(f"{year}年度组织生活开展情况")
    doc.para(f"统计截至{chinese_date(min(day, date(year, 12, 31)))}。", size=12, space_after=6)

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


def _contents(doc: Doc, meetings: list[Meeting], numbers: dict[int, int]) -> None:
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
            merged = doc.merge_across(cells, 0, len(cells) - 1)
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


def _appraisal(doc: Doc, branch: Branch, year: int) -> None:
    appraisal = appraisal_find(branch, year)
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
            f"评议会议：{chinese_date(appraisal.meeting.day)}{appraisal.meeting.get_kind_display()}"
            f"（{appraisal.meeting.topic}）"
        )
    if appraisal.decided_on is not None:
        facts.append(f"确定日期：{chinese_date(appraisal.decided_on)}")
    for line in facts:
        doc.para(line, size=12)
    grades = appraisal_grades(appraisal)
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
    meetings = meetings_of_year(branch, year)
    held = [m for m in meetings if m.status == MeetingStatus.HELD]
    numbers = {m.pk: i for i, m in enumerate(held, start=1)}
    doc = Doc(f"{branch.name}{year}年{YEARBOOK_TITLE}")
    _cover(doc, branch, year, day)
    doc.page_break()
    _summary(doc, branch, year, day, meetings)
    doc.page_break()
    _contents(doc, meetings, numbers)
    for m in held:
        doc.page_break()
        meeting_record(doc, m, branch, list(m.attendance.all()), number=numbers[m.pk])
    _appraisal(doc, branch, year)
    return doc.save()
