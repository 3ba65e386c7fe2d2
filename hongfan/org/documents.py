"""The 文书 of 发展党员, generated as Word files (presentation only): the 公示 of an 入党积极分子
or a 发展对象, and the cover and basic data of the 入党志愿书 (the form itself is the
printed one issued by the Party committee; this fills in what the record already knows)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from hongfan.core.dates import chinese_date
from hongfan.core.docx import (
    BODY_FONT,
    TABLE_FONT,
    TITLE_FONT,
    document_bytes,
    new_document,
    set_font,
)
from hongfan.org.choices import DevelopmentPaper
from hongfan.org.models import Development

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
NOTICE_WORKDAYS = 5  # a 公示 lasts 5 working days


def _t(value: Any) -> str:
    return _XML_BAD.sub("", str(value or ""))


@dataclass(frozen=True)
class PaperData:
    """What a paper shows, read by the view's selector (no reads here)."""

    development: Development
    posted_on: date  # the day a notice goes up (the step's day, else today)
    ends_on: date  # the last day of a notice (5 working days)
    contact: str = ""  # 培养联系人 (the note of that step)


def _para(document: Any, text: str, *, size: float = 16, bold: bool = False, align: Any = None,
          font: str = BODY_FONT, indent: bool = False) -> Any:  # fmt: skip
    from docx.shared import Pt

    p = document.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.line_spacing = Pt(28)
    set_font(p.add_run(_t(text)), font, size, bold=bold)
    return p


def _rows(dev: Development) -> list[tuple[str, str]]:
    p = dev.person
    return [
        ("姓名", p.name),
        ("性别", p.get_gender_display()),
        ("民族", p.ethnicity),
        ("出生年月", f"{p.birth_date:%Y年%m月}"),
        ("学历", p.get_education_display() if p.education else ""),
        ("科室", p.department.name if p.department_id and p.department else ""),
        ("岗位/职务", p.post),
        ("职称", p.title),
        ("所在党支部", dev.branch.name),
        ("递交入党申请书时间", chinese_date(dev.applied_on)),
        ("确定为入党积极分子时间", chinese_date(dev.activist_on) if dev.activist_on else ""),
        ("确定为发展对象时间", chinese_date(dev.candidate_on) if dev.candidate_on else ""),
        ("入党介绍人", dev.introducers),
    ]


def _table(document: Any, rows: list[tuple[str, str]]) -> None:
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        set_font(cells[0].paragraphs[0].add_run(_t(label)), TABLE_FONT, 12, bold=True)
        set_font(cells[1].paragraphs[0].add_run(_t(value) or "—"), TABLE_FONT, 12)


def notice_docx(data: PaperData, *, candidate: bool) -> bytes:
    """关于拟确定……的公示: who, the facts the branch relies on, 5 working days to object."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    dev = data.development
    what = "发展对象" if candidate else "入党积极分子"
    title = f"关于拟将{dev.person.name}同志确定为{what}的公示"
    document = new_document(title, author=dev.hospital.name)
    _para(document, title, size=22, font=TITLE_FONT, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(
        document,
        f"经{dev.branch.name}支部委员会研究，拟将{dev.person.name}同志确定为{what}。"
        "根据《中国共产党发展党员工作细则》，现将有关情况公示如下：",
        indent=True,
    )
    rows = _rows(dev)
    if not candidate:
        rows = [r for r in rows if r[0] not in ("确定为发展对象时间", "入党介绍人")]
        if data.contact:
            rows.append(("培养联系人", data.contact))
    _table(document, rows)
    _para(
        document,
        f"公示时间：{chinese_date(data.posted_on)}至{chinese_date(data.ends_on)}"
        f"（{NOTICE_WORKDAYS}个工作日）。",
        indent=True,
    )
    _para(
        document,
        "公示期间，党员和群众可通过来信、来电、来访等方式向支部委员会或医院党委反映情况。"
        "反映情况应实事求是，以个人名义反映的请署真实姓名。",
        indent=True,
    )
    _para(document, "联系电话：＿＿＿＿＿＿＿＿", indent=True)
    _para(document, f"中共{dev.hospital.name}{dev.branch.name}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(document, chinese_date(data.posted_on), align=WD_ALIGN_PARAGRAPH.RIGHT)
    return document_bytes(document)


def volunteer_cover_docx(data: PaperData) -> bytes:
    """The 入党志愿书's cover (name, branch) and the basic data the record already holds, to
    copy into the printed form."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK

    dev = data.development
    document = new_document(f"{dev.person.name}入党志愿书", author=dev.hospital.name)
    for _ in range(4):
        _para(document, "")
    _para(document, "中国共产党", size=26, font=TITLE_FONT, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(document, "入党志愿书", size=36, font=TITLE_FONT, align=WD_ALIGN_PARAGRAPH.CENTER)
    for _ in range(6):
        _para(document, "")
    for label, value in (
        ("姓　　名", dev.person.name),
        ("所在支部", dev.branch.name),
        ("所在单位", dev.hospital.name),
        ("填写日期", chinese_date(data.posted_on)),
    ):
        _para(document, f"{label}：{value}", size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    _para(document, "基本情况", size=18, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _table(document, _rows(dev))
    _para(document, "")
    _para(
        document,
        "以上信息由发展党员记录生成，请核对后工整填入党委统一印制的《入党志愿书》。",
        size=12,
    )
    return document_bytes(document)


def paper_docx(data: PaperData, paper: str) -> tuple[bytes, str]:
    """The Word file of ``paper`` and its download name."""
    name = data.development.person.name
    if paper == DevelopmentPaper.ACTIVIST_NOTICE:
        return notice_docx(data, candidate=False), f"{name}入党积极分子公示.docx"
    if paper == DevelopmentPaper.CANDIDATE_NOTICE:
        return notice_docx(data, candidate=True), f"{name}发展对象公示.docx"
    if paper == DevelopmentPaper.VOLUNTEER_COVER:
        return volunteer_cover_docx(data), f"{name}入党志愿书封面及基本信息.docx"
    raise ValueError(f"unknown paper {paper!r}")
