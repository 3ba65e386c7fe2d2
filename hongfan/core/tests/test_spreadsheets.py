"""The shared reader of uploaded .xlsx/.csv files (roster and question bank imports)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from typing import Any

import pytest
from openpyxl import Workbook

from hongfan.core.spreadsheets import HELP_SHEET, SheetFormat, Table, read_table


class Refused(Exception):
    """The importer's own exception, as ``read_table`` must raise it."""


COLUMNS = {"姓名", "科室", "手机号"}
FORMAT = SheetFormat(
    sheet="名单",
    header_hint="姓名、科室……",
    is_header=lambda values: sum(1 for v in values if v in COLUMNS) >= 2,
    row_noun="人",
)
HEADER = ["姓名", "科室", "手机号"]
ROWS = [["张三", "心内科", "13800138000"], ["李四", "急诊科", ""]]


def read(filename: str, data: bytes, max_rows: int = 100) -> Table:
    return read_table(filename, data, FORMAT, error=Refused, max_rows=max_rows)


def refused(filename: str, data: bytes, max_rows: int = 100) -> str:
    with pytest.raises(Refused) as info:
        read(filename, data, max_rows)
    return str(info.value)


def xlsx(sheets: dict[str, Sequence[Sequence[Any]]]) -> bytes:
    wb = Workbook()
    assert wb.active is not None
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_text(rows: Sequence[Sequence[str]], sep: str = ",") -> str:
    return "".join(sep.join(row) + "\r\n" for row in rows)


def cells(table: Table) -> list[tuple[int, list[Any]]]:
    return [(n, ["" if v is None else v for v in values]) for n, values in table.rows]


# --- CSV ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_csv_is_decoded_whatever_its_encoding(encoding):
    table = read("名单.csv", csv_text([HEADER, *ROWS]).encode(encoding))
    assert table.headers == HEADER
    assert table.header_row == 1
    assert cells(table) == [(2, ROWS[0]), (3, ROWS[1])]


def test_tab_separated_text_is_read_as_csv():
    table = read("名单.csv", csv_text([HEADER, *ROWS], sep="\t").encode())
    assert table.headers == HEADER
    assert cells(table) == [(2, ROWS[0]), (3, ROWS[1])]


def test_binary_data_is_not_taken_for_a_csv():
    assert refused("名单.csv", b"\x00\x01\x02\x03") == (
        "文件内容不是文本格式的 CSV，请使用 .xlsx 或另存为 CSV"
    )


def test_bytes_of_no_known_encoding_are_refused():
    assert refused("名单.csv", "姓名,科室\n".encode() + b"\x80\xff\n") == (
        "无法识别 CSV 文件的编码，请另存为 UTF-8 或 GB18030（GBK）编码"
    )


def test_csv_header_is_found_below_title_rows():
    data = csv_text([["2024年职工名单"], [""], HEADER, ROWS[0], ["", "", ""], ROWS[1]])
    table = read("名单.csv", data.encode("gb18030"))
    assert table.header_row == 3
    assert table.headers == HEADER
    assert cells(table) == [(4, ROWS[0]), (6, ROWS[1])]  # sheet row numbers, blank row skipped


def test_a_header_lower_than_the_tenth_row_is_not_looked_for():
    data = csv_text([["标题"]] * 10 + [HEADER, *ROWS]).encode()
    assert refused("名单.csv", data) == (
        "没有找到列名行：第1行应为列名（姓名、科室……），请使用导入模板"
    )


# --- .xlsx -------------------------------------------------------------------------------------


def test_xlsx_header_is_found_below_title_rows_in_the_template_sheet_first():
    data = xlsx(
        {
            HELP_SHEET: [HEADER, ["示例", "示例科室", ""]],  # instructions, never data
            "Sheet1": [HEADER, ["王五", "外科", ""]],
            "名单": [["2024年职工名单"], [], HEADER, *ROWS],
        }
    )
    table = read("名单.xlsx", data)
    assert table.filename == "名单.xlsx"
    assert table.header_row == 3
    assert table.headers == HEADER
    assert cells(table) == [(4, ROWS[0]), (5, ["李四", "急诊科", ""])]


def test_xlsx_cells_are_kept_as_read():
    table = read("名单.xlsx", xlsx({"名单": [HEADER, ["张三", "心内科", 13800138000]]}))
    assert table.rows == [(2, ("张三", "心内科", 13800138000))]


def test_an_unreadable_xlsx_gets_the_chinese_message():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "这不是 XML")
    assert refused("名单.xlsx", out.getvalue()) == (
        "无法读取该 Excel 文件，请在 Excel/WPS 中重新保存为 .xlsx 后再试"
    )


def test_a_broken_zip_is_not_an_xlsx():
    assert "文件可能已损坏" in refused("名单.xlsx", b"PK\x03\x04" + b"\x00" * 100)


def test_an_xlsx_without_a_header_row_is_refused():
    assert "没有找到列名行" in refused("名单.xlsx", xlsx({"名单": [["随便写点什么"]]}))


def test_shared_strings_limit_applies_only_when_the_format_sets_one(settings):
    settings.IMPORT_MAX_BYTES = 64 * 1024
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx({"名单": [HEADER, *ROWS]}))) as src:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                dst.writestr(info, src.read(info))
            # Not listed in [Content_Types].xml, so openpyxl never parses it.
            dst.writestr("xl/sharedStrings.xml", " " * 200 * 1024)
    data = out.getvalue()
    assert len(read("名单.xlsx", data).rows) == 2
    strict = SheetFormat(
        sheet="名单",
        header_hint="姓名、科室……",
        is_header=FORMAT.is_header,
        max_shared_strings_inflation=1,
    )
    with pytest.raises(Refused, match="^文件解压后过大，请拆分后分批导入$"):
        read_table("名单.xlsx", data, strict, error=Refused, max_rows=100)


# --- either ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "filename,data,message",
    [
        ("名单.xlsx", b"", "文件是空的，请选择填好的名单文件"),
        ("名单.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 10, "不支持旧版 .xls 文件"),
        ("名单.xlsx", b"\xd0\xcf\x11\xe0" + b"\x00" * 10, "不支持旧版 .xls 文件"),
        ("名单.xlsx", "姓名,科室\n".encode(), "文件内容不是有效的 Excel（.xlsx）文件"),
        ("名单.csv", b"PK\x03\x04" + b"\x00" * 10, "请将扩展名改为 .xlsx"),
        ("名单.txt", "姓名,科室\n".encode(), "只支持 .xlsx（Excel/WPS 表格）或 .csv 文件"),
    ],
)
def test_what_is_not_a_spreadsheet_is_refused_with_the_importers_exception(filename, data, message):
    assert message in refused(filename, data)


def test_too_large_a_file_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 2048
    assert refused("名单.csv", b"x" * 4096) == "文件过大（4 KB），不能超过 2 KB"


@pytest.mark.parametrize("filename", ["名单.csv", "名单.xlsx"])
def test_rows_beyond_the_limit_are_refused_in_the_formats_words(filename):
    rows = [HEADER, *ROWS, ["王五", "外科", ""]]
    data = xlsx({"名单": rows}) if filename.endswith(".xlsx") else csv_text(rows).encode()
    assert len(read(filename, data, max_rows=3).rows) == 3
    assert refused(filename, data, max_rows=2) == "一次最多导入 2 人，请拆分成几个文件分批导入"
