"""The pages of 民主评议党员: a branch's grades of a year (the secretary opens the online vote,
reads the tally, starts from “全部合格”, checks, then confirms), a member's self-assessment
and anonymous ballot, and the tally for the committee. Thin: writes in
``services.appraisal``, reads in ``selectors.appraisal``."""

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
from hongfan.orglife.forms.appraisal import AppraisalForm, BallotForm, SelfAssessmentForm
from hongfan.orglife.selectors import appraisal as appraisal_selectors
from hongfan.orglife.services import appraisal as appraisal_services


@dataclass
class _Grade:
    """A grade typed in but not saved (the form shown again with its error)."""

    grade: str
    note: str


def _vote_action(request: HttpRequest, access: Any, branch: Any, year: int, record: Any) -> None:
    """Open or close the online vote (民主测评), with the outcome as a message."""
    action = request.POST.get("action")
    try:
        if action == "open_vote":
            appraisal_services.appraisal_vote_open(
                access=access, branch=branch, year=year, request=request
            )
            messages.success(request, "民主测评已开始，已通知本支部党员")
        else:
            if record is None:
                raise ValidationError("民主测评未在进行中")
            appraisal_services.appraisal_vote_close(
                access=access, appraisal=record, request=request
            )
            messages.success(request, "民主测评已结束，请根据测评结果确定等次")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))


@login_required
def appraisal(request: HttpRequest, pk: int, year: int) -> HttpResponse:  # noqa: C901
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
    final = record is not None and record.status == "final"
    error = ""
    confirm = None  # the grades checked and ready for the irreversible 确定
    started = False
    if request.method == "POST":
        if not manages:
            raise PermissionDenied("只能评议本支部的党员")
        if request.POST.get("action") in ("open_vote", "close_vote"):
            _vote_action(request, access, branch, year, record)
            return redirect("orglife:appraisal", branch.pk, year)
        form = AppraisalForm(request.POST, full=full, meetings=meetings)
        if not form.is_valid():
            error = "；".join(str(m) for errors in form.errors.values() for m in errors)
        else:
            d = form.cleaned_data
            typed = {pid: _Grade(g, d["notes"].get(pid, "")) for pid, g in d["grades"].items()}
            if d["action"] in ("check", "edit"):
                # 确定 is irreversible: the grades are checked first, and only grades that
                # pass are offered for confirmation. Nothing is saved here.
                existing = typed
                if d["action"] == "check":
                    problems = appraisal_selectors.appraisal_problems(
                        branch=branch, grades=d["grades"], final=True, meeting=d["meeting"]
                    )
                    if problems:
                        error = "；".join(m for ms in problems.values() for m in ms)
                    else:
                        counts = appraisal_selectors.grade_counts(d["grades"].values())
                        confirm = {
                            "counts": [(label, counts.get(v, 0)) for v, label in Grade.choices],
                            "meeting": d["meeting"],
                            "rows": [
                                (p, Grade(d["grades"][p.pk]).label, d["notes"].get(p.pk, ""))
                                for p in full
                            ],
                        }
            else:
                try:
                    record, notes_out = appraisal_services.appraisal_record(
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
                    existing = typed
                else:
                    messages.success(
                        request,
                        ("民主评议结果已确定" if d["final"] else "已保存草稿")
                        + "".join(f"；{n}" for n in notes_out),
                    )
                    return redirect("orglife:appraisal", branch.pk, year)
    elif request.GET.get("start") == "qualified" and manages and not final:
        # “全部合格” as a starting point: every full member not yet graded is filled in as
        # 合格 on the page (nothing saved); the secretary changes the few that differ.
        started = True
        existing = {p.pk: existing.get(p.pk) or _Grade(Grade.QUALIFIED, "") for p in full}
    counts = appraisal_selectors.grade_counts(g.grade for g in existing.values())
    tally = (
        appraisal_selectors.appraisal_tally(access=access, appraisal=record)
        if record is not None and record.vote_opened_at is not None
        else None
    )
    tally_by = {line.person.pk: line for line in tally.lines} if tally else {}
    divisor = appraisal_selectors.excellent_divisor(branch)
    return render(
        request,
        "orglife/appraisal/grades.html",
        {
            "branch": branch,
            "year": year,
            "record": record,
            "full": [(p, existing.get(p.pk), tally_by.get(p.pk)) for p in full],
            "probationary": probationary,
            "grades": Grade.choices,
            "limit": appraisal_selectors.excellent_limit(len(full), divisor=divisor),
            "share": appraisal_selectors.share_text(divisor),
            "counts": [(label, counts.get(value, 0)) for value, label in Grade.choices],
            "meetings": meetings,
            "error": error,
            "manages": manages,
            "final": final,
            "confirm": confirm,
            "started": started,
            "tally": tally,
            "vote_open": record is not None and appraisal_selectors.vote_is_open(record),
            # the vote of a year may be held in it or early the next (as branches often do)
            "may_open_vote": year >= today().year - 1,
        },
    )


@login_required
def appraisal_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's page of the online appraisal: their self-assessment and their anonymous
    ballot on the branch's other full members (made for a phone)."""
    access = request_access(request)
    record = appraisal_selectors.appraisal_get(access=access, pk=pk)
    ballot = appraisal_selectors.appraisal_ballot(access=access, appraisal=record)
    text_form = SelfAssessmentForm(initial={"text": ballot.my_text})
    error = ""
    if request.method == "POST":
        if ballot.voter is None:
            raise PermissionDenied("只能参加本支部的民主评议")
        try:
            if request.POST.get("action") == "self":
                text_form = SelfAssessmentForm(request.POST)
                if not text_form.is_valid():
                    raise ValidationError(
                        "；".join(str(m) for e in text_form.errors.values() for m in e)
                    )
                appraisal_services.self_assessment_save(
                    access=access,
                    appraisal=record,
                    text=text_form.cleaned_data["text"],
                    request=request,
                )
                messages.success(request, "自我评价已保存")
            else:
                form = BallotForm(request.POST)
                form.is_valid()
                n = appraisal_services.appraisal_vote_cast(
                    access=access, appraisal=record, votes=form.votes(), request=request
                )
                messages.success(request, f"已提交对{n}名党员的评价（不记名）")
        except ValidationError as exc:
            error = "；".join(exc.messages)
        else:
            return redirect("orglife:appraisal_vote", record.pk)
    return render(
        request,
        "orglife/appraisal/vote.html",
        {
            "a": record,
            "ballot": ballot,
            "text_form": text_form,
            "grades": Grade.choices,
            "open": appraisal_selectors.vote_is_open(record),
            "error": error,
            "may_tally": appraisal_selectors.may_see_tally(access, record),
        },
    )


@login_required
def appraisal_tally(request: HttpRequest, pk: int) -> HttpResponse:
    """The tally of the votes, for the committee: counts per member and grade, never who
    gave which vote."""
    access = request_access(request)
    record = appraisal_selectors.appraisal_get(access=access, pk=pk)
    tally = appraisal_selectors.appraisal_tally(access=access, appraisal=record)
    divisor = appraisal_selectors.excellent_divisor(record.branch)
    return render(
        request,
        "orglife/appraisal/tally.html",
        {
            "a": record,
            "tally": tally,
            "grades": Grade.choices,
            "limit": appraisal_selectors.excellent_limit(len(tally.lines), divisor=divisor),
            "share": appraisal_selectors.share_text(divisor),
            "manages": access.manages_branch(record.branch_id, record.hospital_id),
        },
    )
