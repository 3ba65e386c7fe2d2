"""Pages of 请假: a member asks for leave from a meeting (on a phone, from the meeting's page
or 我的组织生活); the secretary's list of requests waiting, and the answer. Thin: writes in
``services.leave``, scoped reads in ``selectors.leave``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hongfan.core.access import request_access
from hongfan.core.forms import apply_errors
from hongfan.orglife.choices import MeetingStatus
from hongfan.orglife.forms.leave import LeaveAnswerForm, LeaveRequestForm
from hongfan.orglife.selectors import attendance as attendance_selectors
from hongfan.orglife.selectors import leave as leave_selectors
from hongfan.orglife.selectors.meetings import meeting_get
from hongfan.orglife.services import leave as leave_services


@login_required
def leave_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A member asks for leave from a meeting they are on the roster of."""
    access = request_access(request)
    m = meeting_get(access=access, pk=pk)
    person = attendance_selectors.acting_person(access=access)
    mine = attendance_selectors.attendance_of(m, person) if person is not None else None
    current = leave_selectors.leave_of(access=access, meeting=m)
    form = LeaveRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            leave_services.leave_request(
                access=access, meeting=m, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "请假申请已提交，等待支部书记审批")
            return redirect("orglife:meeting", m.pk)
    elif request.method == "POST" and mine is None:
        raise PermissionDenied("你不在本次会议的参会名单中，不能请假")
    return render(
        request,
        "orglife/leave/new.html",
        {
            "m": m,
            "form": form,
            "mine": mine,
            "current": current,
            "open": m.status == MeetingStatus.PLANNED and timezone.now() < m.starts_at,
        },
    )


@login_required
def leave_list(request: HttpRequest) -> HttpResponse:
    """The secretary's requests waiting for an answer, and the latest answers."""
    access = request_access(request)
    access.require_business()
    if not (access.hospital_ids or access.branch_ids):
        raise PermissionDenied("只有支部书记和医院党委可以审批请假")
    return render(
        request,
        "orglife/leave/list.html",
        {
            "waiting": list(leave_selectors.leave_waiting(access=access)[:200]),
            "answered": leave_selectors.leave_answered_list(access=access),
        },
    )


@login_required
@require_POST
def leave_answer(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    leave = leave_selectors.leave_get(access=access, pk=pk)
    form = LeaveAnswerForm(request.POST)
    back = (
        reverse("orglife:meeting", args=[leave.meeting_id]) + "#leave"
        if request.POST.get("back") == "meeting"
        else reverse("orglife:leave_list")
    )
    try:
        if not form.is_valid():
            raise ValidationError("；".join(str(m) for e in form.errors.values() for m in e))
        approve = form.cleaned_data["decision"] == "approve"
        leave_services.leave_answer(
            access=access,
            leave=leave,
            approve=approve,
            note=form.cleaned_data["note"],
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        verdict = "已批准" if approve else "已答复不批准"
        messages.success(request, f"{leave.person.name}的请假申请{verdict}，已通知本人")
    return redirect(back)
