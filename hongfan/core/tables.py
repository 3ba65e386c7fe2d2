"""The shared table of records: column headers that sort, the page's filters kept in every
link, pagination, an 导出Excel of exactly the filtered and sorted rows, and cards on a phone.

A view describes its columns once and asks for the table:

    COLUMNS = (
        Column("name", "姓名", order=("name_key",), value=lambda p: p.name),
        Column("branch", "支部", order=("branch__name",), value=lambda p: p.branch.name),
    )
    table = tables.Table(request, COLUMNS, default="name")
    people = table.order_queryset(queryset)            # or table.order_list(rows)
    if table.wants_export:
        return table.export(people, "人员名册.xlsx", fallback="people.xlsx", audit={…})
    page = table.paginate(people)

and the template draws it with ``{% load tables %}``: ``{% table_head table %}`` (the
header row, each sortable header a link with ``aria-sort``), ``{% table_sort table %}`` (a
sort chooser for phones, where the header row is hidden), ``{% table_export table %}`` (the
导出Excel button) and ``{% table_pager table page %}``. Rows carry ``data-label`` on every
cell and the table the ``hf-cards`` class: below 768px static/hongfan/tables.css draws each
row as a card of "label: value" lines.

``?sort=`` is read through ``SortForm`` against the columns' keys (a leading ``-`` for
descending): a value that is not one of them (a NUL byte, an unknown column, 10 000
characters) is ignored and the default order used, never a 500. ``?page=`` out of range
gives the last page (``Paginator.get_page``). ``?export=xlsx`` asks for the spreadsheet."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone

from hongfan.core.exports import escape_cell, xlsx_response
from hongfan.core.forms import LenientText

PER_PAGE = 50
EXPORT_MAX = 50_000  # rows in one export (narrow the filter for more)
EXPORT_PARAM = "export"
EXPORT_VALUE = "xlsx"
SORT_PARAM = "sort"


def _pick(obj: Any, path: str) -> Any:
    """``obj.a.b`` (or ``obj["a"]["b"]``) for ``"a.b"``; None when any step is missing."""
    for part in path.split("."):
        if obj is None:
            return None
        obj = obj.get(part) if isinstance(obj, dict) else getattr(obj, part, None)
        if callable(obj) and not isinstance(obj, type):
            obj = obj()
    return obj


@dataclass(frozen=True)
class Column:
    """One column of a table.

    ``key``: its name in ``?sort=``; ``label``: the Chinese header (also the card label and
    the spreadsheet header); ``order``: the ORM fields a queryset is sorted by (empty: the
    column does not sort in the database); ``sort``: the key a list of rows is sorted by
    (default: the exported value); ``value``: the cell as exported (default: the attribute
    ``key``); ``sortable``: False for a column that never sorts; ``export``: False for a
    column that is only on the page; ``css``: classes of the header cell."""

    key: str
    label: str
    order: tuple[str, ...] = ()
    value: Callable[[Any], Any] | None = None
    sort: Callable[[Any], Any] | None = None
    sortable: bool = True
    export: bool = True
    css: str = ""
    number_format: str = ""

    def cell(self, row: Any) -> Any:
        return self.value(row) if self.value is not None else _pick(row, self.key)

    def sort_value(self, row: Any) -> Any:
        return self.sort(row) if self.sort is not None else self.cell(row)


class SortForm(forms.Form):
    """``?sort=<key>`` or ``?sort=-<key>`` among ``keys``; anything else is not valid."""

    sort = LenientText(required=False, max_length=64)

    def __init__(self, data: Any, *, keys: Iterable[str]) -> None:
        super().__init__(data)
        self.keys = frozenset(keys)

    def clean_sort(self) -> str:
        value = self.cleaned_data.get("sort") or ""
        if value.lstrip("-") not in self.keys or value.startswith("--"):
            raise forms.ValidationError("无法按此列排序")
        return value


@dataclass
class Header:
    key: str
    label: str
    url: str
    css: str
    sorted: str  # "ascending", "descending" or ""
    sortable: bool


@dataclass
class Table:
    """A request's view of a table (see the module docstring)."""

    request: HttpRequest
    columns: Sequence[Column]
    default: str
    per_page: int = PER_PAGE
    label: str = ""  # what the rows are, for the sort chooser's and the table's names
    sort: str = field(init=False)

    def __post_init__(self) -> None:
        keys = [c.key for c in self.columns if c.sortable]
        form = SortForm(self.request.GET, keys=keys)
        self.sort = form.cleaned_data["sort"] if form.is_valid() else self.default
        if not self.sort:
            self.sort = self.default  # "" (no default): the rows' own order

    # --- the order asked for ---------------------------------------------------------------

    @property
    def sort_key(self) -> str:
        return self.sort.lstrip("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")

    @property
    def column(self) -> Column | None:
        return next((c for c in self.columns if c.key == self.sort_key), None)

    def ordering(self, *, tie: str = "pk") -> list[Any]:
        """The ORM order of the sort asked for (then ``tie``, so pages never overlap); empty
        values last whichever the direction."""
        if self.column is None:
            return [tie]
        fields = self.column.order or (self.sort_key,)
        if self.descending:
            order: list[Any] = [F(f).desc(nulls_last=True) for f in fields]
        else:
            order = [F(f).asc(nulls_last=True) for f in fields]
        return [*order, f"-{tie}" if self.descending else tie]

    def order_queryset(self, queryset: QuerySet[Any], *, tie: str = "pk") -> QuerySet[Any]:
        """``queryset`` in the order asked for (``ordering``)."""
        return queryset.order_by(*self.ordering(tie=tie))

    def order_list(self, rows: Iterable[Any]) -> list[Any]:
        """``rows`` (built in Python) in the order asked for; the sort is stable, so rows
        that tie keep the order they came in. Empty values last whichever the direction."""
        column = self.column
        rows = list(rows)
        if column is None:
            return rows
        present = [r for r in rows if column.sort_value(r) not in (None, "")]
        absent = [r for r in rows if column.sort_value(r) in (None, "")]
        present.sort(key=column.sort_value, reverse=self.descending)
        return present + absent

    # --- links --------------------------------------------------------------------------------

    def url(self, **changes: Any) -> str:
        """The page's query string with ``changes`` (None removes a parameter)."""
        params = [(k, value) for k, values in self.request.GET.lists() for value in values]
        keep = [(k, v) for k, v in params if k not in changes and k != EXPORT_PARAM]
        keep += [(k, str(v)) for k, v in changes.items() if v is not None]
        return "?" + urlencode([(k, v.replace("\x00", "")) for k, v in keep])

    def headers(self) -> list[Header]:
        out = []
        for c in self.columns:
            if not c.sortable:
                out.append(Header(c.key, c.label, "", c.css, "", False))
                continue
            if c.key == self.sort_key:
                state = "descending" if self.descending else "ascending"
                target = c.key if self.descending else f"-{c.key}"
            else:
                state, target = "", c.key
            out.append(Header(c.key, c.label, self.url(sort=target, page=None), c.css, state, True))
        return out

    def header(self, key: str) -> Header:
        return next(h for h in self.headers() if h.key == key)

    def sort_choices(self) -> list[tuple[str, str, bool]]:
        """(value, label, chosen) for the phone's sort chooser ("" for the rows' own order
        when the table has no default sort)."""
        out: list[tuple[str, str, bool]] = [] if self.default else [("", "默认顺序", not self.sort)]
        for c in self.columns:
            if c.sortable:
                for value, arrow in ((c.key, "升序"), (f"-{c.key}", "降序")):
                    out.append((value, f"按{c.label}{arrow}", value == self.sort))
        return out

    def kept_params(self) -> list[tuple[str, str]]:
        """The query's other parameters, as hidden inputs of the sort chooser."""
        return [
            (k, v.replace("\x00", ""))
            for k, vs in self.request.GET.lists()
            for v in vs
            if k not in (SORT_PARAM, "page", EXPORT_PARAM)
        ]

    @property
    def export_url(self) -> str:
        return self.url(**{EXPORT_PARAM: EXPORT_VALUE, "page": None})

    # --- pages and the spreadsheet --------------------------------------------------------------

    @property
    def wants_export(self) -> bool:
        return self.request.GET.get(EXPORT_PARAM) == EXPORT_VALUE

    def paginate(self, rows: Any) -> Page[Any]:
        """The page asked for (``?page=``): the first for text, the last for a number past
        the end (however large)."""
        paginator = Paginator(rows, self.per_page)
        number = _page_number(self.request.GET.get("page"))
        return paginator.get_page(paginator.num_pages if number == "last" else number)

    def workbook(self, rows: Iterable[Any], *, title: str = "数据") -> Any:
        return table_workbook(self.columns, rows, title=title)

    def export(
        self,
        rows: Iterable[Any],
        filename: str,
        *,
        fallback: str,
        audit: dict[str, Any],
        title: str = "数据",
    ) -> HttpResponseBase:
        """The rows as .xlsx through ``core.exports.xlsx_response``, audited as an export
        with ``audit`` (and the order asked for)."""
        rows = list(rows)
        return xlsx_response(
            self.workbook(rows, title=title),
            filename,
            fallback=fallback,
            request=self.request,
            audit={"count": len(rows), "sort": self.sort, **audit},
        )


