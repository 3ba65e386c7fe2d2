"""The Word document of 组织生活's records: the house style of core.docx with a few layout
helpers, and the minutes (sanitised HTML, ``services.meetings.sanitise_minutes``) turned into
Word paragraphs and runs, never copied in as tags."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from hongfan.core.docx import (
    BODY_FONT,
    RECORD_MARGINS,
    TABLE_FONT,
    TITLE_FONT,
    document_bytes,
    new_document,
    set_font,
)

MONTHS_CN = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]


BLANK = "＿＿＿＿"


# Characters XML 1.0 does not allow (python-docx would refuse them): a pasted control
# character in a topic must not make the export fail.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


_FILE_BAD = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')


def clean_text(text: Any) -> str:
    return _XML_BAD.sub("", str(text or ""))


def safe_filename(name: str) -> str:
    return _FILE_BAD.sub("", name)[:80]


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
    html = clean_text(html)
    if "<" not in html:
        return [Block(runs=[Run(line.strip())]) for line in html.splitlines() if line.strip()]
    parser = _MinutesParser()
    parser.feed(html)
    parser.close()
    return parser.blocks


def text_blocks(text: str) -> list[Block]:
    return [
        Block(runs=[Run(line.strip())]) for line in clean_text(text).splitlines() if line.strip()
    ]


@dataclass
class _Grid:
    """A table and the widths of its columns (cm), given to every row's cells."""

    table: Any
    widths: list[float]


class Doc:
    """A document in the house style of core.docx (A4, the record margins, the 公文 fonts)
    with a few layout helpers."""

    def __init__(self, title: str) -> None:
        from docx.oxml.ns import qn

        self.qn = qn
        self.document = new_document(clean_text(title)[:200], margins=RECORD_MARGINS, author="")

    # runs and paragraphs

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
            set_font(p.add_run(clean_text(text)), font, size, bold=bold)
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
        from docx.table import _Cell

        # add_row gives each cell its grid column's width (set by ``table``); the cells are
        # wrapped directly, a new row having no spans to resolve (``row.cells`` walks them).
        row = grid.table.add_row()
        if height:
            row.height = Cm(height)
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        return [_Cell(tc, grid.table) for tc in row._tr.tc_lst]

    def merge_across(self, cells: list[Any], first: int, last: int) -> Any:
        """Cells ``first``..``last`` of a new row as one cell spanning their grid columns: what
        python-docx's ``merge`` makes of empty cells of one row, without its walk over the
        whole table (~4 ms a merge, thousands in a yearbook)."""
        from docx.shared import Emu

        tc = cells[first]._tc
        width = sum(c.width for c in cells[first : last + 1])
        for other in cells[first + 1 : last + 1]:
            other._tc.getparent().remove(other._tc)
        tc.grid_span = last - first + 1
        tc.width = Emu(width)
        return cells[first]

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
            set_font(p.add_run(clean_text(text)), TABLE_FONT, size, bold=bold)
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
                set_font(p.add_run(block.prefix), TABLE_FONT, size)
            for r in block.runs:
                if r.brk:
                    p.add_run().add_break(WD_BREAK.LINE)
                    continue
                if r.text:
                    set_font(
                        p.add_run(clean_text(r.text)),
                        TABLE_FONT,
                        size,
                        bold=r.bold,
                        italic=r.italic,
                        underline=r.underline,
                        strike=r.strike,
                    )

    def save(self) -> bytes:
        return document_bytes(self.document)
