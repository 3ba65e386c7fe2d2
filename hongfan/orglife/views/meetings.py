"""Pages of meetings: the meeting book, schedule, a meeting, edit, close, cancel, files.
Thin: writes in ``services.meetings``, scoped reads in ``selectors.meetings``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from hongfan.core.access import Access, hospital_for, request_access
from hongfan.core.dates import today
from hongfan.core.forms import apply_errors, id_or_none, search_url, year_param
from hongfan.core.qr import qr_svg
from hongfan.core.templatetags.tables import daytime
from hongfan.core.uploads import FILE_TYPES, file_response, stored_file_open
from hongfan.org.models import Branch
from hongfan.org.selectors.hospitals import hospital_choices
from hongfan.org.selectors.structure import branch_get
from hongfan.orglife.choices import AttendanceStatus, LeaveStatus, MeetingKind, MeetingStatus
from hongfan.orglife.filters import MeetingFilter
from hongfan.orglife.forms.meetings import (
    CancelForm,
    CloseForm,
    FileForm,
    MeetingEditForm,
    MeetingForm,
    person_label,
)
from hongfan.orglife.selectors import attendance as attendance_selectors
from hongfan.orglife.selectors import leave as leave_selectors
from hongfan.orglife.selectors import meetings as meeting_selectors
from hongfan.orglife.services import meetings as meeting_services


def _require_manager(access: Access) -> None:
    access.require_business()
    if not (access.hospital_ids or access.branch_ids):
        raise PermissionDenied("只有支部书记和医院党委可以管理组织生活")


_STATUS_BADGE = {
    MeetingStatus.HELD: "text-bg-success",
    MeetingStatus.CANCELLED: "text-bg-secondary",
}


def _rows_html(meetings: Any) -> str:
    """The meeting book's rows, built here rather than by a template loop (as the hospital
    matrix's are): the link reversed once, every user's text escaped. The layout (line
    breaks and indentation included) is the one the template drew."""
    head, tail = reverse("orglife:meeting", args=[0]).rsplit("/0/", 1)
    parts = []
    for m in meetings:
        online = ' <span class="badge text-bg-info">线上</span>' if m.online else ""
        group = f" · {escape(m.party_group.name)}" if m.party_group else ""
        badge = _STATUS_BADGE.get(m.status, "text-bg-warning")
        quorum = (
            ' <span class="badge text-bg-danger">未达法定人数</span>' if m.quorate is False else ""
        )
        parts.append(
            "\n    <tr>\n"
            f'      <td class="text-nowrap">{escape(daytime(m.starts_at))}</td>\n'
            f'      <td class="text-nowrap">{escape(m.get_kind_display())}{online}</td>\n'
            f'      <td><a href="{head}/{m.pk}/{tail}">{escape(m.topic)}</a></td>\n'
            f'      <td class="text-nowrap">{escape(m.branch.name)}{group}</td>\n'
            f'      <td class="text-end">{m.present}/{m.expected}</td>\n'
            f'      <td><span class="badge {badge}">{escape(m.get_status_display())}</span>'
            f"{quorum}</td>\n"
            "    </tr>\n  "
        )
    return mark_safe("".join(parts))  # noqa: S308 (built from escaped and internal values)


@login_required
def meetings(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    access.require_business()
    if not (access.hospital_ids or access.branch_ids or access.is_city):
        return redirect("orglife:mine")
    year = year_param(request)
    data = request.GET.copy()
    data["year"] = str(year)
    filtered = MeetingFilter(
        data, queryset=meeting_selectors.meeting_list(access=access), request=request
    )
    qs = filtered.qs
    chosen = filtered.form.cleaned_data
    branch = chosen.get("branch")
    if access.is_city and not (access.hospital_ids or access.branch_ids):
        hospital = hospital_for(request, access, hospitals=hospital_choices(access=access))
        qs = qs.filter(hospital=hospital)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "orglife/meetings/list.html",
        {
            "page": page,
            "rows_html": _rows_html(page),
            "branches": meeting_selectors.managed_branches(access=access).order_by("pk")
            if not access.is_city
            else [],
            "kinds": MeetingKind.choices,
            "statuses": MeetingStatus.choices,
            "f": {
                "branch": str(branch.pk) if branch else "",
                "kind": chosen.get("kind") or "",
                "status": chosen.get("status") or "",
                "year": year,
            },
            "years": range(today().year, today().year - 5, -1),
            "can_schedule": bool(access.hospital_ids or access.branch_ids),
        },
    )


def _chosen_branch(request: HttpRequest, access: Access) -> tuple[QuerySet[Branch], Branch | None]:
    """The branches the user schedules for, and the one this form is about (the only one, or
    the one picked); never a branch outside the user's scope."""
    branches = meeting_selectors.managed_branches(access=access).order_by("pk")
    raw = request.POST.get("branch") or request.GET.get("branch") or ""
    pk = id_or_none(raw)
    chosen = branches.filter(pk=pk).first() if pk is not None else None
    if chosen is None and branches.count() == 1:
        chosen = branches.first()
    return branches, chosen


