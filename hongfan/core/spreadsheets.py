"""Reading an uploaded spreadsheet (.xlsx or .csv) into a table of cells, for the imports.

``read_table`` checks the file's type (extension and content) and size, opens an .xlsx with
openpyxl (read-only, refusing zip bombs) or decodes a CSV (UTF-16 with a BOM, UTF-8 with or
without a BOM, GB18030; binary data refused), finds the header row (a title row or two above
it is tolerated) and keeps the non-blank rows below it with their sheet row numbers.

What differs between imports is described by a ``SheetFormat`` (the template's sheet name,
how to tell the header row, what the messages call a row) and by the importer's own
exception, raised as ``error(message)`` with a Chinese message on anything unreadable.
Cells are kept as read: turning them into text, mapping columns and validating rows stay
with each importer."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils.datetime import WINDOWS_EPOCH

HELP_SHEET = "填写说明"  # the templates' instructions sheet, never read as data
OPTIONS_SHEET = "可选值"  # the templates' lists of allowed values, never read as data
HEADER_SEARCH_ROWS = 10  # a title row or two above the header is tolerated
# An .xlsx is a zip of XML; refuse archives that inflate far beyond the upload limit.
MAX_INFLATION = 50
EDGE_WHITESPACE = " \t\r\n\u3000\xa0\u200b\ufeff"

OLD_XLS_MESSAGE = "不支持旧版 .xls 文件，请在 Excel/WPS 中“另存为” .xlsx 格式后再导入"
_NOT_XLSX = "文件内容不是有效的 Excel（.xlsx）文件，请使用导入模板填写"
_UNREADABLE_XLSX = "无法读取该 Excel 文件，请在 Excel/WPS 中重新保存为 .xlsx 后再试"

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


@dataclass(frozen=True, kw_only=True)
class SheetFormat:
    """What one import's files look like, and what its messages call them."""

    sheet: str  # the template's data sheet, read first; also names the file ("名册")
    is_header: Callable[[Sequence[Any]], bool]  # does this (non-blank) row name the columns?
    header_hint: str  # the first column names, in the "no header row" message
    row_noun: str = "行"  # what one data row is, in the "too many rows" message
    old_xls_message: str = OLD_XLS_MESSAGE
    # Sheets are streamed, but openpyxl holds the shared-strings part in memory whole.
    max_shared_strings_inflation: int | None = None


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
    reader = _Reader(filename, fmt, error, max_rows)
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


@dataclass(frozen=True)
class _Reader:
    filename: str
    fmt: SheetFormat
    error: type[Exception]
    max_rows: int

    def no_header(self) -> Exception:
        hint = self.fmt.header_hint
        return self.error(f"没有找到列名行：第1行应为列名（{hint}），请使用导入模板")

    def collect(self, rows: Iterator[Row], epoch: datetime = WINDOWS_EPOCH) -> Table | None:
        """The header found in the first rows, then every non-blank row; None without one."""
        for number, values in rows:
            if number > HEADER_SEARCH_ROWS:
                return None
            if not all(is_blank(v) for v in values) and self.fmt.is_header(values):
                break
        else:
            return None
        table = Table(self.filename, list(values), header_row=number, epoch=epoch)
        append = table.rows.append
        for number, values in rows:
            if not all(is_blank(v) for v in values):
                if len(table.rows) >= self.max_rows:
                    raise self.error(
                        f"一次最多导入 {self.max_rows} {self.fmt.row_noun}，请拆分成几个文件分批导入"
                    )
                append((number, values))
        return table

    def read_xlsx(self, data: bytes) -> Table:
        error = self.error
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                inflated = sum(info.file_size for info in archive.infolist())
                shared = sum(
                    info.file_size
                    for info in archive.infolist()
                    if info.filename.lower().startswith("xl/sharedstrings")
                )
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise error("文件内容不是有效的 Excel（.xlsx）文件，文件可能已损坏") from exc
        if "xl/workbook.xml" not in names:
            raise error(_NOT_XLSX)
        limit = settings.IMPORT_MAX_BYTES
        shared_limit = self.fmt.max_shared_strings_inflation
        if inflated > limit * MAX_INFLATION or (
            shared_limit is not None and shared > limit * shared_limit
        ):
            raise error("文件解压后过大，请拆分后分批导入")
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds on malformed parts
            raise error(_UNREADABLE_XLSX) from exc
        try:
            sheets = [ws for ws in wb.worksheets if ws.title not in (HELP_SHEET, OPTIONS_SHEET)]
            sheets.sort(key=lambda ws: ws.title != self.fmt.sheet)  # the template's sheet first
            for ws in sheets:
                ws.reset_dimensions()  # some writers store a wrong <dimension>
                table = self.collect(enumerate(ws.iter_rows(values_only=True), start=1), wb.epoch)
                if table is not None:
                    return table
        except error:
            raise
        except Exception as exc:
            raise error(_UNREADABLE_XLSX) from exc
        finally:
            wb.close()
        raise self.no_header()

    def read_csv(self, data: bytes) -> Table:
        text = _decode(data, self.error)
        first_line = text.split("\n", 1)[0]
        delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            table = self.collect(enumerate(reader, start=1))
        except csv.Error as exc:
            raise self.error(
                "CSV 文件格式有误（引号不配对或单元格过长），请在 Excel/WPS 中重新保存"
            ) from exc
        if table is None:
            raise self.no_header()
        return table


def _decode(data: bytes, error: type[Exception]) -> str:
    """The text of a CSV file: UTF-16 with a BOM, UTF-8 (with or without a BOM) or GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise error("文件内容不是文本格式的 CSV，请使用 .xlsx 或另存为 CSV")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise error("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GB18030（GBK）编码")
