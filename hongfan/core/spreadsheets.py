"""Reading an uploaded spreadsheet (.xlsx or .csv) into a table of cells, for the imports.

``read_table`` checks the file's type (extension and content) and size, opens an .xlsx with
openpyxl (read-only) or decodes a CSV (UTF-16 with or without a BOM, UTF-8 with or without a
BOM, GB18030; binary data refused), finds the header row (a title row or two above it is
tolerated) and keeps the non-blank rows below it with their sheet row numbers.

What differs between imports is described by a ``SheetFormat`` (the template's sheet name,
how to tell the header row, what the messages call a row, how many columns and cells it may
have) and by the importer's own exception, raised as ``error(message)`` with a Chinese
message on anything unreadable. Cells are kept as read: turning them into text, mapping
columns and validating rows stay with each importer.

Bounded work. An .xlsx is a zip of XML, and a few hundred KB can inflate into millions of
cells or shared strings (a 386 KB roster once held a worker for 140 s and grew it by 1.3 GB). openpyxl
reads the shared strings, the styles and the other small parts whole when the workbook is
opened, and each row of a sheet whole before it yields it, so nothing can be checked while
it works. Before openpyxl sees the file, every XML part is therefore streamed once through
expat, counting elements and refusing, with a Chinese message, a file that has

- more than ``SheetFormat.max_cells`` cells in a worksheet (empty formatted ones included),
  more than ``MAX_CELLS_PER_ROW`` (Excel's 16,384 columns) or ``MAX_ROW_ELEMENTS`` elements
  in one row, or more than ``ELEMENTS_PER_CELL`` elements a cell on the whole;
- more than ``SheetFormat.max_shared_strings`` shared strings, one of more than
  ``MAX_STRING_ELEMENTS`` elements, or a shared-strings part that inflates beyond
  ``SHARED_STRINGS_INFLATION`` times the upload limit;
- more than ``MAX_PART_ELEMENTS`` elements in any other part (styles, workbook, relations);
- a document type declaration (entity expansion) or an encoding other than UTF-8/UTF-16.

Worksheet and shared-strings budgets go only to the parts ``[Content_Types].xml`` declares
as such (as Excel, WPS and LibreOffice always do), never to the parts openpyxl reads whole.
Only the first ``SheetFormat.max_columns`` columns of a data row are read (a wider header
row is refused), and the whole read, scan included, stops after ``IMPORT_MAX_SECONDS``.

Formulas. The same scan notes every cell holding a formula (``<f>``); a formula in the sheet
read, in the header row or below and within the columns read, refuses the file with its row
and column (「第3行「姓名」列是公式…」): the cached value beside it may be missing (files
written by other tools than Excel) or stale, and only what a person typed is imported.
Text that merely starts with =, +, - or @ is kept as it is; exports escape it
(``hongfan.core.exports.escape_cell``). docs/decisions/0014-spreadsheet-formulas.md.
"""

from __future__ import annotations

import csv
import io
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any
from xml.parsers import expat

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils.datetime import WINDOWS_EPOCH

HELP_SHEET = "填写说明"  # the templates' instructions sheet, never read as data
OPTIONS_SHEET = "可选值"  # the templates' lists of allowed values, never read as data
HEADER_SEARCH_ROWS = 10  # a title row or two above the header is tolerated
EDGE_WHITESPACE = " \t\r\n\u3000\xa0\u200b\ufeff"

# Limits on the work one upload may cause (see the module docstring). The per-format ones
# are SheetFormat's defaults; the others hold for every import.
MAX_COLUMNS = 50  # columns read per row: the templates' 10-18 and room for extra ones
MAX_CELLS = 2_000_000  # cells in one worksheet, blank formatted ones included
MAX_SHARED_STRINGS = 1_000_000  # openpyxl needs ~13 µs and ~100 bytes for each
MAX_CELLS_PER_ROW = 16_384  # Excel's last column is XFD
# Any other XML part. Excel allows 64,000 cell formats (~200,000 elements in styles.xml);
# openpyxl reads 300,000 bare ones in ~5 s and ~200 MB.
MAX_PART_ELEMENTS = 300_000
ELEMENTS_PER_STRING = 4  # <si><t>, with room for some rich-text runs
ELEMENTS_PER_CELL = 4  # <c><v> or <c><is><t>, with room for some rich-text runs
# openpyxl builds a whole row, or a whole shared string, before it looks at it.
MAX_ROW_ELEMENTS = 100_000  # one row: 16,384 cells of inline strings are ~50,000
MAX_STRING_ELEMENTS = 10_000  # one shared string's rich-text runs
MAX_INFLATION = 50  # the whole archive, against the upload limit
SHARED_STRINGS_INFLATION = 2  # the shared-strings part, against the upload limit
MAX_PARTS = 10_000  # zip entries
MAX_FORMULAS_NOTED = 10_000  # formula cells noted per sheet (the first one refuses the file)
_SCAN_CHUNK = 64 * 1024
# What zipfile and zlib raise on a damaged or encrypted archive.
_BROKEN_ZIP = (
    zipfile.BadZipFile,
    zlib.error,
    ValueError,
    OSError,
    EOFError,
    NotImplementedError,
    RuntimeError,
)

