"""The house style of every Word export (python-docx): A4 pages, the fonts of official
documents (公文), and runs whose Chinese text takes the font too (dates the Chinese way:
``core.dates.chinese_date``). Each app's ``documents`` module lays out its own document on top of these.
(``import docx`` in this module is python-docx: imports are absolute.)"""

from __future__ import annotations

from typing import Any

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
TABLE_FONT = "宋体"

# Page margins in cm: (top, bottom, left, right).
OFFICIAL_MARGINS = (3.7, 3.5, 2.8, 2.6)  # 公文 (GB/T 9704): announcements
RECORD_MARGINS = (2.8, 2.6, 2.6, 2.4)  # records and workbooks: more on a page


def new_document(
    title: str,
    *,
    margins: tuple[float, float, float, float] = OFFICIAL_MARGINS,
    author: str | None = None,
) -> Any:
    """An empty A4 document in the house style: the body font on the Normal style (its
    East Asian font too), the margins, and ``title`` (and ``author`` when given) in its
    properties."""
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Cm

    document = docx.Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    top, bottom, left, right = margins
    section.top_margin, section.bottom_margin = Cm(top), Cm(bottom)
    section.left_margin, section.right_margin = Cm(left), Cm(right)
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT  # type: ignore[attr-defined]
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)  # type: ignore[attr-defined]
    document.core_properties.title = title
    if author is not None:
        document.core_properties.author = author
    return document


# A run's formatting, built once per (font, size, bold, ...) and copied into each run: a
# yearbook sets ~30,000 runs, and python-docx's attribute-by-attribute path costs ~1 ms each.
_RUN_PROPERTIES: dict[tuple[str, float, bool, bool, bool, bool], Any] = {}


def set_font(
    run: Any,
    name: str,
    size: float,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    strike: bool = False,
) -> None:
    """A run's font, for Latin and Chinese text alike (``w:eastAsia``)."""
    from copy import deepcopy

    key = (name, size, bold, italic, underline, strike)
    element = run._element
    if element.rPr is not None:  # a run formatted already: set attribute by attribute
        _format_run(run, *key)
        return
    template = _RUN_PROPERTIES.get(key)
    if template is None:
        from docx.oxml import OxmlElement
        from docx.text.run import Run

        scratch = Run(OxmlElement("w:r"), None)  # type: ignore[arg-type]
        _format_run(scratch, *key)
        template = _RUN_PROPERTIES[key] = scratch._element.rPr
    element.insert(0, deepcopy(template))  # w:rPr is a run's first child


def _format_run(
    run: Any, name: str, size: float, bold: bool, italic: bool, underline: bool, strike: bool
) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic or None
    run.font.underline = underline or None
    run.font.strike = strike or None
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def document_bytes(document: Any) -> bytes:
    """The document saved, as the bytes a response sends."""
    import io

    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
