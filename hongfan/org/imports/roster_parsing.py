"""Roster (名册) import, step 1: reading an uploaded .xlsx/.csv into rows.

The columns the roster knows (with their aliases), the errors an import reports, and the
cell parsers (text, dates, ID numbers, mobiles, choices) shared by validation. roster_read
checks type and size and returns the cells; roster_validation checks them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl.utils.datetime import WINDOWS_EPOCH, from_excel

from hongfan.core.idcard import normalise_mobile
from hongfan.core.spreadsheets import EDGE_WHITESPACE, SheetFormat, Table, is_blank, read_table
from hongfan.org.choices import Education, Gender, PoliticalStatus
from hongfan.org.models import Person

MAX_SHOWN_ERRORS = 200  # errors shown on the page
MAX_KEPT_ERRORS = 10_000  # errors kept in memory (all are counted)


DATA_SHEET = "名册"
EXAMPLE_MARK = "示例"
MAX_ROWS = 100_000  # one upload; a bigger roster is split into several files
MAX_CELLS = MAX_ROWS * 30  # cells in the sheet, blank formatted ones included


# --- columns -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterColumn:
    key: str
    label: str  # canonical header, used in error messages and exports
    required: bool = False
    hint: str = ""  # shown in the template header, e.g. "是/否"
    help: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def template_header(self) -> str:
        text = self.label + ("*" if self.required else "")
        return f"{text}({self.hint})" if self.hint else text


_DATE_HELP = "日期，如 2024-03-05、2024/3/5、2024年3月5日、20240305"

COLUMNS: tuple[RosterColumn, ...] = (
    RosterColumn("name", "姓名", True, help="不超过30个字", aliases=("职工姓名", "人员姓名")),
    RosterColumn("gender", "性别", True, help="男 / 女"),
    RosterColumn("ethnicity", "民族", help="如 汉族、回族；留空按汉族"),
    RosterColumn(
        "birth_date",
        "出生日期",
        help=_DATE_HELP + "；留空则按身份证号推算，填写时须与身份证号一致",
        aliases=("出生年月日", "生日"),
    ),
    RosterColumn(
        "education",
        "学历",
        help="博士研究生、硕士研究生、大学本科、大学专科、中专及以下"
        "（也可写 博士、硕士、本科、专科、大专、中专）",
        aliases=("最高学历", "文化程度"),
    ),
    RosterColumn(
        "department",
        "科室",
        True,
        help="须与系统中本院科室名称一致（见“可选值”）",
        aliases=("所在科室", "部门", "科室名称"),
    ),
    RosterColumn("post", "岗位/职务", help="不超过50个字", aliases=("岗位", "职务", "岗位职务")),
    RosterColumn("title", "职称", help="不超过30个字", aliases=("专业技术职称",)),
    RosterColumn(
        "is_middle_cadre",
        "中层干部",
        hint="是/否",
        help="是 / 否，留空为否",
        aliases=("是否中层干部", "中层"),
    ),
    RosterColumn(
        "is_department_head",
        "科室负责人",
        hint="是/否",
        help="是 / 否，留空为否",
        aliases=("是否科室负责人",),
    ),
    RosterColumn(
        "political_status",
        "政治面貌",
        True,
        help="中共党员、中共预备党员、入党申请人/积极分子、群众、民主党派"
        "（也可写 党员、预备党员、积极分子；共青团员按群众导入；"
        "民革、民盟等及无党派人士按民主党派导入）",
    ),
    RosterColumn(
        "joined_on", "入党日期", help=_DATE_HELP + "；党员（含预备党员）必填", aliases=("入党时间",)
    ),
    RosterColumn(
        "full_member_on", "转正日期", help=_DATE_HELP + "；正式党员必填", aliases=("转正时间",)
    ),
    RosterColumn(
        "branch",
        "所在支部",
        help="党员必填；须与系统中本院支部名称一致（见“可选值”）",
        aliases=("支部", "党支部", "所在党支部"),
    ),
    RosterColumn(
        "party_group", "党小组", help="选填；须是所填支部下的党小组", aliases=("所在党小组",)
    ),
    RosterColumn(
        "id_number",
        "身份证号",
        True,
        help="18位，末位可为X；请将此列设为文本格式，同一医院不能重复",
        aliases=("身份证号码", "公民身份号码", "身份证"),
    ),
    RosterColumn(
        "mobile", "手机号", help="11位手机号，选填", aliases=("手机号码", "手机", "移动电话")
    ),
)
# Exported, and accepted on import (only 在职 people can be imported).
STATUS_COLUMN = RosterColumn(
    "status", "状态", help="在职（留空即在职）", aliases=("人员状态", "在职状态")
)
_ALL_COLUMNS = (*COLUMNS, STATUS_COLUMN)
COLUMN_BY_KEY = {c.key: c for c in _ALL_COLUMNS}
IGNORED_HEADERS = frozenset({"序号"})

# --- errors and results ----------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet shows it (header row = 1)
    column: str  # canonical header name, "" for the whole file
    message: str
    letter: str = ""  # spreadsheet column letter, "" when the column is missing

    @property
    def where(self) -> str:
        return f"{self.column}（{self.letter}列）" if self.letter else self.column


class RosterInvalid(Exception):
    """The file cannot be imported. ``message`` says why; ``errors`` lists row problems."""

    def __init__(
        self, message: str, errors: Sequence[RowError] = (), total: int | None = None, rows: int = 0
    ):
        super().__init__(message)
        self.message = message
        self.errors = list(errors)
        self.total = len(self.errors) if total is None else total
        self.rows = rows

    @property
    def shown(self) -> list[RowError]:
        return self.errors[:MAX_SHOWN_ERRORS]


RosterTable = Table  # the cells of an uploaded file, as ``roster_read`` returns them


# --- text helpers ----------------------------------------------------------------------------

_WS_RE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_AS_TEXT = "，请将身份证号列设为文本格式后重新填写"
_CJK_RE = re.compile(r"[\u3400-\u9fff]")


def _fold(text: str) -> str:
    """NFKC (full-width digits/letters/punctuation to ASCII) and drop every whitespace."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _WS_RE.sub("", text)