OLD_XLS_MESSAGE = "不支持旧版 .xls 文件，请在 Excel/WPS 中“另存为” .xlsx 格式后再导入"
_NOT_XLSX = "文件内容不是有效的 Excel（.xlsx）文件，请使用导入模板填写"
_UNREADABLE_XLSX = "无法读取该 Excel 文件，请在 Excel/WPS 中重新保存为 .xlsx 后再试"
_INFLATED = "文件解压后过大，请拆分后分批导入"
_TOO_COMPLEX = "文件中的格式等内容过于复杂，无法读取：请把数据复制到新的导入模板中再导入"
_NOT_TEXT = "文件内容不是文本格式的 CSV，请使用 .xlsx 或另存为 CSV"
_UTF16_WITHOUT_BOM = (
    "文件似乎是 UTF-16 编码但缺少开头的 BOM 标记，无法可靠识别：请在 Excel/WPS 中"
    "另存为“CSV UTF-8（逗号分隔）”后再导入"
)

Row = tuple[int, Sequence[Any]]  # (sheet row number, cell values)


@dataclass
class Table:
    """The cells of an uploaded file: ``headers`` are the header row's cells, as read;
    ``rows`` skips blank rows and keeps sheet row numbers; ``epoch`` is the workbook's date
    system, for Excel serial dates."""

    filename: str
    headers: list[Any]
    header_row: int = 1
    rows: list[Row] = field(default_factory=list)
    epoch: datetime = WINDOWS_EPOCH
    sheet: str = ""  # the worksheet read (an .xlsx), "" for a .csv


@dataclass(frozen=True, kw_only=True)
class SheetFormat:
    """What one import's files look like, what its messages call them, and how much of a
    file it reads (see the module docstring)."""

    sheet: str  # the template's data sheet, read first; also names the file ("名册")
    is_header: Callable[[Sequence[Any]], bool]  # does this (non-blank) row name the columns?
    header_hint: str  # the first column names, in the "no header row" message
    row_noun: str = "行"  # what one data row is, in the "too many rows" message
    old_xls_message: str = OLD_XLS_MESSAGE
    max_columns: int = MAX_COLUMNS
    max_cells: int = MAX_CELLS
    max_shared_strings: int = MAX_SHARED_STRINGS


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(EDGE_WHITESPACE))


def read_table(
    filename: str, data: bytes, fmt: SheetFormat, *, error: type[Exception], max_rows: int
) -> Table:
    """The header and non-blank rows (at most ``max_rows``) of an uploaded .xlsx or .csv
    file; ``error(message)`` raised with a Chinese message on anything unreadable."""
    limit = settings.IMPORT_MAX_BYTES
    if not data:
        raise error(f"文件是空的，请选择填好的{fmt.sheet}文件")
    if len(data) > limit:
        raise error(f"文件过大（{_size(len(data))}），不能超过 {_size(limit)}")
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext == "xls" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise error(fmt.old_xls_message)
    seconds = settings.IMPORT_MAX_SECONDS
    reader = _Reader(filename, fmt, error, max_rows, time.monotonic() + seconds, seconds)
    if ext == "xlsx":
        if not data.startswith(b"PK\x03\x04"):
            raise error(_NOT_XLSX)
        return reader.read_xlsx(data)
    if ext == "csv":
        if data.startswith(b"PK\x03\x04"):
            raise error("文件实际上是 Excel 文件，请将扩展名改为 .xlsx 后再导入")
        return reader.read_csv(data)
    raise error("只支持 .xlsx（Excel/WPS 表格）或 .csv 文件")


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def _trimmed(values: Sequence[Any]) -> Sequence[Any]:
    """``values`` without its trailing empty cells."""
    end = len(values)
    while end and is_blank(values[end - 1]):
        end -= 1
    return values if end == len(values) else values[:end]


