"""The service dashboards: a hospital's year per month and per branch (its admin, the city
picking one), and the city's per hospital side by side (the city); each exportable to
Excel. Thin: the figures come from ``selectors.dashboard``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from hongfan.core import tables
from hongfan.core.access import hospital_for, request_access
from hongfan.core.exports import xlsx_response
from hongfan.core.forms import year_param
from hongfan.org.selectors.hospitals import authority_for, hospital_choices, hospital_qs
from hongfan.service.selectors import dashboard as dashboard_selectors
from hongfan.service.views.brand import years


def _percent(line: dashboard_selectors.Figures) -> str:
    p = line.in_time_percent
    return "" if p is None else f"{p:.1f}%"


SERVICE = (
    tables.Column("label", "", sortable=False),
    tables.Column("activities", "活动次数", sortable=False),
    tables.Column("hours", "服务时长（小时）", sortable=False),
    tables.Column("people_served", "服务人数", sortable=False),
    tables.Column("places", "到达村居（个）", sortable=False),
)
DESKS_NURSING = (
    tables.Column("desk_help", "驿站服务（人次）", sortable=False),
    tables.Column("loans", "物品借用（次）", sortable=False),
    tables.Column("nursing", "护理预约（单）", sortable=False),
    tables.Column("nursing_visited", "已上门", sortable=False),
    tables.Column("in_time", "按时上门率", value=_percent, sortable=False),
)


def _workbook(sheets: Sequence[tuple[str, str, Sequence[tables.Column], list[Any]]]) -> Any:
    """One sheet per part of the dashboard (title, first header, columns, lines)."""
    wb = None
    for title, first, columns, lines in sheets:
        cols = [tables.Column("label", first, sortable=False), *columns[1:]]
        part = tables.table_workbook(cols, lines, title=title)
        if wb is None:
            wb = part
        else:
            ws = wb.create_sheet(title[:31])
            for row in part.active.iter_rows(values_only=True):
                ws.append(row)
    return wb


@login_required
def dashboard(request: HttpRequest) -> HttpResponseBase:
    access = request_access(request)
    access.require_business()
    if not (access.is_city or access.hospital_ids):
        raise PermissionDenied("为民服务统计由医院党委和卫健委查看")
    hospital = hospital_for(request, access, hospitals=hospital_choices(access=access))
    year = year_param(request)
    d = dashboard_selectors.hospital_dashboard(hospital=hospital, year=year)
    if request.GET.get("export") == "xlsx":
        months = [*d.lines, d.total]
        return xlsx_response(
            _workbook(
                [
                    ("按月", "月份", [*SERVICE, *DESKS_NURSING], months),
                    ("按支部", "支部", SERVICE, d.branches),
                ]
            ),
            f"{hospital.short_name or hospital.name}{year}年为民服务统计.xlsx",
            fallback="service_dashboard.xlsx",
            request=request,
            audit={"actor_id": access.user_id, "hospital_id": hospital.pk, "what": "service_dashboard", "year": year},
        )  # fmt: skip
    peak = max([line.activities for line in d.lines] + [1])
    return render(
        request,
        "service/dashboard/hospital.html",
        {
            "d": d,
            "hospital": hospital,
            "year": year,
            "years": years(),
            "peak": peak,
            "hospitals": hospital_choices(access=access).order_by("pk") if access.is_city else None,
        },
    )


@login_required
def dashboard_city(request: HttpRequest) -> HttpResponseBase:
    access = request_access(request)
    access.require_business()
    if not access.is_city:
        raise PermissionDenied("全市为民服务统计由卫健委查看")
    authority = authority_for(access)
    if authority is None:
        raise PermissionDenied("没有可查看的城市")
    year = year_param(request)
    hospitals = hospital_qs(access=access).filter(authority=authority).order_by("pk")
    d = dashboard_selectors.city_dashboard(authority=authority, hospitals=hospitals, year=year)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            _workbook([("各医院", "医院", [*SERVICE, *DESKS_NURSING], [*d.lines, d.total])]),
            f"{authority.city}{year}年为民服务统计.xlsx",
            fallback="service_city_dashboard.xlsx",
            request=request,
            audit={"actor_id": access.user_id, "what": "service_city_dashboard", "year": year},
        )
    peak = max([line.activities for line in d.lines] + [1])
    return render(
        request,
        "service/dashboard/city.html",
        {"d": d, "year": year, "years": years(), "peak": peak, "authority": authority},
    )
