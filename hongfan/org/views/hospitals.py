"""The city's hospital list, one hospital's overview and one branch's page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hongfan.core import panels
from hongfan.core.access import Access, request_access
from hongfan.org.choices import CultivationDirection, CultivationOutcome, DevelopmentStage
from hongfan.org.selectors import hospitals as hospitals_selectors
from hongfan.org.selectors import structure as structure_selectors


def _require_manager(access: Access) -> None:
    if not (access.is_city or access.hospital_ids or access.branch_ids):
        raise PermissionDenied("没有权限访问此页面")


# --- organisation pages --------------------------------------------------------------------


@login_required
def hospitals(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    rows: list[Any] = hospitals_selectors.hospital_list(access=access)
    totals = {
        "staff": sum(h.staff_count for h in rows),
        "members": sum(h.member_count for h in rows),
        "branches": sum(h.branch_count or 0 for h in rows),
        "recruited": sum(h.recruited_count or 0 for h in rows),
    }
    chart = {
        "names": [h.short_name or h.name for h in rows],
        "members": [h.member_count for h in rows],
        "share": [round(h.member_share, 1) for h in rows],
    }
    return render(
        request,
        "org/hospitals.html",
        {
            "rows": rows,
            "totals": totals,
            "chart": chart,
        },
    )


@login_required
def hospital(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    h = hospitals_selectors.hospital_get(access=access, pk=pk)
    ov = hospitals_selectors.hospital_overview(access=access, hospital=h)
    stage_labels = dict(DevelopmentStage.choices)
    chart = {
        "branches": [
            r.branch.name.replace("党支部", "").replace("党总支", "")
            for r in ov.branch_rows
            if r.branch.kind == "branch"
        ],
        "branch_members": [r.member_count for r in ov.branch_rows if r.branch.kind == "branch"],
        "age": [{"name": k, "value": v} for k, v in ov.age_bands.items()],
        "education": [{"name": k, "value": v} for k, v in ov.education.items()],
        "pipeline": [
            {"name": stage_labels[s], "value": ov.pipeline.get(s, 0)}
            for s in ("applicant", "activist", "candidate", "probationary")
        ],
    }
    return render(
        request,
        "org/hospital.html",
        {
            "ov": ov,
            "panels": panels.panels_for(panels.HOSPITAL, access=access, obj=h),
            "h": h,
            "chart": chart,
            "directions": CultivationDirection.choices,
            "outcomes": CultivationOutcome.choices,
            "can_manage": access.administers_hospital(h.pk),
        },
    )


@login_required
def branch(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    b = structure_selectors.branch_get(access, pk)
    detail = structure_selectors.branch_detail(access=access, branch=b)
    manages = access.manages_branch(b.pk, b.hospital_id)
    return render(
        request,
        "org/branch.html",
        {
            "d": detail,
            "b": b,
            "manages": manages,
            "is_admin": access.administers_hospital(b.hospital_id) or access.is_city,
            "stage_labels": dict(DevelopmentStage.choices),
        },
    )