@dataclass(frozen=True)
class _Reader:
    filename: str
    fmt: SheetFormat
    error: type[Exception]
    max_rows: int
    deadline: float  # time.monotonic() value
    seconds: int
    # {worksheet part: [(row, column), …]} of the cells holding a formula (the scan's finds)
    formulas: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    # --- limits ----------------------------------------------------------------------------

    def check_time(self) -> None:
        if time.monotonic() >= self.deadline:
            raise self.error(
                f"读取文件超时（超过 {self.seconds} 秒），未导入任何数据：请删除多余的空行、"
                "空列和格式，或拆分成几个文件分批导入"
            )

    def too_many_cells(self) -> Exception:
        return self.error(
            f"表格中的单元格过多（超过 {self.fmt.max_cells:,} 个，设置过格式的空白单元格"
            "也计算在内），请删除多余的行和列，或拆分成几个文件分批导入"
        )

    def too_many_shared_strings(self) -> Exception:
        return self.error(
            f"文件中的文字条目过多（超过 {self.fmt.max_shared_strings:,} 条），"
            "请删除与导入无关的内容，或拆分成几个文件分批导入"
        )

    def row_too_wide(self, number: int) -> Exception:
        where = f"第{number}行" if number else "有一行"
        return self.error(
            f"{where}的单元格超过 {MAX_CELLS_PER_ROW:,} 个（Excel 最多 {MAX_CELLS_PER_ROW:,} 列），"
            "文件可能已损坏，请在 Excel/WPS 中重新保存后再试"
        )

    def row_too_complex(self, number: int) -> Exception:
        where = f"第{number}行" if number else "有一行"
        return self.error(f"{where}的内容过于复杂，文件可能已损坏，请在 Excel/WPS 中重新保存后再试")

    # --- rows ------------------------------------------------------------------------------

    def no_header(self) -> Exception:
        hint = self.fmt.header_hint
        return self.error(f"没有找到列名行：第1行应为列名（{hint}），请使用导入模板")

    def find_header(self, rows: Iterable[Row]) -> tuple[int, Sequence[Any]] | None:
        """The header row among the first ``HEADER_SEARCH_ROWS`` rows; None without one."""
        for number, values in rows:
            self.check_time()
            if number > HEADER_SEARCH_ROWS:
                return None
            if not all(is_blank(v) for v in values) and self.fmt.is_header(values):
                headers = _trimmed(values)
                if len(headers) > self.fmt.max_columns:
                    raise self.error(
                        f"第{number}行（列名行）填写了 {len(headers)} 列，最多 "
                        f"{self.fmt.max_columns} 列：请删除模板以外的多余列后再导入"
                    )
                return number, headers
        return None

    def collect(
        self,
        table: Table,
        rows: Iterable[Row],
        keep: Callable[[Sequence[Any]], Sequence[Any]] = lambda values: values,
    ) -> Table:
        """Every non-blank row below the header (``keep(values)`` of it), at most
        ``max_rows`` of them."""
        append = table.rows.append
        check_time = self.check_time
        for number, values in rows:
            check_time()
            if values.count(None) == len(values) or all(is_blank(v) for v in values):
                continue
            if len(table.rows) >= self.max_rows:
                raise self.error(
                    f"一次最多导入 {self.max_rows} {self.fmt.row_noun}，请拆分成几个文件分批导入"
                )
            append((number, keep(values)))
        return table

    # --- .xlsx -----------------------------------------------------------------------------

    def read_xlsx(self, data: bytes) -> Table:
        error = self.error
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                self.check_archive(archive)
        except error:
            raise
        except _BROKEN_ZIP as exc:
            raise error("文件内容不是有效的 Excel（.xlsx）文件，文件可能已损坏") from exc
        self.check_time()
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds on malformed parts
            raise error(_UNREADABLE_XLSX) from exc
        try:
            sheets = [ws for ws in wb.worksheets if ws.title not in (HELP_SHEET, OPTIONS_SHEET)]
            sheets.sort(key=lambda ws: ws.title != self.fmt.sheet)  # the template's sheet first
            for ws in sheets:
                ws.reset_dimensions()  # some writers store a wrong <dimension>
                top = ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)
                found = self.find_header(enumerate(top, start=1))
                top.close()
                if found is None:
                    continue
                number, headers = found
                self.refuse_formulas(ws._worksheet_path, number, headers)
                table = Table(
                    self.filename,
                    list(headers),
                    header_row=number,
                    epoch=wb.epoch,
                    sheet=ws.title,
                )
                below = ws.iter_rows(
                    min_row=number + 1, max_col=self.fmt.max_columns, values_only=True
                )
                return self.collect(table, enumerate(below, start=number + 1), _trimmed)
        except error:
            raise
        except Exception as exc:
            raise error(_UNREADABLE_XLSX) from exc
        finally:
            wb.close()
        raise self.no_header()

    def refuse_formulas(self, part: str, header_row: int, headers: Sequence[Any]) -> None:
        """Refuse the sheet when a cell read as data (the header row and below, within the
        columns read) holds a formula (docs/decisions/0014-spreadsheet-formulas.md): its
        cached value may be missing or stale, and only what a person typed is imported."""
        for row, col in self.formulas.get(part.lstrip("/"), []):
            if row < header_row or col > self.fmt.max_columns:
                continue
            name = headers[col - 1] if col <= len(headers) else None
            where = f"「{str(name).strip()}」列" if not is_blank(name) else f"第{col}列"
            raise self.error(
                f"第{row}行{where}是公式，请在 Excel/WPS 中复制后“选择性粘贴为数值”，"
                "再重新上传（导入只接受填写的文字和数字）"
            )

    def check_archive(self, archive: zipfile.ZipFile) -> None:
        """Refuse an archive whose parts would make openpyxl work without bound."""
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if "xl/workbook.xml" not in names:
            raise self.error(_NOT_XLSX)
        if len(infos) > MAX_PARTS:
            raise self.error(_TOO_COMPLEX)
        limit = settings.IMPORT_MAX_BYTES
        if sum(info.file_size for info in infos) > limit * MAX_INFLATION:
            raise self.error(_INFLATED)
        roles = _roles(archive, names, self) if "[Content_Types].xml" in names else {}
        shared = sum(
            info.file_size
            for info in infos
            if roles.get(info.filename) == "strings"
            or info.filename.lower().startswith("xl/sharedstrings")
        )
        if shared > limit * SHARED_STRINGS_INFLATION:
            raise self.error(_INFLATED)
        for info in infos:
            if info.filename != "[Content_Types].xml" and not info.is_dir():
                with archive.open(info) as part:
                    scan = _PartScan(self, roles.get(info.filename, "other"))
                    scan.feed(part)
                if scan.formulas:
                    self.formulas[info.filename] = scan.formulas

    # --- .csv ------------------------------------------------------------------------------

    def read_csv(self, data: bytes) -> Table:
        text = _decode(data, self.error)
        self.check_time()
        first_line = text.split("\n", 1)[0]
        delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
        # Fields, near enough (a quoted delimiter counts too), before csv builds any of them.
        if text.count(delimiter) + text.count("\n") + 1 > self.fmt.max_cells:
            raise self.too_many_cells()
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows = enumerate(reader, start=1)
        width = self.fmt.max_columns
        try:
            found = self.find_header(rows)
            if found is None:
                raise self.no_header()
            number, headers = found
            table = Table(self.filename, list(headers), header_row=number)
            return self.collect(table, ((n, values[:width]) for n, values in rows))
        except csv.Error as exc:
            raise self.error(
                "CSV 文件格式有误（引号不配对或单元格过长），请在 Excel/WPS 中重新保存"
            ) from exc


