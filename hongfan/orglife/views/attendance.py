"""Pages of attendance: the roster ticked by the secretary, the QR check-in a member's phone
opens, and a member's own meetings. Thin: writes in ``services.attendance``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hongfan.core.access import request_access
from hongfan.core.dates import today
from hongfan.orglife.forms.attendance import AttendanceForm
from hongfan.orglife.selectors import appraisal as appraisal_selectors
from hongfan.orglife.selectors import attendance as attendance_selectors
from hongfan.orglife.selectors import leave as leave_selectors
from hongfan.orglife.selectors.meetings import meeting_get
from hongfan.orglife.services import attendance as attendance_services
from hongfan.orglife.views.meetings import meeting_detail


@login_required
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    m = meeting_get(access=access, pk=pk, manage=True)
    if request.POST.get("rest") == "present":
        try:
            n = attendance_services.attendance_mark_rest_present(access=access, meeting=m)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已将其余{n}人记为出席")
        return redirect(reverse("orglife:meeting", args=[m.pk]) + "#roster")
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "出勤信息不完整")
        return redirect("orglife:meeting", m.pk)
    d = form.cleaned_data
    person = attendance_selectors.person_find(d["person"])
    try:
        if person is None:
            raise ValidationError({"person": "人员不存在"})
        if request.POST.get("add"):
            attendance_services.attendance_add(access=access, meeting=m, person=person)
            messages.success(request, f"已将{person.name}加入参会名单")
        else:
            attendance_services.attendance_mark(
                access=access, meeting=m, person=person, status=d["status"], reason=d["reason"]
            )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    if request.htmx:  # type: ignore[attr-defined]
        return meeting_detail(request, pk)
    return redirect(reverse("orglife:meeting", args=[m.pk]) + "#roster")


@login_required
def checkin(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """What a member's phone opens from the QR code: the meeting and one big button."""
    access = request_access(request)
    access.require_business()
    person = attendance_selectors.acting_person(access=access)
    error = ""
    done = None
    m = attendance_selectors.meeting_by_code(pk, token)
    valid = m is not None
    mine = None
    if valid and person is not None and m is not None:
        mine = attendance_selectors.attendance_of(m, person)
    # The code is not a key to the meeting: only its roster, and those who may read it
    # anyway (its managers, the city), see what it is.
    shown = m is not None and (
        mine is not None or access.is_city or access.manages_branch(m.branch_id, m.hospital_id)
    )
    if request.method == "POST":
        try:
            done = attendance_services.meeting_checkin(person=person, meeting_id=pk, token=token)
        except ValidationError as exc:
            error = "；".join(exc.messages)
        else:
            messages.success(request, "签到成功")
            return redirect(request.path)  # a reload shows the result, it does not post again
    elif not valid:
        error = attendance_selectors.BAD_CODE
    elif mine is None:
        error = attendance_selectors.NOT_ON_ROSTER
    return render(
        request,
        "orglife/attendance/checkin.html",
        {
            "m": m if shown else None,
            "can_check_in": valid and mine is not None,
            "error": error,
            "done": done,
            "mine": mine,
            "person": person,
        },
        status=404 if not valid else 200,
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    access.require_business()
    year = today().year
    counts = attendance_selectors.attendance_counts_mine(access=access, year=year)
    paginator = Paginator(attendance_selectors.attendance_list(access=access), 30)
    paginator.count = counts.rows  # counted with the year's figures: no COUNT of its own
    page = paginator.get_page(request.GET.get("page"))
    leaves = leave_selectors.leave_by_meeting(
        access=access, meeting_ids=[r.meeting_id for r in page]
    )
    return render(
        request,
        "orglife/attendance/mine.html",
        {
            "page": page,
            "leaves": leaves,
            "votes": appraisal_selectors.appraisals_voting_for_member(access=access),
            "now": timezone.now(),
            "year": year,
            "held": counts.held,
            "attended": counts.attended,
            "share": counts.share,
        },
    )
