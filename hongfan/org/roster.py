"""Roster (名册) import and export.

Import is all-or-nothing: ``roster_read`` turns an uploaded .xlsx/.csv into a table,
``roster_validate`` checks every row against the rules ``services.person_validate`` applies
to a single person (plus the import-only ones: duplicates inside the file, unknown
departments/branches, unparseable values) and returns unsaved ``Person`` objects, and
``roster_import`` writes them in one transaction with one audit row. Lookups (departments,
branches, groups, existing ID hashes) are loaded once, so validation does no per-row query.

Export (``roster_export``) writes the filtered people list to .xlsx, masked unless a hospital
admin asks for full values (audited as a reveal), escaping spreadsheet formulas.
"""

from __future__ import annotations

import random
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any
from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import WINDOWS_EPOCH, from_excel

from hongfan.core import pii
from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.dates import today
from hongfan.core.idcard import (
    birth_date_from_id,
    id_number_error,
    make_id_number,
    mobile_error,
    normalise_mobile,
)
from hongfan.core.spreadsheet_templates import HEAD_FILL, HEAD_FONT, Template
from hongfan.core.spreadsheets import (
    EDGE_WHITESPACE,
    HELP_SHEET,
    OPTIONS_SHEET,
    SheetFormat,
    Table,
    is_blank,
    read_table,
)
from hongfan.org import selectors
from hongfan.org.choices import (
    MEMBER_STATUSES,
    Education,
    Gender,
    PersonStatus,
    PoliticalStatus,
)
from hongfan.org.models import Branch, Department, Hospital, PartyGroup, Person
from hongfan.org.rules import RuleNumbers, joining_age_error

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_SHOWN_ERRORS = 200  # errors shown on the page
MAX_KEPT_ERRORS = 10_000  # errors kept in memory (all are counted)
BATCH_SIZE = 2000
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


@dataclass
class RosterValidated:
    people: list[Person]
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RosterImportResult:
    count: int
    warnings: tuple[str, ...] = ()


# --- text helpers ----------------------------------------------------------------------------