def _meeting_form(request: HttpRequest, access: Access, initial: dict[str, Any]) -> MeetingForm:
    branches, chosen = _chosen_branch(request, access)
    if chosen is not None:
        initial.setdefault("branch", chosen.pk)
        initial.setdefault("host", chosen.secretary_id)
    form = MeetingForm(
        request.POST or None,
        initial=initial,
        branches=branches,
        people=meeting_selectors.meeting_people(chosen),
        lecturers=meeting_selectors.meeting_lecturers(chosen),
        groups=meeting_selectors.meeting_groups(chosen),
    )
    if chosen is not None:
        search_url(form, "lecturer", reverse("orglife:lecturer_search", args=[chosen.pk]))
    return form


@login_required
def lecturer_search(request: HttpRequest, pk: int) -> JsonResponse:
    """Search-as-you-type for the meeting form's 授课人: the lecturers of a branch the user
    schedules for, by name."""
    access = request_access(request)
    _require_manager(access)
    branch = branch_get(access, pk)
    if not access.manages_branch(branch.pk, branch.hospital_id):
        raise PermissionDenied("只能为本支部安排组织生活")
    found = meeting_selectors.person_search(
        meeting_selectors.meeting_lecturers(branch), request.GET.get("q", "")
    )
    return JsonResponse({"results": [{"value": p.pk, "text": person_label(p)} for p in found]})


