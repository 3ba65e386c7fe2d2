"""The page of 民主评议党员: a branch's grades of a year."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from hongfan.core.access import request_access
from hongfan.core.dates import today
from hongfan.org.selectors.structure import branch_get
from hongfan.orglife.choices import Grade
from hongfan.orglife.forms.appraisal import AppraisalForm
from hongfan.orglife.selectors import appraisal as appraisal_selectors
from hongfan.orglife.services.appraisal import appraisal_record


@dataclass
class _Grade:
    """A grade typed in but not saved (the form shown again with its error)."""

    grade: str
    note: str


@login_required
def appraisal(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    access = request_access(request)
    branch = branch_get(access, pk)
    manages = access.manages_branch(branch.pk, branch.hospital_id)
    if not manages and not access.is_city:
        raise PermissionDenied("只有支部书记和医院党委可以查看民主评议")
    if year < 2000 or year > today().year:
        raise Http404("年度无效")
    record = appraisal_selectors.appraisal_find(branch, year)
    existing: dict[int, Any] = (
        {g.person_id: g for g in appraisal_selectors.appraisal_grades(record)} if record else {}
    )
    full, probationary = appraisal_selectors.appraisal_candidates(branch)
    meetings = appraisal_selectors.appraisal_meetings(branch, year)
    error = ""
    if request.method == "POST":
        if not manages:
            raise PermissionDenied("只能评议本支部的党员")
        form = AppraisalForm(request.POST, full=full, meetings=meetings)
        if not form.is_valid():
            error = "；".join(str(m) for errors in form.errors.values() for m in errors)
        else:
            d = form.cleaned_data
            try:
                record, notes_out = appraisal_record(
                    access=access,
                    branch=branch,
                    year=year,
                    grades=d["grades"],
                    notes=d["notes"],
                    meeting=d["meeting"],
                    final=d["final"],
                    request=request,
                )
            except ValidationError as exc:
                error = "；".join(exc.messages)
                existing = {
                    pid: _Grade(g, d["notes"].get(pid, "")) for pid, g in d["grades"].items()
                }
            else:
                messages.success(
                    request,
                    ("民主评议结果已确定" if d["final"] else "已保存草稿")
                    + "".join(f"；{n}" for n in notes_out),
                )
                return redirect("orglife:appraisal", branch.pk, year)
    counts = appraisal_selectors.grade_counts(g.grade for g in existing.values())
    return render(
        request,
        "orglife/appraisal/grades.html",
        {
            "branch": branch,
            "year": year,
            "record": record,
            "full": [(p, existing.get(p.pk)) for p in full],
            "probationary": probationary,
            "grades": Grade.choices,
            "limit": appraisal_selectors.excellent_limit(len(full)),
            "counts": [(label, counts.get(value, 0)) for value, label in Grade.choices],
            "meetings": meetings,
            "error": error,
            "manages": manages,
            "final": record is not None and record.status == "final",
        },
    )