_WS_RE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_AS_TEXT = "，请将身份证号列设为文本格式后重新填写"
_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _fold(text: str) -> str:
    """NFKC (full-width digits/letters/punctuation to ASCII) and drop every whitespace."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _WS_RE.sub("", text)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
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


def escape_cell(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV/formula injection) with a leading apostrophe."""
    if value and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def content_disposition(filename: str, *, fallback: str = "roster.xlsx") -> str:
    """RFC 6266 / 5987 attachment header with an ASCII fallback for old clients."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _safe_filename(name: str) -> str:
    """A file name fit for the audit trail: no path, no long digit runs (could be an ID)."""
    base = re.split(r"[\\/]", name or "")[-1][:100]
    return re.sub(r"\d{6,}[\dXx]*", "***", base)


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


# --- validation ----------------------------------------------------------------------------


class _Errors:
    def __init__(self) -> None:
        self.kept: list[RowError] = []
        self.total = 0

    def add(self, row: int, column: str, message: str, letter: str = "") -> None:
        self.total += 1
        if len(self.kept) < MAX_KEPT_ERRORS:
            self.kept.append(RowError(row, column, message, letter))


def _map_headers(
    table: RosterTable, errors: _Errors, ignore_unknown: bool
) -> tuple[dict[str, int], list[str]]:
    positions: dict[str, int] = {}
    warnings: list[str] = []
    unknown: list[str] = []
    for index, cell in enumerate(table.headers):
        header = _cell_text(cell)
        if not header:
            continue
        key = _header_key(header)
        letter = get_column_letter(index + 1)
        col = _HEADER_LOOKUP.get(key)
        if key in IGNORED_HEADERS:
            continue
        if col is None:
            unknown.append(header)
            if not ignore_unknown:
                errors.add(
                    table.header_row,
                    header,
                    "无法识别的列名，请改为模板中的列名，或删除此列，或勾选“忽略无法识别的列”",
                    letter,
                )
            continue
        if col.key in positions:
            errors.add(
                table.header_row,
                col.label,
                f"列名重复（与{get_column_letter(positions[col.key] + 1)}列重复）",
                letter,
            )
            continue
        positions[col.key] = index
    for col in COLUMNS:
        if col.required and col.key not in positions:
            errors.add(table.header_row, col.label, "缺少必填列")
    if unknown and ignore_unknown:
        warnings.append("已忽略无法识别的列：" + "、".join(unknown))
    return positions, warnings


@dataclass
class _Lookups:
    departments: dict[str, Department]
    branches: dict[str, Branch]
    groups: dict[tuple[int, str], list[PartyGroup]]
    group_branches: dict[str, set[int]]
    existing_hashes: set[str]

    @classmethod
    def load(cls, hospital: Hospital) -> _Lookups:
        departments = {_fold(d.name): d for d in Department.objects.filter(hospital=hospital)}
        branches = {_fold(b.name): b for b in Branch.objects.filter(hospital=hospital)}
        groups: dict[tuple[int, str], list[PartyGroup]] = {}
        group_branches: dict[str, set[int]] = {}
        for g in PartyGroup.objects.filter(branch__hospital=hospital).order_by("pk"):
            key = _fold(g.name)
            groups.setdefault((g.branch_id, key), []).append(g)
            group_branches.setdefault(key, set()).add(g.branch_id)
        hashes = set(
            Person.objects.filter(hospital=hospital)
            .exclude(id_number_hash="")
            .values_list("id_number_hash", flat=True)
        )
        return cls(departments, branches, groups, group_branches, hashes)


@dataclass
class _Row:
    """A row that passed validation; PII stays here until encryption at the end."""

    person: Person
    id_number: str
    mobile: str


class _RowValidator:
    def __init__(
        self,
        *,
        hospital: Hospital,
        positions: dict[str, int],
        lookups: _Lookups,
        day: date,
        rule: RuleNumbers,
        epoch: datetime,
        errors: _Errors,
    ):
        self.hospital_id = hospital.pk
        self.rule = rule
        self.positions = positions
        self.letters = {k: get_column_letter(i + 1) for k, i in positions.items()}
        self.lookups = lookups
        self.day = day
        self.epoch = epoch
        self.errors = errors
        self.seen_ids: dict[str, int] = {}  # keyed hash -> first row

    def _get(self, values: Sequence[Any], key: str) -> Any:
        index = self.positions.get(key)
        if index is None or index >= len(values):
            return None
        return values[index]

    def _date(self, row: int, key: str, raw: Any, failed: list[str]) -> date | None:
        try:
            value = parse_roster_date(raw, epoch=self.epoch)
        except BadValue as exc:
            self._err(row, key, str(exc), failed)
            return None
        if value is not None and value > self.day:
            self._err(row, key, "日期不能晚于今天", failed)
            return None
        return value

    def _err(self, row: int, key: str, message: str, failed: list[str]) -> None:
        failed.append(key)
        self.errors.add(row, COLUMN_BY_KEY[key].label, message, self.letters.get(key, ""))

    def validate(self, row: int, values: Sequence[Any]) -> _Row | None:
        failed: list[str] = []
        err = self._err
        get = self._get
        lk = self.lookups

        # 姓名
        name = _cell_text(get(values, "name"))
        if _CJK_RE.search(name):
            name = _WS_RE.sub("", name)  # "张　三" aligned with a full-width space
        else:
            name = " ".join(name.split())
        if not name:
            err(row, "name", "请填写姓名", failed)
        elif len(name) > _LENGTHS["name"]:
            err(row, "name", f"姓名不能超过{_LENGTHS['name']}个字", failed)
        elif EXAMPLE_MARK in name:
            err(row, "name", "这是模板中的示例行，请删除后再导入", failed)

        # 性别
        raw = _fold(_cell_text(get(values, "gender"))).upper()
        gender = GENDER_MAP.get(raw, "")
        if not raw:
            err(row, "gender", "请填写性别", failed)
        elif not gender:
            err(row, "gender", "性别应填写“男”或“女”", failed)

        # 民族
        ethnicity = _fold(_cell_text(get(values, "ethnicity"))) or "汉族"
        if not ethnicity.endswith("族") and ethnicity != "其他" and len(ethnicity) <= 4:
            ethnicity += "族"
        if len(ethnicity) > _ETHNICITY_MAX:
            err(row, "ethnicity", f"民族不能超过{_ETHNICITY_MAX}个字", failed)

        # 身份证号
        raw_id = get(values, "id_number")
        id_number = normalise_roster_id_number(raw_id)
        id_ok = False
        id_hash = ""
        if not id_number:
            err(row, "id_number", "请填写身份证号", failed)
        elif isinstance(raw_id, float) and raw_id >= 1e15:
            # Excel keeps 15 significant digits of a number: the last digits are lost.
            err(row, "id_number", "身份证号被保存成了数字，末尾几位已丢失" + _AS_TEXT, failed)
        elif msg := id_number_error(id_number):
            if isinstance(raw_id, int | float) or "E+" in id_number:
                msg += "（该单元格被当作数字保存，" + _AS_TEXT.lstrip("，") + "）"
            err(row, "id_number", msg, failed)
        else:
            id_hash = pii.keyed_hash(id_number)
            first = self.seen_ids.get(id_hash)
            if first is not None:
                err(row, "id_number", f"身份证号与第{first}行重复", failed)
            elif id_hash in lk.existing_hashes:
                self.seen_ids[id_hash] = row
                err(row, "id_number", "本院已有相同身份证号的职工", failed)
            else:
                self.seen_ids[id_hash] = row
                id_ok = True

        # 出生日期
        birth = self._date(row, "birth_date", get(values, "birth_date"), failed)
        if id_number and not id_number_error(id_number):
            from_id = birth_date_from_id(id_number)
            if birth is None and "birth_date" not in failed:
                birth = from_id
            elif birth is not None and birth != from_id:
                err(row, "birth_date", "出生日期与身份证号不一致", failed)

        # 学历
        raw = _fold(_cell_text(get(values, "education"))).upper()
        education = ""
        if raw:
            education = EDUCATION_MAP.get(raw, "")
            if not education:
                err(
                    row,
                    "education",
                    "学历应为：博士研究生、硕士研究生、大学本科、大学专科、中专及以下",
                    failed,
                )

        # 科室
        dept_text = _cell_text(get(values, "department"))
        department = None
        if not dept_text:
            err(row, "department", "请填写科室", failed)
        else:
            department = lk.departments.get(_fold(dept_text))
            if department is None:
                err(row, "department", f"本院没有名为“{dept_text}”的科室", failed)
            elif not department.active:
                err(row, "department", f"科室“{dept_text}”已停用", failed)

        # 岗位/职务、职称
        post = _cell_text(get(values, "post"))
        if len(post) > _LENGTHS["post"]:
            err(row, "post", f"岗位/职务不能超过{_LENGTHS['post']}个字", failed)
        title = _cell_text(get(values, "title"))
        if len(title) > _LENGTHS["title"]:
            err(row, "title", f"职称不能超过{_LENGTHS['title']}个字", failed)

        # 是/否
        flags: dict[str, bool] = {}
        for key in ("is_middle_cadre", "is_department_head"):
            raw = _fold(_cell_text(get(values, key))).upper()
            flag = BOOL_MAP.get(raw) if raw else False
            if flag is None:
                err(row, key, "应填写“是”或“否”", failed)
                flag = False
            flags[key] = flag

        # 政治面貌
        raw = _fold(_cell_text(get(values, "political_status"))).upper()
        political = POLITICAL_MAP.get(raw, "")
        if not raw:
            err(row, "political_status", "请填写政治面貌", failed)
        elif not political:
            err(
                row,
                "political_status",
                "政治面貌应为：中共党员、中共预备党员、入党申请人/积极分子、群众、民主党派",
                failed,
            )

        # 入党日期、转正日期
        joined_on = self._date(row, "joined_on", get(values, "joined_on"), failed)
        full_on = self._date(row, "full_member_on", get(values, "full_member_on"), failed)

        # 所在支部、党小组
        branch_text = _cell_text(get(values, "branch"))
        branch = None
        if branch_text:
            branch = lk.branches.get(_fold(branch_text))
            if branch is None:
                err(row, "branch", f"本院没有名为“{branch_text}”的党支部", failed)
            elif not branch.active:
                err(row, "branch", f"党支部“{branch_text}”已撤销或停用", failed)
        group_text = _cell_text(get(values, "party_group"))
        group = None
        if group_text:
            gkey = _fold(group_text)
            if not branch_text:
                err(row, "party_group", "填写党小组时须同时填写所在支部", failed)
            elif branch is not None:
                found = lk.groups.get((branch.pk, gkey), [])
                if len(found) == 1:
                    group = found[0]
                elif len(found) > 1:
                    err(
                        row,
                        "party_group",
                        f"“{branch_text}”下有多个名为“{group_text}”的党小组，请先在系统中区分名称",
                        failed,
                    )
                elif gkey in lk.group_branches:
                    err(row, "party_group", f"党小组“{group_text}”不属于“{branch_text}”", failed)
                else:
                    err(
                        row,
                        "party_group",
                        f"“{branch_text}”下没有名为“{group_text}”的党小组",
                        failed,
                    )

        # 手机号
        raw_mobile = get(values, "mobile")
        mobile = normalise_roster_mobile(raw_mobile) if not is_blank(raw_mobile) else ""
        if mobile and (msg := mobile_error(mobile)):
            err(row, "mobile", msg, failed)

        # 状态
        status_text = _fold(_cell_text(get(values, "status")))
        if status_text and status_text != PersonStatus.ACTIVE.label:
            err(row, "status", "只能导入在职人员（状态应为“在职”或留空）", failed)

        # Rules across columns — the same as services.person_validate.
        if political in MEMBER_STATUSES:
            if not branch_text and "branch" not in failed:
                err(row, "branch", "党员（含预备党员）必须填写所在支部", failed)
            if joined_on is None and "joined_on" not in failed:
                err(row, "joined_on", "党员（含预备党员）须填写入党日期", failed)
        if (
            political == PoliticalStatus.MEMBER
            and joined_on is not None
            and full_on is None
            and "full_member_on" not in failed
        ):
            err(row, "full_member_on", "正式党员须填写转正日期", failed)
        if joined_on and birth and "joined_on" not in failed:
            if joined_on < birth:
                err(row, "joined_on", "入党日期不能早于出生日期", failed)
            elif msg := joining_age_error(birth_date=birth, joined_on=joined_on, rule=self.rule):
                err(row, "joined_on", msg, failed)
        if full_on and joined_on and full_on < joined_on:
            err(row, "full_member_on", "转正日期不能早于入党日期", failed)

        if failed or self.errors.total or not id_ok or birth is None:
            return None
        person = Person(
            hospital_id=self.hospital_id,
            name=name,
            gender=gender,
            ethnicity=ethnicity,
            birth_date=birth,
            education=education,
            department_id=department.pk if department else None,
            post=post,
            title=title,
            is_middle_cadre=flags["is_middle_cadre"],
            is_department_head=flags["is_department_head"],
            political_status=political,
            joined_on=joined_on,
            full_member_on=full_on,
            branch_id=branch.pk if branch else None,
            party_group_id=group.pk if group else None,
            id_number_hash=id_hash,
            status=PersonStatus.ACTIVE,
        )
        return _Row(person, id_number, mobile)


def roster_validate(
    *,
    hospital: Hospital,
    table: RosterTable,
    day: date | None = None,
    ignore_unknown_columns: bool = False,
) -> RosterValidated:
    """Check every row; return unsaved people with encrypted PII, or raise ``RosterInvalid``
    listing every problem (row, column, reason). Five queries, whatever the row count."""
    errors = _Errors()
    positions, warnings = _map_headers(table, errors, ignore_unknown_columns)
    if errors.total:
        raise RosterInvalid("列名有误，请对照导入模板修改表头", errors.kept, errors.total)
    if not table.rows:
        raise RosterInvalid(
            f"文件中没有数据行：第{table.header_row}行为列名，"
            f"请从第{table.header_row + 1}行起每行填写一人"
        )
    day = day or today()
    validator = _RowValidator(
        hospital=hospital,
        positions=positions,
        lookups=_Lookups.load(hospital),
        day=day,
        rule=selectors.org_rule_for(hospital.authority_id, day),
        epoch=table.epoch,
        errors=errors,
    )
    good: list[_Row] = []
    for number, values in table.rows:
        checked = validator.validate(number, values)
        if checked is not None:
            good.append(checked)
    if errors.total:
        bad_rows = len({e.row for e in errors.kept})
        at_least = "至少" if errors.total > len(errors.kept) else ""
        raise RosterInvalid(
            f"共 {len(table.rows)} 行数据，{at_least}{bad_rows} 行有错误，未导入任何数据。"
            "请改正后重新上传",
            errors.kept,
            errors.total,
            rows=len(table.rows),
        )
    encrypt = pii.encrypt
    keyed_hash = pii.keyed_hash
    people = []
    for item in good:
        p = item.person
        p.id_number_enc = encrypt(item.id_number)
        if item.mobile:
            p.mobile_enc = encrypt(item.mobile)
            p.mobile_hash = keyed_hash(item.mobile)
        people.append(p)
    return RosterValidated(people=people, warnings=warnings)


def roster_import(
    *,
    access: Access,
    hospital: Hospital,
    filename: str,
    data: bytes,
    ignore_unknown_columns: bool = False,
    request: HttpRequest | None = None,
) -> RosterImportResult:
    """Import a whole roster file into ``hospital``: every row or none.

    Raises ``PermissionDenied`` unless ``access`` administers the hospital, and
    ``RosterInvalid`` (message + row errors) when anything in the file is wrong."""
    if not access.administers_hospital(hospital.pk):
        raise PermissionDenied("只有本院党委管理员可以导入名册")
    safe_name = _safe_filename(filename)
    try:
        table = roster_read(filename=filename, data=data)
        validated = roster_validate(
            hospital=hospital, table=table, ignore_unknown_columns=ignore_unknown_columns
        )
    except RosterInvalid as exc:
        audit_log(
            action=AuditAction.IMPORT,
            request=request,
            hospital_id=hospital.pk,
            success=False,
            kind="roster",
            file=safe_name,
            errors=exc.total,
        )
        raise
    people = validated.people
    try:
        with transaction.atomic():
            Person.objects.bulk_create(people, batch_size=BATCH_SIZE)
            audit_log(
                action=AuditAction.IMPORT,
                request=request,
                hospital_id=hospital.pk,
                kind="roster",
                rows=len(people),
                file=safe_name,
            )
    except IntegrityError as exc:
        audit_log(
            action=AuditAction.IMPORT,
            request=request,
            hospital_id=hospital.pk,
            success=False,
            kind="roster",
            file=safe_name,
            errors=1,
        )
        raise RosterInvalid(
            "保存时发现与已有数据冲突（可能有人同时录入了相同身份证号的人员），"
            "未导入任何数据，请重新上传"
        ) from exc
    return RosterImportResult(count=len(people), warnings=tuple(validated.warnings))


# --- template ------------------------------------------------------------------------------

_WIDTHS = {
    "name": 10,
    "department": 14,
    "post": 14,
    "political_status": 16,
    "branch": 18,
    "party_group": 12,
    "id_number": 22,
    "mobile": 14,
    "education": 12,
}


def _example_row(hospital: Hospital) -> dict[str, Any]:
    rng = random.Random(20240701)
    birth = date(1990, 5, 12)
    department = (
        Department.objects.filter(hospital=hospital, active=True).order_by("kind", "name").first()
    )
    branch = Branch.objects.filter(hospital=hospital, active=True).order_by("pk").first()
    group = PartyGroup.objects.filter(branch=branch).order_by("pk").first() if branch else None
    return {
        "name": "张三（示例）",
        "gender": "女",
        "ethnicity": "汉族",
        "birth_date": "1990-05-12",
        "education": "大学本科",
        "department": department.name if department else "心血管内科",
        "post": "护士长",
        "title": "主管护师",
        "is_middle_cadre": "是",
        "is_department_head": "否",
        "political_status": "中共党员",
        "joined_on": "2012-06-20",
        "full_member_on": "2013-06-20",
        "branch": branch.name if branch else "第一党支部",
        "party_group": group.name if group else "",
        "id_number": make_id_number(hospital.region_code or "370800", birth, "F", rng),
        "mobile": "13800138000",
    }


def roster_template(*, hospital: Hospital) -> bytes:
    """The import template: a header-only 名册 sheet (importing it unchanged is a "no data
    rows" message), 填写说明 with every column and a valid example row, and 可选值 with this
    hospital's departments, branches and groups."""
    t = Template(
        data_sheet=DATA_SHEET,
        options_sheet=OPTIONS_SHEET,
        help_sheet=HELP_SHEET,
        columns=COLUMNS,
        widths=_WIDTHS,
        default_width=11,
        text_keys=("id_number", "mobile"),
    )
    departments = list(
        Department.objects.filter(hospital=hospital, active=True)
        .order_by("kind", "name")
        .values_list("name", flat=True)
    )
    branches = list(Branch.objects.filter(hospital=hospital, active=True).order_by("pk"))
    groups = list(
        PartyGroup.objects.filter(branch__in=branches)
        .select_related("branch")
        .order_by("branch_id", "pk")
    )
    t.options(
        [
            ("科室", departments),
            ("所在支部", [b.name for b in branches]),
            ("党小组（所属支部）", [f"{g.name}（{g.branch.name}）" for g in groups]),
            ("政治面貌", [label for _, label in PoliticalStatus.choices]),
            ("学历", [label for _, label in Education.choices]),
            ("性别", [label for _, label in Gender.choices]),
            ("是/否", ["是", "否"]),
        ],
        width=24,
    )
    for key, source_col, count in (
        ("department", 1, len(departments)),
        ("branch", 2, len(branches)),
        ("political_status", 4, len(PoliticalStatus.choices)),
        ("education", 5, len(Education.choices)),
        ("gender", 6, 2),
        ("is_middle_cadre", 7, 2),
        ("is_department_head", 7, 2),
    ):
        t.dropdown(key, source_col=source_col, count=count, rows=5000)

    lines = [
        f"{hospital.name} 人员名册导入说明",
        "1. 在“名册”工作表中填写，第1行为列名，请勿修改；从第2行起每行填写一人。列的顺序可以调整。",
        "2. 带 * 的列必须填写。科室、所在支部须与系统中本院的名称一致，可在“可选值”工作表中查看。",
        "3. 日期可写 2024-03-05、2024/3/5、2024.3.5、2024年3月5日 或 20240305，也可用 Excel 日期格式。",
        "4. 身份证号、手机号请使用文本格式，避免 Excel 把身份证号变成科学计数法。",
        "5. 导入前会检查所有行：只要有一处错误，就不会导入任何数据，页面会列出出错的行、列和原因。",
        "6. 同一医院的身份证号不能重复（包括已离开的人员）。身份证号、手机号加密保存，页面上脱敏显示。",
        "7. 也可以另存为 CSV（UTF-8 或 GB18030/GBK 编码）后导入。",
    ]
    help_ws = t.help(
        lines,
        first_width=18,
        example_title="示例（仅供参考，请勿复制到“名册”工作表；身份证号为随机生成的测试号码）",
    )
    example = _example_row(hospital)
    start = help_ws.max_row + 1
    for offset, col in enumerate(COLUMNS):
        help_ws.cell(row=start + offset, column=1, value=col.label)
        help_ws.cell(row=start + offset, column=3, value=example[col.key])
    return t.save()


# --- export --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterFilters:
    """The people page's filters (``views.people`` parses the same GET parameters)."""

    branch_id: int | None = None
    department_id: int | None = None
    political_status: str | None = None
    status: str | None = PersonStatus.ACTIVE  # None = all
    q: str = ""

    @classmethod
    def from_query(cls, params: Mapping[str, Any]) -> RosterFilters:
        branch = str(params.get("branch") or "")
        dept = str(params.get("department") or "")
        status = params.get("status") or PersonStatus.ACTIVE
        if status not in PersonStatus.values and status != "all":
            status = PersonStatus.ACTIVE
        pol = params.get("political_status") or None
        if pol and pol not in PoliticalStatus.values and pol != "members":
            pol = None
        return cls(
            branch_id=int(branch) if branch.isdigit() else None,
            department_id=int(dept) if dept.isdigit() else None,
            political_status=pol,
            status=None if status == "all" else status,
            q=str(params.get("q") or "")[:50],
        )

    def audit_detail(self) -> dict[str, Any]:
        """For the audit trail: the search text is masked when it could be an ID or mobile."""
        q = self.q.strip()
        if re.search(r"\d{6,}", q):
            q = pii.mask_id_number(q) if len(q) > 11 else pii.mask_mobile(q)
        return {
            "branch": self.branch_id,
            "department": self.department_id,
            "political_status": self.political_status,
            "status": self.status or "all",
            "q": q,
        }


@dataclass
class RosterExport:
    file: IO[bytes]  # positioned at 0; the caller streams and closes it
    filename: str
    count: int
    full: bool


EXPORT_HEADERS = [c.label for c in COLUMNS] + [STATUS_COLUMN.label]
_EXPORT_DATE_KEYS = ("birth_date", "joined_on", "full_member_on")


def _export_cells(p: Person, full: bool) -> list[Any]:
    def text(value: str) -> str:
        return escape_cell(value or "")

    return [
        text(p.name),
        p.get_gender_display(),
        text(p.ethnicity),
        p.birth_date,
        p.get_education_display() if p.education else "",
        text(p.department.name) if p.department else "",
        text(p.post),
        text(p.title),
        "是" if p.is_middle_cadre else "否",
        "是" if p.is_department_head else "否",
        p.get_political_status_display(),
        p.joined_on,
        p.full_member_on,
        text(p.branch.name) if p.branch else "",
        text(p.party_group.name) if p.party_group else "",
        p.id_number if full else p.id_number_masked,
        p.mobile if full else p.mobile_masked,
        p.get_status_display(),
    ]


def _write_export(out: IO[bytes], people: Iterable[Person], *, full: bool) -> int:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(DATA_SHEET)
    widths = [_WIDTHS.get(c.key, 11) for c in COLUMNS] + [8]
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    header = []
    for label in EXPORT_HEADERS:
        cell = WriteOnlyCell(ws, value=label)
        cell.font = HEAD_FONT
        cell.fill = HEAD_FILL
        header.append(cell)
    ws.append(header)
    date_positions = [i for i, c in enumerate(COLUMNS) if c.key in _EXPORT_DATE_KEYS]
    count = 0
    for p in people:
        row = _export_cells(p, full)
        for i in date_positions:
            if row[i] is not None:
                cell = WriteOnlyCell(ws, value=row[i])
                cell.number_format = "yyyy-mm-dd"
                row[i] = cell
        ws.append(row)
        count += 1
    wb.save(out)
    return count


def roster_export(
    *,
    access: Access,
    hospital: Hospital,
    filters: RosterFilters | None = None,
    full: bool = False,
    request: HttpRequest | None = None,
) -> RosterExport:
    """The people list of ``hospital`` (same filters as the people page) as .xlsx.

    Hospital admins and the city admin may export; 身份证号/手机号 are masked unless
    ``full`` — allowed only for an admin of this hospital, and audited as a reveal. Every
    export writes an EXPORT audit row (count, masked or not, filters; never PII)."""
    filters = filters or RosterFilters()
    if not access.reads_hospital(hospital.pk):
        raise PermissionDenied("只有医院党委管理员可以导出名册")
    if full and not access.administers_hospital(hospital.pk):
        audit_log(
            action=AuditAction.REVEAL,
            request=request,
            hospital_id=hospital.pk,
            success=False,
            scope="roster_export",
        )
        raise PermissionDenied("只有本院党委管理员可以导出完整的身份证号和手机号")
    qs = selectors.person_list(
        access,
        hospital=hospital,
        branch_id=filters.branch_id,
        department_id=filters.department_id,
        political_status=filters.political_status,
        status=filters.status,
        q=filters.q,
    ).select_related("party_group")
    out = tempfile.TemporaryFile()  # handed to the streaming response, which closes it
    try:
        count = _write_export(out, qs.iterator(chunk_size=BATCH_SIZE), full=full)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    name = re.sub(r'[\\/:*?"<>|\s]+', "", hospital.short_name or hospital.name) or "医院"
    filename = f"人员名册_{name}_{today():%Y%m%d}{'_完整' if full else ''}.xlsx"
    audit_log(
        action=AuditAction.EXPORT,
        request=request,
        hospital_id=hospital.pk,
        kind="roster",
        count=count,
        masked=not full,
        filters=filters.audit_detail(),
        file=filename,
    )
    if full:
        audit_log(
            action=AuditAction.REVEAL,
            request=request,
            hospital_id=hospital.pk,
            scope="roster_export",
            fields=["id_number", "mobile"],
            count=count,
        )
    return RosterExport(file=out, filename=filename, count=count, full=full)


__all__ = [
    "BATCH_SIZE",
    "COLUMNS",
    "EXPORT_HEADERS",
    "MAX_SHOWN_ERRORS",
    "XLSX_CONTENT_TYPE",
    "BadValue",
    "RosterColumn",
    "RosterExport",
    "RosterFilters",
    "RosterImportResult",
    "RosterInvalid",
    "RosterTable",
    "RosterValidated",
    "RowError",
    "content_disposition",
    "escape_cell",
    "normalise_roster_id_number",
    "normalise_roster_mobile",
    "parse_roster_date",
    "roster_export",
    "roster_import",
    "roster_read",
    "roster_template",
    "roster_validate",
]