# --- the scan of an .xlsx's parts ----------------------------------------------------------

_ROLE_OF_TYPE = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml": "sheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml": "strings",
}
# Parts openpyxl parses whole by their fixed name, whatever [Content_Types].xml says.
_READ_WHOLE = frozenset(
    {
        "xl/workbook.xml",
        "xl/styles.xml",
        "docProps/core.xml",
        "docProps/app.xml",
        "docProps/custom.xml",
    }
)
# What a worksheet's cells are made of (rich inline strings included); every other element
# of a worksheet counts against MAX_PART_ELEMENTS.
_CELL_PARTS = frozenset(
    "row c v f is t r rPr rFont b i u sz color family charset scheme vertAlign strike "
    "outline shadow condense extend rPh phoneticPr".split()
)


def _roles(archive: zipfile.ZipFile, names: set[str], reader: _Reader) -> dict[str, str]:
    """{part name: "sheet" or "strings"} as [Content_Types].xml declares them (read by the
    scan itself, under the budget of any other part); other parts are absent."""
    manifest = _PartScan(reader, "manifest")
    with archive.open("[Content_Types].xml") as part:
        manifest.feed(part)
    declared: dict[str, set[str]] = {}
    for name, content_type in manifest.overrides:
        declared.setdefault(name.lstrip("/"), set()).add(_ROLE_OF_TYPE.get(content_type, ""))
    return {
        name: next(iter(kinds))
        for name, kinds in declared.items()
        if len(kinds) == 1
        and "" not in kinds
        and name in names
        and name not in _READ_WHOLE
        and not name.endswith(".rels")
    }


