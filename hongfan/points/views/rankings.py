"""Pages of rankings: members and branches for a month, quarter or year, and their export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from hongfan.core.access import request_access
from hongfan.org.selectors import structure as org_structure_selectors
from hongfan.points.choices import Period
from hongfan.points.filters import RankingQuery
from hongfan.points.periods import period_label
from hongfan.points.selectors import standings


@login_required
def rankings(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    asked = RankingQuery(request).ranking(access)
    period, start, hospital, branch = asked.period, asked.start, asked.hospital, asked.branch
    rows = standings.member_ranking(
        access=access, hospital=hospital, period=period, start=start, branch=branch, limit=100
    )
    branch_rows = (
        standings.branch_ranking(access=access, hospital=hospital, period=period, start=start)
        if hospital is not None and branch is None
        else []
    )
    return render(
        request,
        "points/rankings.html",
        {
            "rows": rows,
            "branch_rows": branch_rows,
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
    """The ranking on screen as .xlsx (members and branches), audited as an export."""
    from openpyxl import Workbook

    from hongfan.core.exports import escape_cell, xlsx_response

    access = request_access(request)
    asked = RankingQuery(request).ranking(access)
    period, start, hospital, branch = asked.period, asked.start, asked.hospital, asked.branch
    rows = standings.member_ranking(
        access=access, hospital=hospital, period=period, start=start, branch=branch, limit=100000
    )
    title = f"{hospital.name if hospital else '全市'}{branch.name if branch else ''}{period_label(period, start)}积分排名"
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "党员排名"
    ws.append(["名次", "姓名", "支部", "科室", "积分"])
    for r in rows:
        ws.append(
            [
                r.rank,
                escape_cell(r.name),
                escape_cell(r.branch),
                escape_cell(r.department),
                float(r.points),
            ]
        )
    if hospital is not None and branch is None:
        bs = wb.create_sheet("支部排名")
        bs.append(["名次", "支部", "党员数", "总积分", "人均积分"])
        for b in standings.branch_ranking(
            access=access, hospital=hospital, period=period, start=start
        ):
            bs.append([b.rank, escape_cell(b.name), b.members, float(b.total), float(b.average)])
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
        },
        cache_control=None,
    )
