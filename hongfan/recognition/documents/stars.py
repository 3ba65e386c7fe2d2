"""The announcement of 季度之星 in Word (python-docx): presentation only; the list it prints
and who may read it come from ``selectors.stars``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.dates import chinese_date, today
from hongfan.core.docx import (
    BODY_FONT,
    TABLE_FONT,
    TITLE_FONT,
    document_bytes,
    new_document,
    set_font,
)
from hongfan.points.periods import QUARTER_CN
from hongfan.recognition.models import StarSelection, StarStatus
from hongfan.recognition.selectors.stars import (
    committee_name,
    points_text,
    selection_label,
    star_list,
    star_reads_all,
)

OBJECTION_LINE = "公示期间如有异议，请向医院党委反映。"


@dataclass(frozen=True)
class Announcement:
    content: bytes
    filename: str
    title: str
    count: int  # the stars listed


def announcement_title(selection: StarSelection) -> str:
    head = f"{selection.hospital.name}{selection_label(selection)}“季度之星”"
    if selection.status == StarStatus.CONFIRMED:
        return head + "名单"
    return head + "评选结果公示"


class _Writer:
    """An A4 official document (公文 margins and fonts) being written."""

    def __init__(self, title: str) -> None:
        self.document = new_document(title)

    def heading(self, text: str) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        heading = self.document.add_paragraph()
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        heading.paragraph_format.space_after = Pt(16)
        set_font(heading.add_run(text), TITLE_FONT, 22)

    def para(self, text: str, *, align: Any = None, indent: bool = True, size: float = 16) -> None:
        from docx.shared import Pt

        p = self.document.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        p.paragraph_format.line_spacing = Pt(28)
        set_font(p.add_run(text), BODY_FONT, size)

    def blank(self) -> None:
        self.document.add_paragraph()

    def table(self, headers: tuple[str, ...], rows: list[tuple[str, ...]], widths: Any) -> None:
        """A bordered, centred table; the first, second and last columns centred."""
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        table = self.document.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text, width in zip(table.rows[0].cells, headers, widths, strict=True):
            cell.width = width
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            set_font(cell.paragraphs[0].add_run(text), TABLE_FONT, 12, bold=True)
        centred = {0, 1, len(headers) - 1}
        for values in rows:
            cells = table.add_row().cells
            for j, (cell, text, width) in enumerate(zip(cells, values, widths, strict=True)):
                cell.width = width
                if j in centred:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
                set_font(cell.paragraphs[0].add_run(text), TABLE_FONT, 12)


def _introduction(selection: StarSelection, n: int, label: str) -> str:
    if selection.status == StarStatus.CONFIRMED:
        return (
            f"根据党员积分量化管理有关规定，经季度积分排名、资格审核、公示和医院党委研究，"
            f"确定以下{n}名同志为{label}“季度之星”。希望受表彰的同志珍惜荣誉、再接再厉，"
            f"全院党员以先进为榜样，在本职岗位上发挥先锋模范作用。"
        )
    return (
        f"根据党员积分量化管理有关规定，经季度积分排名、资格审核和医院党委研究，"
        f"拟确定以下{n}名同志为{label}“季度之星”，现予以公示。"
    )


def _notice_period(selection: StarSelection) -> str:
    days = selection.notice_workdays
    if not (selection.notice_start and selection.notice_end):
        return f"公示期：自公示之日起{days}个工作日。"
    period = (
        f"公示期：{chinese_date(selection.notice_start)}至{chinese_date(selection.notice_end)}"
        f"（{days}个工作日）。"
    )
    if selection.status == StarStatus.CONFIRMED:
        period = period[:-1] + "，已期满。"
    return period


def _signed_on(selection: StarSelection) -> Any:
    if selection.status == StarStatus.CONFIRMED and selection.confirmed_at is not None:
        return timezone.localtime(selection.confirmed_at).date()
    if selection.notice_start is not None:
        return selection.notice_start
    return today()


def _filename(selection: StarSelection) -> str:
    kind = {"draft": "草拟稿", "notice": "公示", "confirmed": "名单"}[selection.status]
    short = re.sub(r'[\\/:*?"<>|\s]+', "", selection.hospital.short_name or selection.hospital.name)
    return f"{short}{selection.year}年第{QUARTER_CN[selection.quarter]}季度季度之星{kind}.docx"


def star_announcement(access: Access, selection: StarSelection) -> Announcement:
    """The announcement as a .docx: title, introduction, the table 序号/姓名/支部/科室/季度积分,
    the notice period and where to object, signed by the hospital's Party committee. A draft
    (admins only) is marked 草拟稿. The page that serves it audits the export."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    if selection.status == StarStatus.DRAFT and not star_reads_all(access, selection.hospital_id):
        raise PermissionDenied("评选名单尚未公示")
    stars = star_list(selection)
    title = announcement_title(selection)
    if selection.status == StarStatus.DRAFT:
        title += "（草拟稿）"
    writer = _Writer(title)
    writer.heading(title)
    n = len(stars)
    writer.para(_introduction(selection, n, selection_label(selection)))
    writer.table(
        ("序号", "姓名", "支部", "科室", "季度积分"),
        [
            (
                str(i),
                star.person.name,
                star.branch.name if star.branch else "",
                star.person.department.name if star.person.department else "",
                points_text(star.points),
            )
            for i, star in enumerate(stars, start=1)
        ],
        (Cm(1.5), Cm(2.6), Cm(5.2), Cm(4.0), Cm(2.3)),
    )
    writer.blank()
    writer.para(_notice_period(selection))
    if selection.status != StarStatus.CONFIRMED:
        writer.para(OBJECTION_LINE)
    writer.blank()
    for text in (committee_name(selection.hospital), chinese_date(_signed_on(selection))):
        writer.para(text, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    return Announcement(document_bytes(writer.document), _filename(selection), title, n)
