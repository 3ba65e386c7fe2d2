"""Pages of compliance with the frequency rules: a branch's calendar, the hospital's matrix,
the city's summary. Thin: reads in ``selectors.compliance``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from hongfan.core.access import hospital_for, request_access
from hongfan.core.dates import today
from hongfan.core.forms import year_param
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


@login_required
def matrix(request: HttpRequest) -> HttpResponse:
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
        },
    )


@login_required
def city(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    year = year_param(request)
    tallies_refresh_stale(access=access, year=year, today=today())
    rows = compliance_selectors.city_summary(access=access, year=year, today=today())
    return render(
        request,
        "orglife/compliance/city.html",
        {"rows": rows, "year": year, "years": range(today().year, today().year - 5, -1)},
    )
