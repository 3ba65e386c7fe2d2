"""Pages of rankings: members, branches and (for the city) hospitals for a month, quarter or
year, and their export."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from hongfan.core import tables
from hongfan.core.access import request_access
from hongfan.core.exports import escape_cell, xlsx_response
from hongfan.core.pinyin import sort_key
from hongfan.org.selectors import structure as org_structure_selectors
from hongfan.points.choices import Period
from hongfan.points.filters import RankingQuery
from hongfan.points.periods import period_label
from hongfan.points.selectors import standings

SHOWN = 100  # members listed on the page; the export has them all

MEMBER_COLUMNS = (
    tables.Column("rank", "名次"),
    tables.Column("name", "姓名", sort=lambda r: sort_key(r.name)),
    tables.Column("hospital", "医院", sort=lambda r: sort_key(r.hospital)),
    tables.Column("branch", "支部", sort=lambda r: sort_key(r.branch)),
    tables.Column("department", "科室", sort=lambda r: sort_key(r.department)),
    tables.Column("points", "积分", css="text-end"),
)


def _member_columns(city: bool) -> tuple[tables.Column, ...]:
    """The hospital column only where the ranking spans hospitals (the city's)."""
    return MEMBER_COLUMNS if city else tuple(c for c in MEMBER_COLUMNS if c.key != "hospital")


def _ranking(request: HttpRequest, limit: int) -> dict[str, Any]:
    access = request_access(request)
    asked = RankingQuery(request).ranking(access)
    period, start, hospital, branch = asked.period, asked.start, asked.hospital, asked.branch
    table = tables.Table(request, _member_columns(hospital is None), default="rank", label="党员")
    rows = standings.member_ranking(
        access=access, hospital=hospital, period=period, start=start, branch=branch, limit=limit
    )
    return {
        "access": access,
        "asked": asked,
        "table": table,
        "rows": table.order_list(rows),
        "branch_rows": (
            standings.branch_ranking(access=access, hospital=hospital, period=period, start=start)
            if hospital is not None and branch is None
            else []
        ),
        "hospital_rows": (
            standings.hospital_ranking(access=access, period=period, start=start)
            if hospital is None
            else []
        ),
    }


def _rows_html(rows: list[standings.RankRow], city: bool) -> str:
    """The member ranking's rows, built here rather than in the template (as the hospital
    matrix's are): 100 rows of a URL reversal, two filters and six cells cost the template
    engine ~10 ms, this ~1 ms. The link is reversed once; names come from users and are
    escaped; points are shown as ``floatformat:"-1"`` shows them (Django's own filter,
    once per distinct value)."""
    head, tail = reverse("points:person", args=[0]).rsplit("/0/", 1)
    shown: dict[Decimal, str] = {}
    parts = []
    for r in rows:
        pts = shown.get(r.points)
        if pts is None:
            pts = shown[r.points] = str(floatformat(r.points, "-1"))
        rank = f'<span class="badge text-bg-danger">{r.rank}</span>' if r.rank <= 3 else r.rank
        hospital = f'<td class="small" data-label="医院">{escape(r.hospital)}</td>' if city else ""
        parts.append(
            f'<tr><td data-label="名次">{rank}</td><td class="hf-card-title" data-label="姓名">'
            f'<a href="{head}/{r.person_id}/{tail}">{escape(r.name)}</a></td>{hospital}'
            f'<td class="small" data-label="支部">{escape(r.branch or "—")}</td>'
            f'<td class="small" data-label="科室">{escape(r.department or "—")}</td>'
            f'<td class="text-end fw-semibold" data-label="积分">{pts}</td></tr>'
        )
    return mark_safe("".join(parts))  # noqa: S308 (built from escaped and internal values)


@login_required
def rankings(request: HttpRequest) -> HttpResponse:
    r = _ranking(request, SHOWN)
    asked, access = r["asked"], r["access"]
    period, start, hospital, branch = asked.period, asked.start, asked.hospital, asked.branch
    return render(
        request,
        "points/rankings.html",
        {
            "rows": r["rows"],
            "rows_html": _rows_html(r["rows"], city=hospital is None),
            "table": r["table"],
            "branch_rows": r["branch_rows"],
            "hospital_rows": r["hospital_rows"],
            "period": period,
            "start": start,
            "label": period_label(period, start),
            "hospital": hospital,
            "branch": branch,
            "scope": asked.scope,
            "branches": org_structure_selectors.branch_options(access, hospital.pk)
            if hospital
            else [],
            "periods": [(Period.MONTH, "月"), (Period.QUARTER, "季度"), (Period.YEAR, "年")],
        },
    )


@login_required
def rankings_export(request: HttpRequest) -> HttpResponseBase:
    """The ranking on screen as .xlsx — every member, in the page's order; the branches of a
    hospital or the city's hospitals on a second sheet — audited as an export."""
    r = _ranking(request, 100000)
    asked, access, rows, table = r["asked"], r["access"], r["rows"], r["table"]
    period, start, hospital, branch = asked.period, asked.start, asked.hospital, asked.branch
    title = f"{hospital.name if hospital else '全市'}{branch.name if branch else ''}{period_label(period, start)}积分排名"
    wb = table.workbook(rows, title="党员排名")
    if r["branch_rows"]:
        bs = wb.create_sheet("支部排名")
        bs.append(["名次", "支部", "党员数", "总积分", "人均积分"])
        for b in r["branch_rows"]:
            bs.append([b.rank, escape_cell(b.name), b.members, float(b.total), float(b.average)])
    if r["hospital_rows"]:
        hs = wb.create_sheet("医院排名")
        hs.append(["名次", "医院", "党员数", "总积分", "人均积分"])
        for h in r["hospital_rows"]:
            hs.append([h.rank, escape_cell(h.name), h.members, float(h.total), float(h.average)])
    return xlsx_response(
        wb,
        f"{title}.xlsx",
        fallback="ranking.xlsx",
        request=request,
        audit={
            "actor_id": access.user_id,
            "hospital_id": hospital.pk if hospital else None,
            "what": "points_ranking",
            "period": period,
            "start": str(start),
            "count": len(rows),
            "sort": table.sort,
        },
        cache_control=None,
    )