class _PartScan:
    """Counts the elements of one XML part as it streams through expat, and raises the
    reader's error as soon as a limit is passed. A part expat cannot read (an image, say)
    is left alone: openpyxl's parsers stop at the same place."""

    def __init__(self, reader: _Reader, role: str):
        self.reader = reader
        self.role = role
        fmt = reader.fmt
        self.max_cells = fmt.max_cells
        self.max_strings = fmt.max_shared_strings
        if role == "sheet":
            self.max_elements = fmt.max_cells * ELEMENTS_PER_CELL + MAX_PART_ELEMENTS
        elif role == "strings":
            self.max_elements = fmt.max_shared_strings * ELEMENTS_PER_STRING + MAX_PART_ELEMENTS
        else:
            self.max_elements = MAX_PART_ELEMENTS
        self.elements = 0
        self.outside = 0  # a sheet's elements that are not part of its rows
        self.cells = 0
        self.row_cells = 0
        self.row_elements = 0  # elements since the last <row> (or <si>)
        self.row_number = 0
        self.column = 0  # of the current cell, 1 for A
        self.formulas: list[tuple[int, int]] = []  # (row, column) of cells with a formula
        self.strings = 0
        self.overrides: list[tuple[str, str]] = []  # [Content_Types].xml: (part, type)
        parser = expat.ParserCreate()
        parser.ordered_attributes = True
        parser.StartElementHandler = self.start_sheet if role == "sheet" else self.start
        parser.StartDoctypeDeclHandler = self.doctype
        self.parser = parser

    def feed(self, part: IO[bytes]) -> None:
        reader = self.reader
        try:
            while chunk := part.read(_SCAN_CHUNK):
                reader.check_time()
                self.parser.Parse(chunk, False)
            self.parser.Parse(b"", True)
        except reader.error:
            raise
        except expat.ExpatError as exc:
            if exc.code == expat.errors.codes[expat.errors.XML_ERROR_UNKNOWN_ENCODING]:
                raise reader.error(_UNREADABLE_XLSX) from exc
        except ValueError as exc:  # "multi-byte encodings are not supported" (GBK and such)
            raise reader.error(_UNREADABLE_XLSX) from exc

    def doctype(self, *args: Any) -> None:
        # No spreadsheet writer emits one; it is how entity-expansion bombs start.
        raise self.reader.error(_UNREADABLE_XLSX)

    def start(self, name: str, attributes: list[str]) -> None:
        self.elements += 1
        if self.elements > self.max_elements:
            raise self.reader.error(_TOO_COMPLEX)
        if self.role == "strings":
            if name == "si" or name.endswith(":si"):
                self.strings += 1
                self.row_elements = 0
                if self.strings > self.max_strings:
                    raise self.reader.too_many_shared_strings()
            else:
                self.row_elements += 1
                if self.row_elements > MAX_STRING_ELEMENTS:
                    raise self.reader.error(_TOO_COMPLEX)
        elif self.role == "manifest" and name.rpartition(":")[2] == "Override":
            found = dict(zip(attributes[::2], attributes[1::2], strict=True))
            self.overrides.append((found.get("PartName", ""), found.get("ContentType", "")))

    def start_sheet(self, name: str, attributes: list[str]) -> None:
        local = name.rpartition(":")[2]
        self.elements += 1
        self.row_elements += 1
        if local == "c":
            self.cells += 1
            self.row_cells += 1
            if self.cells > self.max_cells:
                raise self.reader.too_many_cells()
            if self.row_cells > MAX_CELLS_PER_ROW:
                raise self.reader.row_too_wide(self.row_number)
            self.column = _column_number(attributes, self.column)
        elif local == "f":
            if len(self.formulas) < MAX_FORMULAS_NOTED:
                self.formulas.append((self.row_number, self.column))
        elif local == "row":
            self.column = 0
            self.row_cells = 0
            self.row_elements = 0
            self.row_number = _row_number(attributes, self.row_number)
        elif local not in _CELL_PARTS:
            self.row_elements = 0  # not inside a row
            self.outside += 1
            if self.outside > MAX_PART_ELEMENTS:
                raise self.reader.error(_TOO_COMPLEX)
        if self.row_elements > MAX_ROW_ELEMENTS:
            raise self.reader.row_too_complex(self.row_number)
        if self.elements > self.max_elements:
            raise self.reader.error(_TOO_COMPLEX)


