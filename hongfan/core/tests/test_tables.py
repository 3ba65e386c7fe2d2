"""The shared table (core.tables): ?sort= whitelisted (bad values ignored, never a 500),
page numbers read leniently, links keep the filters, the export holds the rows in the order
asked for; pinyin sort keys give one order on every database; dates show the year when it
is not this year."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import RequestFactory
from openpyxl import load_workbook

from hongfan.core.dates import today
from hongfan.core.pinyin import sort_key
from hongfan.core.tables import Column, SortForm, Table, table_workbook
from hongfan.core.templatetags.tables import day, daytime


@dataclass
class R:
    name: str
    points: Decimal | None
    born: date | None = None


COLUMNS = (
    Column("name", "姓名", sort=lambda r: sort_key(r.name)),
    Column("points", "积分"),
    Column("born", "出生日期"),
    Column("note", "备注", sortable=False, value=lambda r: "=1+1"),
)
ROWS = [R("张三", Decimal(3)), R("李四", Decimal(5)), R("王五", None), R("阿明", Decimal(1))]


def _table(**params: str) -> Table:
    return Table(RequestFactory().get("/x/", params), COLUMNS, default="name")


def test_sort_is_read_against_the_columns():
    assert _table(sort="-points").sort == "-points"
    for bogus in ("\x00", "note", "nosuch", "--name", "-" * 200, "9" * 50, "name\x00", "姓名"):
        assert _table(sort=bogus).sort == "name", bogus
    assert not SortForm({"sort": "x"}, keys=["name"]).is_valid()


def test_rows_sort_by_pinyin_and_empty_values_go_last_either_way():
    assert [r.name for r in _table().order_list(ROWS)] == ["阿明", "李四", "王五", "张三"]
    assert [r.name for r in _table(sort="points").order_list(ROWS)] == [
        "阿明",
        "张三",
        "李四",
        "王五",
    ]
    assert [r.name for r in _table(sort="-points").order_list(ROWS)] == [
        "李四",
        "张三",
        "阿明",
        "王五",
    ]


def test_no_default_sort_keeps_the_rows_own_order():
    table = Table(RequestFactory().get("/x/", {"sort": "\x00"}), COLUMNS, default="")
    assert table.order_list(ROWS) == ROWS
    assert table.sort_choices()[0] == ("", "默认顺序", True)


def test_links_keep_the_filters_and_drop_page_and_export():
    table = _table(q="张", branch="3", page="4", sort="name", export="xlsx")
    heads = {h.key: h for h in table.headers()}
    assert heads["name"].sorted == "ascending" and "sort=-name" in heads["name"].url
    assert "q=%E5%BC%A0" in heads["points"].url and "page" not in heads["points"].url
    assert not heads["note"].sortable and heads["note"].url == ""
    assert table.export_url.count("export=xlsx") == 1 and "page=" not in table.export_url
    assert "\x00" not in _table(q="a\x00b").url()


@pytest.mark.parametrize(
    ("raw", "number"), [("9" * 40, 1), ("-1", 1), ("abc", 1), ("\x00", 1), ("", 1), ("1", 1)]
)
def test_page_numbers_are_read_leniently(raw, number):
    page = _table(page=raw).paginate(list(range(10)))
    assert page.number == number  # one page of rows: a huge number is the last page, 1


def test_a_huge_page_number_is_the_last_page():
    table = Table(RequestFactory().get("/x/", {"page": "9" * 40}), COLUMNS, default="", per_page=3)
    assert table.paginate(list(range(10))).number == 4


def test_the_workbook_escapes_formulas_and_keeps_dates_and_numbers():
    rows = [R("张三", Decimal("2.5"), date(1990, 5, 12))]
    ws = load_workbook(io.BytesIO(_save(table_workbook(COLUMNS, rows)))).active
    values = list(ws.iter_rows(values_only=True))
    assert values[0] == ("姓名", "积分", "出生日期", "备注")
    assert values[1][0] == "张三" and values[1][1] == 2.5
    assert values[1][2] == datetime(1990, 5, 12) and values[1][3] == "'=1+1"


def _save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_pinyin_keys_are_plain_ascii_in_pinyin_order():
    names = [
        "张三",
        "李四",
        "力强",
        "连华",
        "阿明",
        "欧阳娜娜",
        "吕布",
        "卢一",
        "Tom",
        "阿卜杜·热合曼",
    ]
    keys = [sort_key(n) for n in names]
    assert all(k.isascii() and k.isalnum() and k == k.lower() for k in keys)
    ordered = sorted(names, key=sort_key)
    assert ordered == [
        "阿卜杜·热合曼",
        "阿明",
        "李四",
        "力强",
        "连华",
        "卢一",
        "吕布",
        "欧阳娜娜",
        "Tom",
        "张三",
    ]
    assert sort_key("") == "" and len(sort_key("张" * 100)) <= 255


def test_dates_show_the_year_only_when_it_is_not_this_year():
    this = today()
    assert day(this) == f"{this.month}月{this.day}日"
    last = this.replace(year=this.year - 1, day=1)
    assert day(last) == f"{last.year}年{last.month}月1日"
    assert day(None) == "—" and day("") == "—"
    moment = datetime(this.year - 2, 3, 5, 14, 5)
    assert daytime(moment) == f"{this.year - 2}年3月5日 14:05"
    assert day(moment) == f"{this.year - 2}年3月5日"
    assert day(this - timedelta(days=0)) == day(this)