@login_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    _require_manager(access)
    kind = request.GET.get("kind", "")
    form = _meeting_form(
        request,
        access,
        {
            "day": today(),
            "start": "14:30",
            "end": "16:00",
            "kind": kind if kind in MeetingKind.values else "",
        },
    )
    if request.method == "POST" and "reload" not in request.POST and form.is_valid():
        d = form.cleaned_data
        try:
            meeting = meeting_services.meeting_schedule(
                access=access,
                branch=d["branch"],
                kind=d["kind"],
                topic=d["topic"],
                starts_at=d["starts_at"],
                ends_at=d["ends_at"],
                place=d["place"],
                online=d["online"],
                host=d["host"],
                recorder=d["recorder"],
                lecturer=d["lecturer"],
                agenda=d["agenda"],
                party_group=d["party_group"],
                people=list(d["people"] or []),
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已安排{meeting.get_kind_display()}，参会名单已生成")
            return redirect("orglife:meeting", meeting.pk)
    elif request.method == "POST" and "reload" in request.POST:
        form.errors.clear()
    return render(
        request,
        "orglife/meetings/form.html",
        {"form": form, "title": "安排组织生活", "kind": form["kind"].value() or ""},
    )


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    m = meeting_selectors.meeting_get(access=access, pk=pk)
    manages = access.manages_branch(m.branch_id, m.hospital_id)
    rows = attendance_selectors.roster(m)
    mine = next((r for r in rows if r.person_id == access.person_id), None)
    checkin_url = request.build_absolute_uri(
        reverse("orglife:checkin", args=[m.pk, m.checkin_token])
    )
    counts = {s: 0 for s in AttendanceStatus.values}
    for r in rows:
        counts[r.status] += 1
    now = timezone.now()
    leave_pending = leave_selectors.leave_pending_of(access=access, meeting=m)
    my_leave = leave_selectors.leave_of(access=access, meeting=m) if mine else None
    return render(
        request,
        "orglife/meetings/detail.html",
        {
            "m": m,
            "leave_pending": leave_pending,
            "leave_waiting": sorted(leave_pending.values(), key=lambda r: r.pk)
            if m.status == MeetingStatus.PLANNED
            else [],
            "my_leave": my_leave,
            "may_ask_leave": mine is not None
            and m.status == MeetingStatus.PLANNED
            and now < m.starts_at
            and mine.status not in (AttendanceStatus.LEAVE, AttendanceStatus.PRESENT)
            and (my_leave is None or my_leave.status != LeaveStatus.PENDING),
            "rows": rows if manages or access.is_city else [],
            "mine": mine,
            "manages": manages,
            "is_city": access.is_city,
            "counts": counts,
            "expected": len(rows),
            "statuses": AttendanceStatus.choices,
            "qr": qr_svg(checkin_url, box_size=6)
            if manages and m.status == MeetingStatus.PLANNED
            else "",
            "checkin_url": checkin_url if manages else "",
            "checkin_open": m.checkin_opens_at <= now <= m.checkin_closes_at,
            "files": list(m.files.all()),
            "file_form": FileForm(),
            "addable": (
                meeting_selectors.meeting_addable(m, rows)
                if manages and m.status == MeetingStatus.PLANNED
                else []
            ),
        },
    )


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    m = meeting_selectors.meeting_get(access=access, pk=pk, manage=True)
    local_start = timezone.localtime(m.starts_at)
    form = MeetingEditForm(
        request.POST or None,
        initial={
            "topic": m.topic,
            "day": local_start.date(),
            "start": local_start.time(),
            "end": timezone.localtime(m.ends_at).time(),
            "place": m.place,
            "online": m.online,
            "agenda": m.agenda,
        },
    )
    if m.status != MeetingStatus.PLANNED:
        messages.error(request, "会议已记录完成或已取消，不能再修改安排")
        return redirect("orglife:meeting", m.pk)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            meeting_services.meeting_update(
                access=access,
                meeting=m,
                request=request,
                topic=d["topic"],
                starts_at=d["starts_at"],
                ends_at=d["ends_at"],
                place=d["place"],
                online=d["online"],
                agenda=d["agenda"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("orglife:meeting", m.pk)
    return render(
        request,
        "orglife/meetings/form.html",
        {
            "form": form,
            "title": f"修改安排：{m.topic}",
            "back": reverse("orglife:meeting", args=[m.pk]),
        },
    )


@login_required
def meeting_close(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    m = meeting_selectors.meeting_get(access=access, pk=pk, manage=True)
    if m.status != MeetingStatus.PLANNED:
        messages.error(request, "会议已记录完成或已取消")
        return redirect("orglife:meeting", m.pk)
    form = CloseForm(
        request.POST or None, initial={"minutes": m.minutes, "resolutions": m.resolutions}
    )
    rows = attendance_selectors.roster(m)
    if request.method == "POST" and form.is_valid():
        try:
            m, notes = meeting_services.meeting_close(
                access=access,
                meeting=m,
                minutes=form.cleaned_data["minutes"],
                resolutions=form.cleaned_data["resolutions"],
                early=form.cleaned_data["early"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            quorum = ""
            if m.quorate is not None:
                quorum = "，达到法定人数" if m.quorate else "，未达到法定人数（应到过半）"
            messages.success(request, f"会议记录已完成{quorum}" + "".join(f"；{n}" for n in notes))
            return redirect("orglife:meeting", m.pk)
    pending = sum(1 for r in rows if r.status == AttendanceStatus.EXPECTED)
    now = timezone.now()
    return render(
        request,
        "orglife/meetings/close.html",
        {
            "m": m,
            "form": form,
            "pending": pending,
            "rows": rows,
            "in_progress": m.starts_at <= now < m.ends_at,
            "leave_waiting": len(leave_selectors.leave_pending_of(access=access, meeting=m)),
            "not_started": now < m.starts_at,
        },
    )


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    m = meeting_selectors.meeting_get(access=access, pk=pk, manage=True)
    form = CancelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"reason": "请填写取消原因"})
        meeting_services.meeting_cancel(
            access=access, meeting=m, reason=form.cleaned_data["reason"], request=request
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "会议已取消")
    return redirect("orglife:meeting", m.pk)


@login_required
@require_POST
def file_add(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    m = meeting_selectors.meeting_get(access=access, pk=pk, manage=True)
    form = FileForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError({"file": "请选择要上传的照片或文件"})
        meeting_services.meeting_file_add(
            access=access, meeting=m, upload=form.cleaned_data["file"]
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "附件已上传")
    return redirect(reverse("orglife:meeting", args=[m.pk]) + "#files")


@login_required
def file_get(request: HttpRequest, pk: int) -> FileResponse:
    access = request_access(request)
    row = meeting_selectors.meeting_file_get(access=access, pk=pk)  # the meeting's own rules
    opened = stored_file_open(row.file.storage, row.file.name, FILE_TYPES)
    if opened is None:
        raise Http404("附件不存在")
    f, kind = opened  # the type from the stored bytes, never from the name or the row
    return file_response(f, kind=kind, filename=row.name, fallback=f"meeting-file-{row.pk}")
