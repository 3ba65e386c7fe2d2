"""core.docx and the Chinese dates: the house style every Word export starts from."""

from __future__ import annotations

import io
from datetime import date

import docx
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from hongfan.core.dates import chinese_date, chinese_weekday
from hongfan.core.docx import (
    BODY_FONT,
    OFFICIAL_MARGINS,
    RECORD_MARGINS,
    TITLE_FONT,
    document_bytes,
    new_document,
    set_font,
)


def near(length: int | None, expected: int) -> bool:
    """Equal to a twip (Word stores margins in twentieths of a point)."""
    return length is not None and abs(length - expected) <= Pt(1) / 20


def test_chinese_dates_have_no_leading_zeros():
    assert chinese_date(date(2026, 3, 5)) == "2026年3月5日"
    assert chinese_date(date(2026, 11, 25)) == "2026年11月25日"


def test_chinese_weekdays():
    assert chinese_weekday(date(2026, 11, 25)) == "星期三"
    assert chinese_weekday(date(2026, 11, 29)) == "星期日"


def test_a_new_document_is_a4_with_the_margins_and_body_font():
    document = new_document("标题", margins=RECORD_MARGINS, author="")
    section = document.sections[0]
    assert near(section.page_height, Cm(29.7)) and near(section.page_width, Cm(21.0))
    got = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert all(near(a, Cm(b)) for a, b in zip(got, RECORD_MARGINS, strict=True))
    normal = document.styles["Normal"]
    assert normal.font.name == BODY_FONT
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == BODY_FONT
    assert (document.core_properties.title, document.core_properties.author) == ("标题", "")


def test_official_margins_are_the_default_and_the_author_is_left_alone():
    document = new_document("公示")
    assert near(document.sections[0].top_margin, Cm(OFFICIAL_MARGINS[0]))
    assert document.core_properties.author == docx.Document().core_properties.author


def test_set_font_covers_chinese_text_and_the_document_round_trips():
    document = new_document("公示")
    run = document.add_paragraph().add_run("季度之星")
    set_font(run, TITLE_FONT, 22, bold=True)
    assert (run.font.name, run.font.size, run.font.bold) == (TITLE_FONT, Pt(22), True)
    assert run.font.italic is None and run.font.underline is None and run.font.strike is None
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == TITLE_FONT
    again = docx.Document(io.BytesIO(document_bytes(document)))
    assert again.paragraphs[-1].text == "季度之星"
    assert again.core_properties.title == "公示"
