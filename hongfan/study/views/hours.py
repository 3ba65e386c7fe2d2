"""Pages of study hours (学时统计): the table against the yearly target, and its export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from hongfan.core import tables
from hongfan.core.access import Access, request_access
from hongfan.core.dates import today
from hongfan.core.exports import xlsx_response
from hongfan.core.forms import id_or_none, year_param
from hongfan.core.pinyin import sort_key
from hongfan.org.models import Branch, Hospital
from hongfan.org.selectors import hospitals as hospital_selectors
from hongfan.org.selectors import structure as org_structure_selectors
from hongfan.study import exports
from hongfan.study.selectors import hours as hour_selectors
from hongfan.study.views.items import manager_hospital


def _hours_request(request: HttpRequest, access: Access) -> tuple[Hospital, Branch | None, int]:
    hospital = manager_hospital(request, access)
    pk = id_or_none(request.GET.get("branch", ""))
    branch = org_structure_selectors.branch_get(access, pk) if pk is not None else None
    if branch is not None and branch.hospital_id != hospital.pk:
        branch = None  # the city changed hospital: the other hospital's branch no longer applies
    return hospital, branch, year_param(request)


PAGE_SIZE = 50

HOURS_COLUMNS = (
    tables.Column("name", "姓名", sort=lambda r: sort_key(r.name)),
    tables.Column("branch", "支部", sort=lambda r: sort_key(r.branch)),
    tables.Column("self_hours", "自学", css="text-end"),
    tables.Column("group_hours", "集中", css="text-end"),
    tables.Column("hours", "合计/目标", css="text-end"),
    tables.Column("percent", "进度"),
)


@login_required
def hours(request: HttpRequest) -> HttpResponse:
    """学时统计: members' study hours against the yearly target; who is behind."""
    access = request_access(request)
    hospital, branch, year = _hours_request(request, access)
    table = hour_selectors.hours_table(access=access, hospital=hospital, year=year, branch=branch)
    sorting = tables.Table(request, HOURS_COLUMNS, default="", label="党员")
    rows = sorting.order_list(table.rows)
    if request.GET.get("behind") == "1":
        rows = [r for r in rows if r.behind]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "study/hours.html",
        {
            "t": table,
            "table": sorting,
            "page": page,
            "rows": page.object_list,
            "hospitals": hospital_selectors.hospital_qs(access=access).order_by("pk")
            if access.is_city
            else None,
            "behind_only": request.GET.get("behind") == "1",
            "branches": org_structure_selectors.branch_options(access, hospital.pk),
            "years": range(today().year, today().year - 4, -1),
        },
    )


@login_required
def hours_export(request: HttpRequest) -> HttpResponseBase:
    """The hours table as .xlsx, formula-escaped and audited as an export."""
    access = request_access(request)
    hospital, branch, year = _hours_request(request, access)
    table = hour_selectors.hours_table(access=access, hospital=hospital, year=year, branch=branch)
    table.rows = tables.Table(request, HOURS_COLUMNS, default="").order_list(table.rows)  # as shown
    scope = table.branch.name if table.branch is not None else ""
    return xlsx_response(
        exports.hours_workbook(table),
        f"{hospital.short_name or hospital.name}{scope}{year}年学习学时.xlsx",
        fallback="study_hours.xlsx",
        request=request,
        audit={
            "actor_id": access.user_id,
            "hospital_id": hospital.pk,
            "what": "study_hours",
            "year": year,
            "branch": table.branch.pk if table.branch else None,
            "count": len(table.rows),
        },
    )


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """学习榜: this year's study hours of the member's own branch, for its members."""
    access = request_access(request)
    year = year_param(request)
    return render(
        request,
        "study/board.html",
        {"b": hour_selectors.branch_board(access=access, year=year), "year": year},
    )
