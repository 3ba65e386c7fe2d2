"""Pages of compliance with the frequency rules: a branch's calendar, the hospital's matrix,
the city's summary. Thin: reads in ``selectors.compliance``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from hongfan.core import tables
from hongfan.core.access import hospital_for, request_access
from hongfan.core.dates import today
from hongfan.core.forms import year_param
from hongfan.core.pinyin import sort_key
from hongfan.org.selectors.hospitals import hospital_choices
from hongfan.org.selectors.structure import branch_get
from hongfan.orglife.choices import Compliance
from hongfan.orglife.selectors import compliance as compliance_selectors
from hongfan.orglife.selectors.rules import Requirement
from hongfan.orglife.services.compliance import tallies_refresh_stale

STATUS_CLASS = {
    Compliance.DONE: "hf-ok",
    Compliance.DUE: "hf-due",
    Compliance.OVERDUE: "hf-late",
    Compliance.UPCOMING: "hf-later",
    Compliance.NOT_APPLICABLE: "hf-na",
}


def _status_legend() -> list[tuple[str, str, str]]:
    return [(s.value, s.label, STATUS_CLASS[s]) for s in Compliance]


@login_required
def calendar(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    branch = branch_get(access, pk)
    year = year_param(request)
    reqs, row = compliance_selectors.branch_compliance(branch, year, today())
    return render(
        request,
        "orglife/compliance/calendar.html",
        {
            "branch": branch,
            "year": year,
            "years": range(today().year, today().year - 5, -1),
            "reqs": [(r, row.cells[r.key]) for r in reqs],
            "counts": row.counts(),
            "classes": STATUS_CLASS,
            "legend": _status_legend(),
            "manages": access.manages_branch(branch.pk, branch.hospital_id),
            "can_export": access.manages_branch(branch.pk, branch.hospital_id) or access.is_city,
            "months": range(1, 13),
        },
    )


def _matrix_row(
    row: compliance_selectors.BranchCompliance, reqs: list[Requirement], year: int
) -> str:
    """One branch's row of the hospital matrix, built here rather than in the template: a
    large hospital has 125 branches × 47 cells, which the template engine renders in ~0.4 s
    and this in a few ms. Only the branch's name comes from users; it is escaped."""
    url = reverse("orglife:calendar", args=[row.branch.pk]) + f"?year={year}"
    name = escape(row.branch.name)
    parts = [
        f'<tr data-branch="{row.branch.pk}"><td class="branch">'
        f'<a href="{url}" title="{name}">{name}</a></td>'
    ]
    for r in reqs:
        for c in row.cells[r.key]:
            if c.status == Compliance.NOT_APPLICABLE:
                text = "·"
            else:
                text = str(c.groups_done if c.groups else c.count)
            css = STATUS_CLASS[Compliance(c.status)]
            parts.append(f'<td class="c {css}" data-status="{c.status}">{text}</td>')
    overdue = row.tally.get(Compliance.OVERDUE, 0)
    late = f'<span class="text-danger fw-semibold">{overdue}</span>' if overdue else "0"
    parts.append(f'<td class="text-end">{late}</td></tr>')
    return mark_safe("".join(parts))  # noqa: S308 (built from escaped and internal values)


def _period_names(r: Requirement) -> list[str]:
    if r.period == "month":
        return [f"{m}月" for m in range(1, 13)]
    if r.period == "quarter":
        return [f"第{q}季度" for q in range(1, 5)]
    return ["全年"]


def _cell_text(cell: compliance_selectors.Cell) -> str:
    if cell.status == Compliance.NOT_APPLICABLE:
        return "不适用"
    done = cell.groups_done if cell.groups else cell.count
    return f"{Compliance(cell.status).label}（{done}）"


def _cell_of(key: str, index: int) -> Callable[[Any], str]:
    """The export's value of one requirement's period in a branch's row."""
    return lambda row: _cell_text(row.cells[key][index])


