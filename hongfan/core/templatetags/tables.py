"""The shared table's template tags (``core.tables``) and the date filter of every table.

{% load tables %}
<table class="table hf-cards" aria-label="…">{% table_head table %}<tbody>
  <tr><td data-label="姓名">…</td>…</tr>
</tbody></table>
{% table_sort table %} {% table_export table %} {% table_pager table page %}
{{ meeting.held_on|day }}   → 3月5日 this year, 2025年3月5日 another year
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.utils import timezone

from hongfan.core.dates import today
from hongfan.core.tables import Table

register = template.Library()


@register.inclusion_tag("partials/_table_head.html")
def table_head(table: Table) -> dict[str, Any]:
    """The header row: each sortable column a link that sorts by it (again: the other way)."""
    return {"headers": table.headers()}


@register.inclusion_tag("partials/_table_sort_link.html")
def table_sort_link(table: Table, key: str) -> dict[str, Any]:
    """One sortable header's link (for a header drawn by the page, as the matrix's)."""
    return {"h": table.header(key)}


@register.inclusion_tag("partials/_table_sort.html")
def table_sort(table: Table) -> dict[str, Any]:
    """A sort chooser for phones (the header row is hidden where rows are cards)."""
    return {"choices": table.sort_choices(), "kept": table.kept_params(), "label": table.label}


@register.inclusion_tag("partials/_table_export.html")
def table_export(table: Table, label: str = "导出Excel") -> dict[str, Any]:
    """The 导出Excel button: the same rows, filters and order as the page, as .xlsx."""
    return {"url": table.export_url, "label": label}


@register.inclusion_tag("partials/_table_pager.html")
def table_pager(table: Table, page: Any) -> dict[str, Any]:
    number = page.number
    return {
        "page": page,
        "previous": table.url(page=number - 1) if page.has_previous() else "",
        "next": table.url(page=number + 1) if page.has_next() else "",
    }


@register.filter
def day(value: Any, with_time: bool = False) -> str:
    """A date as a table shows it: ``3月5日`` in this year, ``2025年3月5日`` in another (a
    datetime in local time, with ``14:05`` when ``with_time``); "—" for none."""
    if value in (None, ""):
        return "—"
    clock = ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        clock = f" {value:%H:%M}"
        value = value.date()
    if not isinstance(value, date):
        return str(value)
    text = f"{value.month}月{value.day}日"
    if value.year != today().year:
        text = f"{value.year}年{text}"
    return text + (clock if with_time else "")


@register.filter
def daytime(value: Any) -> str:
    """``day`` with the time of day."""
    return day(value, True)


@register.filter
def audit_detail(detail: Any) -> list[tuple[str, str]]:
    """An audit event's detail as (label, text) pairs in Chinese (``core.audit_text``)."""
    from hongfan.core.audit_text import describe

    return describe(detail if isinstance(detail, dict) else {})


@register.filter
def data_changes(entry: Any) -> list[tuple[str, str]]:
    """A django-auditlog entry's changes as (field, "old → new") pairs in Chinese."""
    from hongfan.core.audit_text import describe_changes

    model = entry.content_type.model_class() if getattr(entry, "content_type_id", None) else None
    return describe_changes(model, entry.changes_dict)


@register.filter
def change_action(entry: Any) -> str:
    """A django-auditlog entry's action (新增, 修改, 删除) in Chinese."""
    from hongfan.core.audit_text import change_action as action

    return action(entry)
