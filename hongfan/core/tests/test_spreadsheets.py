"""The shared reader of uploaded .xlsx/.csv files (roster and question bank imports)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pytest
from openpyxl import Workbook

from hongfan.core.spreadsheets import (
    HELP_SHEET,
    MAX_CELLS_PER_ROW,
    MAX_PART_ELEMENTS,
    MAX_SHARED_STRINGS,
    SheetFormat,
    Table,
    read_table,
)
from hongfan.core.tests import crafted_xlsx as crafted


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


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_csv_without_a_bom_is_decoded(encoding):
    data = csv_text([HEADER, *ROWS, ["王一", "一病区", ""]]).encode(encoding)
    assert not data.startswith((b"\xff\xfe", b"\xfe\xff"))
    table = read("名单.csv", data)
    assert table.headers == HEADER
    assert cells(table) == [(2, ROWS[0]), (3, ROWS[1]), (4, ["王一", "一病区", ""])]


def test_utf16_csv_without_a_bom_that_does_not_decode_gets_an_accurate_message():
    data = csv_text([HEADER, *ROWS]).encode("utf-16-le")[:-1]  # cut in half a character
    assert refused("名单.csv", data) == (
        "文件似乎是 UTF-16 编码但缺少开头的 BOM 标记，无法可靠识别：请在 Excel/WPS 中"
        "另存为“CSV UTF-8（逗号分隔）”后再导入"
    )


def test_csv_cells_beyond_the_column_limit_are_not_kept():
    data = csv_text([HEADER, ROWS[0] + [""] * 200 + ["x"]]).encode()
    [(number, values)] = read("名单.csv", data).rows
    assert (number, list(values[:3])) == (2, ROWS[0])
    assert len(values) <= FORMAT.max_columns and "x" not in values


def test_a_csv_of_more_cells_than_the_format_allows_is_refused():
    data = csv_text([HEADER, *ROWS] + [[""] * 3] * 40).encode()
    with pytest.raises(Refused, match="^表格中的单元格过多（超过 100 个"):
        read_table("名单.csv", data, replace(FORMAT, max_cells=100), error=Refused, max_rows=100)


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
    assert cells(table) == [(4, ROWS[0]), (5, ["李四", "急诊科"])]  # no trailing blanks


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


def test_shared_strings_that_inflate_far_beyond_the_upload_limit_are_refused(settings):
    # Every format, not only those that ask: the question bank had no limit at all.
    settings.IMPORT_MAX_BYTES = 64 * 1024
    small = crafted.package(
        [crafted.row(1, HEADER), b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'],
        shared_strings=[b"<si><t>" + "张三".encode() + b"</t></si>"],
    )
    assert cells(read("名单.xlsx", small)) == [(2, ["张三"])]
    big = crafted.package(
        [crafted.row(1, HEADER), b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'],
        shared_strings=crafted.repeated(b"<si><t>" + b"x" * 100 + b"</t></si>", 2000),
    )
    assert refused("名单.xlsx", big) == "文件解压后过大，请拆分后分批导入"


def test_a_file_of_more_than_a_million_shared_strings_is_refused():
    # The 386 KB roster of the issue: ten million tiny strings, 140 s and 1.7 GB to read.
    data = crafted.shared_strings_bomb(HEADER, MAX_SHARED_STRINGS + 1)
    assert len(data) < 100 * 1024
    assert refused("名单.xlsx", data) == (
        "文件中的文字条目过多（超过 1,000,000 条），请删除与导入无关的内容，"
        "或拆分成几个文件分批导入"
    )


def test_a_row_of_more_cells_than_excel_allows_is_refused():
    data = crafted.blank_cells_in_one_row(HEADER, MAX_CELLS_PER_ROW + 1)
    assert refused("名单.xlsx", data) == (
        "第2行的单元格超过 16,384 个（Excel 最多 16,384 列），文件可能已损坏，"
        "请在 Excel/WPS 中重新保存后再试"
    )


def test_a_sheet_of_more_cells_than_the_format_allows_is_refused():
    # Blank but formatted cells count too: they cost as much to read as full ones.
    data = crafted.blank_cells_in_many_rows(HEADER, rows=2001, per_row=1000)
    assert refused("名单.xlsx", data) == (
        "表格中的单元格过多（超过 2,000,000 个，设置过格式的空白单元格也计算在内），"
        "请删除多余的行和列，或拆分成几个文件分批导入"
    )
    small = replace(FORMAT, max_cells=100)
    data = crafted.blank_cells_in_many_rows(HEADER, rows=10, per_row=10)
    with pytest.raises(Refused, match="超过 100 个"):
        read_table("名单.xlsx", data, small, error=Refused, max_rows=100)


def test_a_row_of_a_cell_with_countless_rich_text_runs_is_refused():
    # One cell, but openpyxl would build its 300,000 elements before yielding the row.
    data = crafted.package(
        [
            crafted.row(1, HEADER),
            b'<row r="2"><c r="A2" t="inlineStr"><is>',
            *crafted.repeated(b"<r><t>x</t></r>", 100_000),
            b"</is></c></row>",
        ]
    )
    assert refused("名单.xlsx", data) == (
        "第2行的内容过于复杂，文件可能已损坏，请在 Excel/WPS 中重新保存后再试"
    )


def test_a_shared_string_of_countless_rich_text_runs_is_refused():
    data = crafted.package(
        [crafted.row(1, HEADER), b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'],
        shared_strings=[b"<si>", *crafted.repeated(b"<r><t>x</t></r>", 100_000), b"</si>"],
    )
    assert refused("名单.xlsx", data) == (
        "文件中的格式等内容过于复杂，无法读取：请把数据复制到新的导入模板中再导入"
    )


def test_cells_far_to_the_right_are_not_read():
    table = read("名单.xlsx", crafted.far_right_cells(HEADER, rows=300), max_rows=1000)
    assert len(table.rows) == 300
    assert {values[0] for _, values in table.rows} == {"张三"}
    assert max(len(values) for _, values in table.rows) <= FORMAT.max_columns


def test_a_header_row_wider_than_the_format_allows_is_refused():
    wide = [*HEADER, *[None] * 60, "备注"]
    for data in (
        xlsx({"名单": [wide, ROWS[0]]}),
        csv_text([[v or "" for v in wide], ROWS[0]]).encode(),
    ):
        name = "名单.xlsx" if data.startswith(b"PK") else "名单.csv"
        assert refused(name, data) == (
            "第1行（列名行）填写了 64 列，最多 50 列：请删除模板以外的多余列后再导入"
        )


def test_a_styles_part_of_too_many_elements_is_refused():
    data = crafted.styles_bomb(HEADER, MAX_PART_ELEMENTS)  # and <styleSheet>, <cellXfs>
    assert refused("名单.xlsx", data) == (
        "文件中的格式等内容过于复杂，无法读取：请把数据复制到新的导入模板中再导入"
    )


def test_an_xml_part_with_a_document_type_declaration_is_refused():
    workbook = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<!DOCTYPE workbook [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f"<workbook {crafted.MAIN.decode()}><sheets/></workbook>"
    )
    data = crafted.package([crafted.row(1, HEADER)], workbook=workbook)
    assert refused("名单.xlsx", data) == (
        "无法读取该 Excel 文件，请在 Excel/WPS 中重新保存为 .xlsx 后再试"
    )


@pytest.mark.parametrize("filename", ["名单.csv", "名单.xlsx"])
def test_reading_stops_when_the_time_budget_is_spent(settings, filename):
    settings.IMPORT_MAX_SECONDS = 0
    rows = [HEADER, *ROWS]
    data = xlsx({"名单": rows}) if filename.endswith(".xlsx") else csv_text(rows).encode()
    assert refused(filename, data) == (
        "读取文件超时（超过 0 秒），未导入任何数据：请删除多余的空行、空列和格式，"
        "或拆分成几个文件分批导入"
    )


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