def _matrix_columns(reqs: list[Requirement]) -> tuple[tables.Column, ...]:
    """The matrix's columns: the branch (by pinyin), one per requirement and period (the
    export's; not sortable), the overdue count."""
    cells = tuple(
        tables.Column(
            f"{r.key}-{i}",
            f"{r.label}·{name}",
            sortable=False,
            value=_cell_of(r.key, i),
        )
        for r in reqs
        for i, name in enumerate(_period_names(r))
    )
    return (
        tables.Column(
            "branch",
            "支部",
            value=lambda row: row.branch.name,
            sort=lambda row: sort_key(row.branch.name),
        ),
        *cells,
        tables.Column("done", "已完成", value=lambda row: row.counts().get(Compliance.DONE, 0)),
        tables.Column("overdue", "逾期", value=lambda row: row.overdue),
    )


@login_required
def matrix(request: HttpRequest) -> HttpResponseBase:
    access = request_access(request)
    access.require_business()
    hospital = hospital_for(request, access, hospitals=hospital_choices(access=access))
    if not access.reads_hospital(hospital.pk):
        if access.branch_ids:
            return redirect("orglife:calendar", min(access.branch_ids))
        raise PermissionDenied("只有医院党委可以查看全院组织生活矩阵")
    year = year_param(request)
    branches = compliance_selectors.compliance_branches(hospital)
    reqs, rows = compliance_selectors.compliance(branches, year, today(), hospital.authority_id)
    table = tables.Table(request, _matrix_columns(reqs), default="", label="党支部")
    rows = table.order_list(rows)
    if table.wants_export:
        return table.export(
            rows,
            f"{hospital.short_name or hospital.name}{year}年组织生活落实情况.xlsx",
            fallback="compliance_matrix.xlsx",
            audit={"hospital_id": hospital.pk, "what": "compliance_matrix", "year": year},
            title="落实情况",
        )
    totals: dict[str, int] = {}
    for row in rows:
        for s, n in row.counts().items():
            totals[s] = totals.get(s, 0) + n
    return render(
        request,
        "orglife/compliance/matrix.html",
        {
            "hospital": hospital,
            "year": year,
            "years": range(today().year, today().year - 5, -1),
            "reqs": reqs,
            "rows": [_matrix_row(row, reqs, year) for row in rows],
            "classes": STATUS_CLASS,
            "legend": _status_legend(),
            "totals": totals,
            "is_city": access.is_city,
            "table": table,
        },
    )


CITY_COLUMNS = (
    tables.Column(
        "hospital",
        "医院",
        value=lambda r: r.hospital.name,
        sort=lambda r: sort_key(r.hospital.name),
    ),
    tables.Column("branches", "党支部", css="text-end"),
    tables.Column("cells", "应开展（已到期）", css="text-end"),
    tables.Column("done", "已完成", css="text-end"),
    tables.Column(
        "done_share",
        "完成率",
        css="text-end",
        value=lambda r: round(r.done_share, 4),
        number_format="0.0%",
    ),
    tables.Column("due", "本期待开展", css="text-end"),
    tables.Column("overdue", "逾期", css="text-end"),
)


@login_required
def city(request: HttpRequest) -> HttpResponseBase:
    access = request_access(request)
    year = year_param(request)
    tallies_refresh_stale(access=access, year=year, today=today())
    table = tables.Table(request, CITY_COLUMNS, default="", label="医院")
    rows = table.order_list(
        compliance_selectors.city_summary(access=access, year=year, today=today())
    )
    if table.wants_export:
        return table.export(
            rows,
            f"全市{year}年组织生活落实情况.xlsx",
            fallback="compliance_city.xlsx",
            audit={"what": "compliance_city", "year": year},
            title="全市汇总",
        )
    return render(
        request,
        "orglife/compliance/city.html",
        {
            "rows": rows,
            "year": year,
            "years": range(today().year, today().year - 5, -1),
            "table": table,
        },
    )