def table_response(
    request: HttpRequest,
    template: str,
    *,
    table: Table,
    rows: Any,
    filename: str,
    fallback: str,
    audit: dict[str, Any],
    context: dict[str, Any] | None = None,
    title: str = "",
    export_max: int = EXPORT_MAX,
) -> HttpResponseBase:
    """The whole of a plain list page: ``rows`` (a queryset or a list) in the order asked
    for, then either the .xlsx (``?export=xlsx``: at most ``export_max`` rows, audited with
    ``audit``; ``{date}`` in ``filename`` becomes today's, 20261203) or ``template`` with
    ``page`` and ``table`` added to ``context``."""
    from django.shortcuts import render

    rows = table.order_queryset(rows) if isinstance(rows, QuerySet) else table.order_list(rows)
    if table.wants_export:
        from hongfan.core.dates import today

        title = title or table.label or "数据"
        filename = filename.replace("{date}", f"{today():%Y%m%d}")
        return table.export(
            rows[:export_max], filename, fallback=fallback, audit=audit, title=title
        )
    return render(
        request, template, {**(context or {}), "page": table.paginate(rows), "table": table}
    )


def _page_number(raw: str | None) -> str:
    """A page number Paginator can read: huge numbers become "last", text the first page."""
    raw = (raw or "").replace("\x00", "")
    if raw.isascii() and raw.isdigit():
        return raw if len(raw) < 10 else "last"
    return "1"


def _excel_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, int | float | date):
        return value
    return escape_cell(str(value))


def table_workbook(columns: Sequence[Column], rows: Iterable[Any], *, title: str = "数据") -> Any:
    """A workbook of ``rows`` under the exported columns' headers (formulas escaped, dates
    as dates, a frozen header row)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    from hongfan.core.spreadsheet_templates import HEAD_FILL, HEAD_FONT

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title[:31]
    exported = [c for c in columns if c.export]
    ws.append([c.label for c in exported])
    for cell in ws[1]:
        cell.font = HEAD_FONT
        cell.fill = HEAD_FILL
    for row in rows:
        values = [_excel_value(c.cell(row)) for c in exported]
        ws.append(values)
        for index, value in enumerate(values, start=1):
            if isinstance(value, datetime):
                ws.cell(row=ws.max_row, column=index).number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, date):
                ws.cell(row=ws.max_row, column=index).number_format = "yyyy-mm-dd"
    for index, c in enumerate(exported, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = max(8, min(40, len(c.label) * 2 + 4))
        fmt = c.number_format
        if not fmt:
            continue
        for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
            cell.number_format = fmt
    ws.freeze_panes = "A2"
    return wb
