"""Writing an import template (.xlsx), for the imports that ``spreadsheets.read_table`` reads.

A template has three sheets: the data sheet (a styled header row of the importer's columns,
required ones in red, nothing below it), 填写说明 (the help: a title, numbered rules, a row
per column with what to write, then the importer's example), and 可选值 (lists of allowed
values, which the data sheet's dropdowns point at). What goes into them stays with each
importer; this module lays them out the same way for all.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Protocol

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

HEAD_FILL = PatternFill("solid", fgColor="F8E1E1")
HEAD_FONT = Font(bold=True)
REQUIRED_FONT = Font(bold=True, color="B91C1C")


class TemplateColumn(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def required(self) -> bool: ...
    @property
    def help(self) -> str: ...
    @property
    def template_header(self) -> str: ...


class Template:
    """A template being written: ``data`` is the data sheet, ``letters`` its column letters
    by key."""

    def __init__(
        self,
        *,
        data_sheet: str,
        options_sheet: str,
        help_sheet: str,
        columns: Sequence[TemplateColumn],
        widths: dict[str, int],
        default_width: int,
        text_keys: Iterable[str] = (),
    ) -> None:
        self.workbook = Workbook()
        self.options_sheet = options_sheet
        self.help_sheet = help_sheet
        self.columns = columns
        data = self.workbook.active
        assert data is not None
        self.data: Worksheet = data
        data.title = data_sheet
        data.append([c.template_header for c in columns])
        text = set(text_keys)
        self.letters: dict[str, str] = {}
        for index, col in enumerate(columns, start=1):
            cell = data.cell(row=1, column=index)
            cell.font = REQUIRED_FONT if col.required else HEAD_FONT
            cell.fill = HEAD_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center")
            letter = get_column_letter(index)
            self.letters[col.key] = letter
            data.column_dimensions[letter].width = widths.get(col.key, default_width)
            if col.key in text:  # digits kept as typed (ID and phone numbers)
                data.column_dimensions[letter].number_format = "@"
        data.freeze_panes = "A2"

    def options(self, lists: Sequence[tuple[str, Sequence[str]]], *, width: int) -> None:
        """The 可选值 sheet: one column per list, its title in the first row."""
        sheet = self.workbook.create_sheet(self.options_sheet)
        for col_index, (title, values) in enumerate(lists, start=1):
            sheet.column_dimensions[get_column_letter(col_index)].width = width
            head = sheet.cell(row=1, column=col_index, value=title)
            head.font = HEAD_FONT
            head.fill = HEAD_FILL
            for row_index, value in enumerate(values, start=2):
                sheet.cell(row=row_index, column=col_index, value=value)

    def dropdown(self, key: str, *, source_col: int, count: int, rows: int) -> None:
        """A dropdown on column ``key`` of the data sheet (rows 2..``rows``) offering the
        ``count`` values of the options sheet's column ``source_col``; typing another value
        is allowed (the import checks it with a clearer message)."""
        if count == 0:
            return
        src = get_column_letter(source_col)
        dv = DataValidation(
            type="list",
            formula1=f"'{self.options_sheet}'!${src}$2:${src}${count + 1}",
            allow_blank=True,
            showErrorMessage=False,
        )
        dv.add(f"{self.letters[key]}2:{self.letters[key]}{rows}")
        self.data.add_data_validation(dv)

    def help(self, lines: Sequence[str], *, first_width: int, example_title: str) -> Worksheet:
        """The 填写说明 sheet, second: ``lines`` (the first is the title), a row per column
        (label, 是 when required, what to write), then ``example_title``; the caller appends
        the example below and hands the sheet back to ``save``."""
        sheet = self.workbook.create_sheet(self.help_sheet, 1)
        sheet.column_dimensions["A"].width = first_width
        sheet.column_dimensions["B"].width = 8
        sheet.column_dimensions["C"].width = 90
        for line in lines:
            sheet.append([line])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([])
        sheet.append(["列名", "必填", "填写要求"])
        for cell in sheet[sheet.max_row]:
            cell.font = HEAD_FONT
            cell.fill = HEAD_FILL
        for col in self.columns:
            sheet.append([col.label, "是" if col.required else "", col.help])
        sheet.append([])
        sheet.append([example_title])
        sheet.cell(row=sheet.max_row, column=1).font = HEAD_FONT
        return sheet

    def save(self) -> bytes:
        """The workbook's bytes, the help sheet's text wrapped. Every text that starts like
        a formula (a branch named "=…" in 可选值 or in the example) is escaped as exports
        escape it (``core.exports.escape_cell``; the imports undo it): a template holds no
        formula."""
        from hongfan.core.exports import escape_cell

        for ws in self.workbook.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and escape_cell(cell.value) != cell.value:
                        cell.value = escape_cell(cell.value)
        sheet = self.workbook[self.help_sheet]
        for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        out = io.BytesIO()
        self.workbook.save(out)
        return out.getvalue()
