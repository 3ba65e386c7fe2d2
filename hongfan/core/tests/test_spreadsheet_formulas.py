"""Formulas in an uploaded .xlsx (docs/decisions/0014-spreadsheet-formulas.md): a cell that
holds a formula is refused with its row and column, whether or not the file carries a cached
value; text that merely starts with =, +, - or @ is kept as the text it is (and escaped on the
way out, see hongfan/tests/test_export_escaping.py). Checked on the shared reader and through the roster and
question-bank imports that use it (hongfan/tests/test_import_formulas.py)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook

from hongfan.core.tests import crafted_xlsx as crafted
from hongfan.core.tests.test_spreadsheets import HEADER, Refused, read, refused

HOSTILE = ['=HYPERLINK("http://evil.example","click")', "=1+1", "=cmd|' /C calc'!A0"]


def workbook(rows: list[list[Any]], *, text: set[tuple[int, int]] = frozenset()) -> bytes:  # type: ignore[assignment]
    """An .xlsx as openpyxl writes it: a string starting with "=" becomes a real formula
    cell (no cached value, as from any tool but Excel), unless (row, column) is in ``text``."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "名单"
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if (r, c) in text:
                cell.data_type = "s"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("formula", HOSTILE)
def test_a_formula_cell_is_refused_with_its_row_and_column(formula):
    data = workbook([HEADER, ["张三", "心内科", "13800138000"], [formula, "急诊科", ""]])
    message = refused("名单.xlsx", data)
    assert message.startswith("第3行「姓名」列是公式")
    assert "粘贴为数值" in message


def test_a_formula_with_a_cached_value_is_refused_too():
    """Excel stores the last result beside the formula; it may be stale, and the formula is
    still what the cell holds."""
    cells = (
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>\xe5\xbc\xa0\xe4\xb8\x89</t></is></c>'
        b'<c r="C2" t="str"><f>HYPERLINK("http://evil.example","13800138000")</f>'
        b"<v>13800138000</v></c></row>"
    )
    data = crafted.package([crafted.row(1, HEADER), cells])
    assert refused("名单.xlsx", data).startswith("第2行「手机号」列是公式")


def test_a_shared_formula_in_a_column_without_a_header_names_the_column_number():
    cells = b'<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c><c r="E2"><f t="shared" si="0" ref="E2:E3">1+1</f><v>2</v></c></row>'
    data = crafted.package([crafted.row(1, HEADER), cells])
    assert refused("名单.xlsx", data).startswith("第2行第5列是公式")


def test_text_that_starts_like_a_formula_is_kept_as_that_text():
    values = ["=HYPERLINK(1)", "+86 138 0013 8000", "-", "@张三"]
    rows = [HEADER] + [[v, "心内科", v] for v in values]
    text = {(r, c) for r in range(2, 2 + len(values)) for c in (1, 3)}
    table = read("名单.xlsx", workbook(rows, text=text))
    assert [r[1][0] for r in table.rows] == values
    assert [r[1][2] for r in table.rows] == values


def test_a_formula_above_the_header_is_not_data_and_does_not_refuse_the_file():
    data = workbook([["=TODAY()"], HEADER, ["张三", "心内科", "13800138000"]])
    table = read("名单.xlsx", data)
    assert table.header_row == 2
    assert [r[1][0] for r in table.rows] == ["张三"]


def test_a_formula_in_another_sheet_is_not_read_and_does_not_refuse_the_file():
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "名单"
    for values in [HEADER, ["张三", "心内科", "13800138000"]]:
        ws.append(values)
    wb.create_sheet("统计").append(["=COUNTA(名单!A:A)"])
    out = io.BytesIO()
    wb.save(out)
    assert [r[1][0] for r in read("名单.xlsx", out.getvalue()).rows] == ["张三"]


def test_refused_is_the_importers_own_exception():
    with pytest.raises(Refused):
        read("名单.xlsx", workbook([HEADER, ["=1+1", "", ""]]))