def _column_number(attributes: list[str], previous: int) -> int:
    """The column of a <c> from its reference (``r="BC12"``: 55), else the next one."""
    for key, value in zip(attributes[::2], attributes[1::2], strict=True):
        if key == "r":
            number = 0
            for char in value:
                if not ("A" <= char <= "Z"):
                    break
                number = number * 26 + ord(char) - 64
            return number or previous + 1
    return previous + 1


def _row_number(attributes: list[str], previous: int) -> int:
    for key, value in zip(attributes[::2], attributes[1::2], strict=True):
        if key == "r":
            return int(value) if value.isdigit() else previous + 1
    return previous + 1


# --- CSV text ----------------------------------------------------------------------------------


def _decode(data: bytes, error: type[Exception]) -> str:
    """The text of a CSV file: UTF-16 (with a BOM, or without one when the NUL bytes say
    which half of each character is zero), UTF-8 (with or without a BOM) or GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            raise error(_NOT_TEXT)
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise error(_UTF16_WITHOUT_BOM) from exc
        if not _is_text(text):
            raise error(_NOT_TEXT)
        return text
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise error("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GB18030（GBK）编码")


def _utf16_without_bom(data: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when the NUL bytes of ``data`` fall (almost) all on odd or
    all on even offsets, as the zero high byte of the ASCII characters of UTF-16 text does
    (commas, digits and line breaks, even in a Chinese file); None otherwise."""
    odd = data[1::2].count(0)
    even = data[0::2].count(0)
    units = len(data) // 2 or 1
    if odd >= 4 * even and odd >= units // 50:
        return "utf-16-le"
    if even >= 4 * odd and even >= units // 50:
        return "utf-16-be"
    return None


def _is_text(text: str) -> bool:
    """No control characters but tabs and line breaks: binary data decoded as UTF-16 is
    full of them."""
    return not any(c < " " and c not in "\t\r\n" for c in text)


# --- the uploaded file with its errors marked ----------------------------------------------------

ERROR_FILL_COLOR = "FFC7CE"  # Excel's light red of "bad" cells


def annotate_errors(
    table: Table, data: bytes, errors: Iterable[tuple[int, str, str]], *, author: str = "红帆"
) -> bytes:
    """The uploaded file as .xlsx with each bad cell filled light red and commented with its
    Chinese message: ``errors`` are (sheet row, column letter, message); an error of a whole
    row or of a missing column ("" letter) goes on the row's first cell. An .xlsx is the
    user's own workbook (its other sheets and formats kept); a .csv becomes one sheet of its
    cells as text (a cell starting with ``=`` stays text, never a formula)."""
    from collections import defaultdict

    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    if table.sheet:
        wb = load_workbook(io.BytesIO(data))
        ws = wb[table.sheet]
    else:
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = "数据"
        for number, values in [(table.header_row, table.headers), *table.rows]:
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row=number, column=col, value=value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"
    marks: dict[tuple[int, str], list[str]] = defaultdict(list)
    for row, letter, message in errors:
        marks[(max(1, row), letter or "A")].append(message)
    fill = PatternFill("solid", fgColor=ERROR_FILL_COLOR)
    for (row, letter), messages in marks.items():
        cell = ws[f"{letter}{row}"]
        cell.fill = fill
        text = "\n".join(dict.fromkeys(messages))
        comment = Comment(text, author)
        comment.width = 320
        comment.height = 40 + 20 * len(messages)
        cell.comment = comment
    wb.active = wb.worksheets.index(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
