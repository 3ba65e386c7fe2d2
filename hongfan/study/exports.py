"""Spreadsheets out of 学习教育: the hours table as .xlsx, its cells formula-escaped
(``core.exports.escape_cell``). The page that serves it audits the export."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from hongfan.core.exports import escape_cell
from hongfan.study.selectors.hours import HoursTable


def hours_workbook(table: HoursTable) -> Workbook:
    """The hours table, one member a row (the page sends it with ``core.exports.xlsx_response``)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "学习学时"
    headers = [
        "姓名",
        "支部",
        "身份",
        "个人自学（学时）",
        "集中学习（学时）",
        "合计（学时）",
        "年度目标（学时）",
        "完成比例",
        "进度",
    ]
    ws.append(headers)
    for i, _ in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F8E1E1")
        ws.column_dimensions[get_column_letter(i)].width = 14 if i > 1 else 10
    ws.column_dimensions["B"].width = 22
    for r in table.rows:
        ws.append(
            [
                escape_cell(r.name),
                escape_cell(r.branch),
                r.role_label,
                float(r.self_hours),
                float(r.group_hours),
                float(r.hours),
                r.target_hours,
                f"{r.percent}%",
                "已完成" if r.reached else ("落后" if r.behind else "正常"),
            ]
        )
    ws.freeze_panes = "A2"
    return wb
