"""The certificate of volunteer service (志愿服务证明) as a Word file, in the house style of
core.docx (presentation only: the figures come from ``selectors.hours.certificate``)."""

from __future__ import annotations

from decimal import Decimal

from hongfan.core.dates import chinese_date
from hongfan.core.docx import BODY_FONT, TITLE_FONT, document_bytes, new_document, set_font
from hongfan.service.selectors.hours import Certificate


def hours_text(value: Decimal) -> str:
    """2.00 → "2", 2.50 → "2.5": hours as a person writes them."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def certificate_body(c: Certificate) -> str:
    """The certificate's sentence, shared by the page and the Word file."""
    since = ""
    if c.first_day and c.last_day:
        since = (
            f"于{chinese_date(c.first_day)}"
            if c.first_day == c.last_day
            else f"自{chinese_date(c.first_day)}至{chinese_date(c.last_day)}"
        ) + "，"
    what = "、".join(f"“{w}”" for w in c.what[:5])
    did = f"参加{what}等志愿服务活动" if what else "参加志愿服务活动"
    ident = f"（身份证号：{c.id_masked}）" if c.id_masked else ""
    where = f"，{c.department}" if c.department else ""
    return (
        f"兹证明{c.name}同志{ident}{where}，{since}{did}{c.activities}次，"
        f"经组织确认累计志愿服务时长{hours_text(c.hours)}小时。"
    )


def certificate_docx(c: Certificate) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = new_document(f"志愿服务证明 {c.name}")
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    set_font(p.add_run(f"编号：{c.number}"), BODY_FONT, 12)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(p.add_run("志愿服务证明"), TITLE_FONT, 22)
    doc.add_paragraph()
    p = doc.add_paragraph()
    set_font(p.add_run("\u3000\u3000" + certificate_body(c)), BODY_FONT, 16)
    p = doc.add_paragraph()
    set_font(p.add_run("\u3000\u3000特此证明。"), BODY_FONT, 16)
    for _ in range(3):
        doc.add_paragraph()
    for text in (c.issuer, chinese_date(c.issued_on)):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        set_font(p.add_run(text), BODY_FONT, 16)
    return document_bytes(doc)
