"""Reading a question-bank upload (题库导入) into rows: the columns of the template and the
names they may go by, the cells as text, and the table read from Excel (.xlsx) or CSV
(UTF-8 / GB18030) through ``core.spreadsheets``."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hongfan.core import spreadsheets
from hongfan.core.spreadsheets import EDGE_WHITESPACE, SheetFormat, Table
from hongfan.org.imports.roster_parsing import RowError

DATA_SHEET = "题库"
MAX_ROWS = 5000
MAX_SHOWN_ERRORS = 200
TEXT_MAX = 500
OPTION_MAX = 200
EXPLANATION_MAX = 1000
TOPIC_MAX = 40
OPTION_LETTERS = "ABCDEF"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False
    help: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def template_header(self) -> str:
        return self.label + ("*" if self.required else "")


COLUMNS: tuple[Column, ...] = (
    Column(
        "kind",
        "题型",
        True,
        "单选题、多选题、判断题（也可写 单选、多选、判断）",
        ("类型", "题目类型"),
    ),
    Column(
        "topic",
        "主题",
        True,
        f"如 党的理论、医德医风；不超过{TOPIC_MAX}个字，本院没有的主题会自动新建",
    ),
    Column("difficulty", "难度", True, "1、2、3（或 易、中、难）", ("难易程度", "难易度")),
    Column(
        "text",
        "题目",
        True,
        f"题干，不超过{TEXT_MAX}个字；同一题库中不能重复",
        ("题干", "试题", "题目内容"),
    ),
    *(
        Column(
            f"option_{c.lower()}",
            f"选项{c}",
            False,
            "单选、多选题至少填写选项A、B，依次填写不可跳过；判断题不填" if c == "A" else "",
            (f"{c}", f"{c}选项", f"选项{c}内容"),
        )
        for c in OPTION_LETTERS
    ),
    Column(
        "answer",
        "正确答案",
        True,
        "单选题填一个字母（如 B）；多选题填两个及以上字母（如 ACD）；判断题填“对”或“错”",
        ("答案", "标准答案", "参考答案"),
    ),
    Column(
        "explanation",
        "解析",
        False,
        f"答题后向党员展示，不超过{EXPLANATION_MAX}个字",
        ("答案解析", "试题解析"),
    ),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}


class ImportInvalid(Exception):
    """The file cannot be imported: ``message`` says why, ``errors`` lists row problems."""

    def __init__(self, message: str, errors: Sequence[RowError] = (), rows: int = 0):
        super().__init__(message)
        self.message = message
        self.errors = list(errors)
        self.total = len(self.errors)
        self.rows = rows

    @property
    def shown(self) -> list[RowError]:
        return self.errors[:MAX_SHOWN_ERRORS]


# --- cells -------------------------------------------------------------------------------------------

_WS_RE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "对" if value else "错"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip(EDGE_WHITESPACE)


def fold(text: str) -> str:
    return _WS_RE.sub("", unicodedata.normalize("NFKC", text))


def header_key(value: Any) -> str:
    key = fold(cell_text(value)).upper()
    key = re.sub(r"\(.*?\)|（.*?）|\[.*?\]|【.*?】", "", key)
    return key.replace("*", "")


HEADER_LOOKUP = {
    header_key(text): col
    for col in COLUMNS
    for text in (col.label, col.template_header, *col.aliases)
}


def _is_header_row(values: Sequence[Any]) -> bool:
    return sum(1 for v in values if header_key(v) in HEADER_LOOKUP) >= 3


def same_text(text: str) -> str:
    """What makes two questions the same: their words, whatever the spacing or width."""
    return fold(text)


# --- reading -----------------------------------------------------------------------------------------


_SHEET_FORMAT = SheetFormat(
    sheet=DATA_SHEET,
    header_hint="题型、主题、难度、题目、选项A……正确答案",
    is_header=_is_header_row,
    row_noun="道题",
)


def question_read(*, filename: str, data: bytes) -> Table:
    return spreadsheets.read_table(
        filename, data, _SHEET_FORMAT, error=ImportInvalid, max_rows=MAX_ROWS
    )