_ESCAPED_FORMULA = ("'=", "'+", "'-", "'@")  # core.exports.escape_cell, undone


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        if value.startswith(_ESCAPED_FORMULA):
            value = value[1:]  # our own export's escaping: the text as it was
        return value.strip(EDGE_WHITESPACE)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    return str(value).strip(EDGE_WHITESPACE)


def _header_key(text: Any) -> str:
    key = _fold(_cell_text(text))
    key = re.sub(r"\(.*?\)|\[.*?\]|【.*?】", "", key)
    return key.replace("*", "")


# --- value parsing -----------------------------------------------------------------------------


class BadValue(ValueError):
    """A cell that cannot be understood; ``str(exc)`` is the Chinese reason."""


_DATE_SEP_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_DATE_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL_RE = re.compile(r"^\d{5}(\.\d+)?$")
_TIME_SUFFIX_RE = re.compile(r"(?:T|\s)+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_SERIAL_MIN, _SERIAL_MAX = 10_000, 2_958_465  # 1927-05-18 .. 9999-12-31


def _ymd(y: str | int, m: str | int, d: str | int) -> date:
    try:
        return date(int(y), int(m), int(d))
    except ValueError as exc:
        raise BadValue("日期不存在（请检查年、月、日）") from exc


def _serial(number: float, epoch: datetime) -> date:
    if not _SERIAL_MIN <= number <= _SERIAL_MAX:
        raise BadValue("日期格式无法识别，请写成 2024-03-05 这样的格式")
    converted = from_excel(number, epoch=epoch)
    return converted.date() if isinstance(converted, datetime) else converted


def parse_roster_date(value: Any, *, epoch: datetime = WINDOWS_EPOCH) -> date | None:
    """A date from a cell: date/datetime cells, Excel serial numbers, 2024-03-05, 2024/3/5,
    2024.3.5, 2024年3月5日, 20240305; full-width digits and stray spaces are tolerated.
    Blank gives None; anything else raises ``BadValue``."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise BadValue("日期格式无法识别，请写成 2024-03-05 这样的格式")
    if isinstance(value, int | float):
        if 19000101 <= value <= 29991231 and float(value).is_integer():
            text = str(int(value))
            return _ymd(text[:4], text[4:6], text[6:])
        return _serial(float(value), epoch)
    text = str(value)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = _TIME_SUFFIX_RE.sub("", text.strip(EDGE_WHITESPACE))
    text = _WS_RE.sub("", text)
    if m := _DATE_SEP_RE.match(text):
        return _ymd(*m.groups())
    if m := _DATE_COMPACT_RE.match(text):
        return _ymd(*m.groups())
    if _SERIAL_RE.match(text):
        return _serial(float(text), epoch)
    raise BadValue("日期格式无法识别，请写成 2024-03-05 这样的格式")


def _number_text(value: Any) -> str:
    """Text of an ID/mobile cell; numeric cells become digit strings."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return _fold(_cell_text(value))


_FORCED_TEXT_RE = re.compile(r'^="(.*)"$')  # ="0123…", how some systems force text in CSV


def _unwrap(text: str) -> str:
    if m := _FORCED_TEXT_RE.match(text):
        text = m.group(1)
    return text.lstrip("'")


def normalise_roster_id_number(value: Any) -> str:
    return _unwrap(_number_text(value)).upper()


def normalise_roster_mobile(value: Any) -> str:
    text = _unwrap(_number_text(value))
    text = normalise_mobile(text)
    if len(text) == 13 and text.startswith("86"):
        text = text[2:]
    return text


def _choice_map(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {_fold(label).upper(): value for label, value in pairs}


GENDER_MAP = _choice_map(
    [
        *((label, value) for value, label in Gender.choices),
        ("男性", Gender.MALE),
        ("女性", Gender.FEMALE),
        ("M", Gender.MALE),
        ("F", Gender.FEMALE),
    ]
)
EDUCATION_MAP = _choice_map(
    [
        *((label, value) for value, label in Education.choices),
        ("博士", Education.DOCTOR),
        ("研究生(博士)", Education.DOCTOR),
        ("硕士", Education.MASTER),
        ("研究生", Education.MASTER),
        ("研究生(硕士)", Education.MASTER),
        ("本科", Education.BACHELOR),
        ("大学", Education.BACHELOR),
        ("专科", Education.COLLEGE),
        ("大专", Education.COLLEGE),
        ("中专", Education.SECONDARY),
        ("中专及以下", Education.SECONDARY),
        ("中技", Education.SECONDARY),
        ("技校", Education.SECONDARY),
        ("职高", Education.SECONDARY),
        ("高中", Education.SECONDARY),
        ("初中", Education.SECONDARY),
        ("小学", Education.SECONDARY),
    ]
)
_OTHER_PARTIES = (
    "民革",
    "民盟",
    "民建",
    "民进",
    "农工党",
    "致公党",
    "九三学社",
    "台盟",
    "民革党员",
    "民盟盟员",
    "民建会员",
    "民进会员",
    "农工党党员",
    "致公党党员",
    "九三学社社员",
    "台盟盟员",
    "民主党派成员",
    "民主党派人士",
    "无党派人士",
    "无党派",
)
POLITICAL_MAP = _choice_map(
    [
        *((label, value) for value, label in PoliticalStatus.choices),
        ("党员", PoliticalStatus.MEMBER),
        ("正式党员", PoliticalStatus.MEMBER),
        ("共产党员", PoliticalStatus.MEMBER),
        ("中国共产党党员", PoliticalStatus.MEMBER),
        ("中共正式党员", PoliticalStatus.MEMBER),
        ("预备党员", PoliticalStatus.PROBATIONARY),
        ("入党申请人", PoliticalStatus.APPLICANT),
        ("积极分子", PoliticalStatus.APPLICANT),
        ("入党积极分子", PoliticalStatus.APPLICANT),
        ("发展对象", PoliticalStatus.APPLICANT),
        ("共青团员", PoliticalStatus.MASSES),
        ("团员", PoliticalStatus.MASSES),
        *((name, PoliticalStatus.OTHER_PARTY) for name in _OTHER_PARTIES),
    ]
)
BOOL_MAP = {
    **dict.fromkeys(("是", "Y", "YES", "TRUE", "1", "√", "✓", "✔"), True),
    **dict.fromkeys(("否", "N", "NO", "FALSE", "0", "×", "✗", "✘"), False),
}
_ETHNICITY_MAX = Person._meta.get_field("ethnicity").max_length or 10
_LENGTHS = {
    "name": Person._meta.get_field("name").max_length or 30,
    "post": Person._meta.get_field("post").max_length or 50,
    "title": Person._meta.get_field("title").max_length or 30,
}

# --- reading files -----------------------------------------------------------------------------


def _build_header_lookup() -> dict[str, RosterColumn]:
    lookup: dict[str, RosterColumn] = {}
    for col in _ALL_COLUMNS:
        for text in (col.label, col.template_header, *col.aliases):
            lookup[_header_key(text)] = col
    return lookup


_HEADER_LOOKUP = _build_header_lookup()


def _is_header_row(values: Sequence[Any]) -> bool:
    return sum(1 for v in values if _header_key(v) in _HEADER_LOOKUP) >= 2


_SHEET_FORMAT = SheetFormat(
    sheet=DATA_SHEET,
    header_hint="姓名、性别、科室、政治面貌、身份证号……",
    is_header=_is_header_row,
    old_xls_message="不支持旧版 .xls 文件（或加密的 Excel 文件），"
    "请在 Excel/WPS 中“另存为” .xlsx 格式后再导入",
    max_cells=MAX_CELLS,
)


def roster_read(*, filename: str, data: bytes) -> RosterTable:
    """Check type (extension and content) and size, and read the cells of an .xlsx or .csv
    file. Raises ``RosterInvalid`` with a Chinese message on anything unreadable."""
    return read_table(filename, data, _SHEET_FORMAT, error=RosterInvalid, max_rows=MAX_ROWS)
