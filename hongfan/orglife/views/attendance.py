"""Pages of attendance: the roster ticked by the secretary, the QR check-in a member's phone
opens, and a member's own meetings. Thin: writes in ``services.attendance``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from hongfan.core.access import request_access
from hongfan.core.dates import today
from hongfan.orglife.choices import (
    AttendanceStatus,
    LeaveStatus,
    MeetingKind,
    MeetingStatus,
)
from hongfan.orglife.forms.attendance import AttendanceForm
from hongfan.orglife.selectors import appraisal as appraisal_selectors
from hongfan.orglife.selectors import attendance as attendance_selectors
from hongfan.orglife.selectors import leave as leave_selectors
from hongfan.orglife.selectors.meetings import meeting_get
from hongfan.orglife.services import attendance as attendance_services
from hongfan.orglife.views.meetings import meeting_detail

if TYPE_CHECKING:
    from hongfan.orglife.models import Attendance, LeaveRequest


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


_ROW_BADGE: dict[str, str] = {
    AttendanceStatus.PRESENT: "text-bg-success",
    AttendanceStatus.LEAVE: "text-bg-info",
    AttendanceStatus.ABSENT: "text-bg-danger",
}
_LEAVE_BADGE: dict[str, str] = {
    LeaveStatus.APPROVED: "text-bg-success",
    LeaveStatus.REFUSED: "text-bg-warning",
}
_ROW_LABEL = {k: str(v) for k, v in AttendanceStatus.choices}
_LEAVE_LABEL = {k: str(v) for k, v in LeaveStatus.choices}
_KIND_LABEL = {k: str(v) for k, v in MeetingKind.choices}


def _rows_html(
    rows: Iterable[Attendance], leaves: Mapping[int, LeaveRequest], now: datetime
) -> SafeString:
    """我的组织生活's rows, built here rather than in the template: a ``{% url %}``, a
    ``date`` filter, two ``get_*_display`` and a ``{% with %}`` per row cost the template
    engine ~700 function calls a row. Same markup as the old template loop (its
    indentation and line breaks too); the link is reversed once, topics and places (typed by
    users) are escaped, points go through Django's own ``floatformat``."""
    head, tail = reverse("orglife:meeting", args=[0]).rsplit("/0/", 1)
    parts = []
    for r in rows:
        m = r.meeting
        waiting = m.status == MeetingStatus.PLANNED and r.status == AttendanceStatus.EXPECTED
        label = "待参加" if waiting else escape(_ROW_LABEL.get(r.status, r.status))
        asked = leaves.get(r.meeting_id)
        if asked:
            leave = (
                f'<div class="small">请假申请 <span class="badge '
                f'{_LEAVE_BADGE.get(asked.status, "text-bg-info")}">'
                f"{escape(_LEAVE_LABEL.get(asked.status, asked.status))}</span></div>"
            )
        elif waiting and m.starts_at > now:
            leave = '<div class="small text-muted">如不能参加，可打开会议页请假</div>'
        else:
            leave = ""
        place = f" · {escape(m.place)}" if m.place else ""
        pts = ""
        if r.points_entry:
            pts = (
                ' · <span class="text-success">'
                f"积分{floatformat(r.points_entry.points, '-1')}</span>"
            )
        parts.append(
            f'\n  <a class="list-group-item list-group-item-action" '
            f'href="{head}/{r.meeting_id}/{tail}">\n'
            '    <div class="d-flex justify-content-between gap-2">\n'
            f'      <span class="fw-semibold">{escape(m.topic)}</span>\n'
            '      <span class="badge flex-shrink-0 align-self-start '
            f'{_ROW_BADGE.get(r.status, "text-bg-warning")}">{label}</span>\n'
            "    </div>\n"
            f"    {leave}\n"
            f'    <div class="small text-muted">{escape(_KIND_LABEL.get(m.kind, m.kind))} · '
            f"{timezone.localtime(m.starts_at):%Y-%m-%d %H:%M}{place}{pts}</div>\n"
            "  </a>\n"
        )
    if not parts:
        parts.append('\n  <div class="hf-card text-muted">暂无组织生活安排。</div>\n')
    return mark_safe("".join(parts))  # noqa: S308 (built from escaped and internal values)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    access.require_business()
    year = today().year
    counts = attendance_selectors.attendance_counts_mine(access=access, year=year)
    paginator = Paginator(attendance_selectors.attendance_list_shown(access=access), 30)
    paginator.count = counts.rows  # counted with the year's figures: no COUNT of its own
    page = paginator.get_page(request.GET.get("page"))
    leaves = leave_selectors.leave_by_meeting(
        access=access, meeting_ids=[r.meeting_id for r in page]
    )
    now = timezone.now()
    return render(
        request,
        "orglife/attendance/mine.html",
        {
            "page": page,
            "leaves": leaves,
            "rows_html": _rows_html(page, leaves, now),
            "votes": appraisal_selectors.appraisals_voting_for_member(access=access),
            "now": now,
            "year": year,
            "held": counts.held,
            "attended": counts.attended,
            "share": counts.share,
        },
    )
