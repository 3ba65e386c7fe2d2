"""Pages of 组织生活. Thin: writes in ``services``, scoped reads in ``selectors``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
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

from hongfan.core.access import Access, request_access
from hongfan.core.dates import today
from hongfan.core.forms import apply_errors, form_save, search_url
from hongfan.core.qr import qr_svg
from hongfan.core.uploads import FILE_TYPES, file_response, stored_file_open
from hongfan.org.choices import PersonStatus
from hongfan.org.models import Authority, Branch, PartyGroup, Person
from hongfan.org.selectors.structure import branch_get
from hongfan.org.views.hospitals import current_hospital
from hongfan.orglife import selectors, services
from hongfan.orglife.choices import (
    AttendanceStatus,
    Compliance,
    Grade,
    MeetingKind,
    MeetingStatus,
    QuorumOf,
)
from hongfan.orglife.filters import MeetingFilter
from hongfan.orglife.forms import (
    AttendanceForm,
    CancelForm,
    CloseForm,
    FileForm,
    MeetingEditForm,
    MeetingForm,
    MeetingRuleForm,
    RequirementForm,
    person_label,
)
from hongfan.orglife.models import Appraisal, Meeting, MeetingFile, MeetingRequirement

STATUS_CLASS = {
    Compliance.DONE: "hf-ok",
    Compliance.DUE: "hf-due",
    Compliance.OVERDUE: "hf-late",
    Compliance.UPCOMING: "hf-later",
    Compliance.NOT_APPLICABLE: "hf-na",
}


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    this = today().year
    if raw.isdigit() and 2000 <= int(raw) <= this + 1:
        return int(raw)
    return this


def _require_manager(access: Access) -> None:
    access.require_business()
    if not (access.hospital_ids or access.branch_ids):
        raise PermissionDenied("只有支部书记和医院党委可以管理组织生活")


# --- meetings -----------------------------------------------------------------------------------


@login_required
def meetings(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    access.require_business()
    if not (access.hospital_ids or access.branch_ids or access.is_city):
        return redirect("orglife:mine")
    year = _year(request)  # this year unless a valid one is asked for
    data = request.GET.copy()
    data["year"] = str(year)
    filtered = MeetingFilter(data, queryset=selectors.meeting_list(access=access), request=request)
    qs = filtered.qs
    chosen = filtered.form.cleaned_data
    branch = chosen.get("branch")
    if access.is_city and not (access.hospital_ids or access.branch_ids):
        hospital = current_hospital(request, access)
        qs = qs.filter(hospital=hospital)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "orglife/meetings.html",
        {
            "page": page,
            "branches": selectors.managed_branches(access).order_by("pk")
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
    branches = selectors.managed_branches(access).order_by("pk")
    raw = request.POST.get("branch") or request.GET.get("branch") or ""
    chosen = branches.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 19 else None
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
        people=selectors.meeting_people(chosen),
        lecturers=selectors.meeting_lecturers(chosen),
        groups=PartyGroup.objects.filter(branch=chosen).order_by("pk")
        if chosen
        else PartyGroup.objects.none(),
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
    found = selectors.person_search(selectors.meeting_lecturers(branch), request.GET.get("q", ""))
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
            meeting = services.meeting_schedule(
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
    return render(request, "orglife/meeting_form.html", {"form": form, "title": "安排组织生活"})


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    m = selectors.meeting_get(access, pk)
    manages = access.manages_branch(m.branch_id, m.hospital_id)
    rows = selectors.roster(m)
    mine = next((r for r in rows if r.person_id == access.person_id), None)
    checkin_url = request.build_absolute_uri(
        reverse("orglife:checkin", args=[m.pk, m.checkin_token])
    )
    counts = {s: 0 for s in AttendanceStatus.values}
    for r in rows:
        counts[r.status] += 1
    now = timezone.now()
    return render(
        request,
        "orglife/meeting_detail.html",
        {
            "m": m,
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
                Person.objects.filter(branch_id=m.branch_id, status=PersonStatus.ACTIVE)
                .exclude(pk__in=[r.person_id for r in rows])
                .order_by("pk")
                if manages and m.status == MeetingStatus.PLANNED
                else []
            ),
        },
    )


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    m = selectors.meeting_get(access, pk, manage=True)
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
            services.meeting_update(
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
        "orglife/meeting_form.html",
        {
            "form": form,
            "title": f"修改安排：{m.topic}",
            "back": reverse("orglife:meeting", args=[m.pk]),
        },
    )


@login_required
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    m = selectors.meeting_get(access, pk, manage=True)
    if request.POST.get("rest") == "present":
        try:
            n = services.attendance_mark_rest_present(access=access, meeting=m)
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
    person = Person.objects.filter(pk=d["person"]).first()
    try:
        if person is None:
            raise ValidationError({"person": "人员不存在"})
        if request.POST.get("add"):
            services.attendance_add(access=access, meeting=m, person=person)
            messages.success(request, f"已将{person.name}加入参会名单")
        else:
            services.attendance_mark(
                access=access, meeting=m, person=person, status=d["status"], reason=d["reason"]
            )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    if request.htmx:  # type: ignore[attr-defined]
        return meeting_detail(request, pk)
    return redirect(reverse("orglife:meeting", args=[m.pk]) + "#roster")


@login_required
def meeting_close(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    m = selectors.meeting_get(access, pk, manage=True)
    if m.status != MeetingStatus.PLANNED:
        messages.error(request, "会议已记录完成或已取消")
        return redirect("orglife:meeting", m.pk)
    form = CloseForm(
        request.POST or None, initial={"minutes": m.minutes, "resolutions": m.resolutions}
    )
    rows = selectors.roster(m)
    if request.method == "POST" and form.is_valid():
        try:
            m, notes = services.meeting_close(
                access=access,
                meeting=m,
                minutes=form.cleaned_data["minutes"],
                resolutions=form.cleaned_data["resolutions"],
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
    return render(
        request,
        "orglife/meeting_close.html",
        {"m": m, "form": form, "pending": pending, "rows": rows},
    )


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    m = selectors.meeting_get(access, pk, manage=True)
    form = CancelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"reason": "请填写取消原因"})
        services.meeting_cancel(
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
    m = selectors.meeting_get(access, pk, manage=True)
    form = FileForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError({"file": "请选择要上传的照片或文件"})
        services.meeting_file_add(access=access, meeting=m, upload=form.cleaned_data["file"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "附件已上传")
    return redirect(reverse("orglife:meeting", args=[m.pk]) + "#files")


@login_required
def file_get(request: HttpRequest, pk: int) -> FileResponse:
    access = request_access(request)
    row = MeetingFile.objects.filter(pk=pk).first()
    if row is None:
        raise Http404("附件不存在")
    selectors.meeting_get(access, row.meeting_id)  # the meeting's own access rules
    opened = stored_file_open(row.file.storage, row.file.name, FILE_TYPES)
    if opened is None:
        raise Http404("附件不存在")
    f, kind = opened  # the type from the stored bytes, never from the name or the row
    return file_response(f, kind=kind, filename=row.name, fallback=f"meeting-file-{row.pk}")


# --- check-in ---------------------------------------------------------------------------------


@login_required
def checkin(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """What a member's phone opens from the QR code: the meeting and one big button."""
    access = request_access(request)
    access.require_business()
    person = Person.objects.filter(pk=access.person_id).first() if access.person_id else None
    error = ""
    done = None
    m = selectors.meeting_by_code(pk, token)
    valid = m is not None
    mine = None
    if valid and person is not None and m is not None:
        mine = m.attendance.filter(person=person).first()
    # The code is not a key to the meeting: only its roster, and those who may read it
    # anyway (its managers, the city), see what it is.
    shown = m is not None and (
        mine is not None or access.is_city or access.manages_branch(m.branch_id, m.hospital_id)
    )
    if request.method == "POST":
        try:
            done = services.meeting_checkin(person=person, meeting_id=pk, token=token)
        except ValidationError as exc:
            error = "；".join(exc.messages)
        else:
            messages.success(request, "签到成功")
            return redirect(request.path)  # a reload shows the result, it does not post again
    elif not valid:
        error = selectors.BAD_CODE
    elif mine is None:
        error = selectors.NOT_ON_ROSTER
    return render(
        request,
        "orglife/checkin.html",
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
    rows = selectors.my_meetings(access)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    year = today().year
    year_rows = [
        r for r in rows if r.meeting.day.year == year and r.meeting.status == MeetingStatus.HELD
    ]
    attended = sum(1 for r in year_rows if r.status == AttendanceStatus.PRESENT)
    return render(
        request,
        "orglife/mine.html",
        {
            "page": page,
            "now": timezone.now(),
            "year": year,
            "held": len(year_rows),
            "attended": attended,
            "share": round(100 * attended / len(year_rows)) if year_rows else None,
        },
    )


# --- compliance ---------------------------------------------------------------------------------


def _status_legend() -> list[tuple[str, str, str]]:
    return [(s.value, s.label, STATUS_CLASS[s]) for s in Compliance]


@login_required
def calendar(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    branch = branch_get(access, pk)
    year = _year(request)
    reqs, row = selectors.branch_compliance(branch, year, today())
    return render(
        request,
        "orglife/calendar.html",
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
    row: selectors.BranchCompliance, reqs: list[selectors.Requirement], year: int
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
    hospital = current_hospital(request, access)
    if not access.reads_hospital(hospital.pk):
        if access.branch_ids:
            return redirect("orglife:calendar", min(access.branch_ids))
        raise PermissionDenied("只有医院党委可以查看全院组织生活矩阵")
    year = _year(request)
    branches = selectors.compliance_branches(hospital)
    reqs, rows = selectors.compliance(branches, year, today(), hospital.authority_id)
    totals: dict[str, int] = {}
    for row in rows:
        for s, n in row.counts().items():
            totals[s] = totals.get(s, 0) + n
    return render(
        request,
        "orglife/matrix.html",
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
    year = _year(request)
    services.tallies_refresh_stale(access=access, year=year, today=today())
    rows = selectors.city_summary(access, year, today())
    return render(
        request,
        "orglife/city.html",
        {"rows": rows, "year": year, "years": range(today().year, today().year - 5, -1)},
    )


@login_required
def requirements(request: HttpRequest) -> HttpResponse:
    """The city's rules of organisational life: how often each kind of meeting is due, and
    how each is run (the QR check-in window, the quorum); each saved as a dated version."""
    access = request_access(request)
    access.require_business()
    if not access.is_city:
        raise PermissionDenied("只有市卫健委管理员可以修改组织生活频次要求")
    authority = Authority.objects.order_by("pk").first()
    if authority is None:
        raise Http404("没有市卫健委")
    which = request.POST.get("which", "") if request.method == "POST" else ""
    next_year = date(today().year + 1, 1, 1)
    form = RequirementForm(
        request.POST if which != "rule" and request.method == "POST" else None,
        initial={"effective_from": next_year},
    )
    rule_form = MeetingRuleForm(
        request.POST if which == "rule" else None,
        initial={"effective_from": today(), "quorum_of": QuorumOf.NONE},
        prefix="rule",
    )
    saved, _ = (
        form_save(
            request,
            rule_form,
            lambda d: services.meeting_rule_revise(
                access=access, authority=authority, request=request, **d
            ),
            success="已保存新的会议规则版本",
        )
        if which == "rule"
        else form_save(
            request,
            form,
            lambda d: services.meeting_requirement_revise(
                access=access, authority=authority, request=request, **d
            ),
            success="已保存新的频次要求版本",
        )
    )
    if saved:
        return redirect("orglife:requirements")
    rows = MeetingRequirement.objects.filter(authority=authority).order_by(
        "kind", "by_secretary", "-effective_from"
    )
    return render(
        request,
        "orglife/requirements.html",
        {
            "form": form,
            "rule_form": rule_form,
            "rows": rows,
            "in_force": selectors.requirements_for(authority.pk, today().year),
            "rules_in_force": selectors.meeting_rules_in_force(authority.pk, today()),
        },
    )


# --- 民主评议 -----------------------------------------------------------------------------------


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
    record = Appraisal.objects.filter(branch=branch, year=year).first()
    existing: dict[int, Any] = {g.person_id: g for g in record.grades.all()} if record else {}
    full, probationary = services.appraisal_candidates(branch)
    meetings = list(
        Meeting.objects.filter(
            branch=branch, kind=MeetingKind.APPRAISAL, starts_at__year=year
        ).order_by("-starts_at")
    )
    error = ""
    if request.method == "POST":
        if not manages:
            raise PermissionDenied("只能评议本支部的党员")
        grades: dict[int, str] = {}
        notes: dict[int, str] = {}
        for p in full:
            g = request.POST.get(f"grade-{p.pk}", "")
            if g:
                grades[p.pk] = g
            notes[p.pk] = request.POST.get(f"note-{p.pk}", "")[:200]
        for key in request.POST:
            if (
                key.startswith("grade-")
                and key[6:].isdigit()
                and int(key[6:]) not in {p.pk for p in full}
            ):
                grades[int(key[6:])] = request.POST[key]
        raw = request.POST.get("meeting", "")
        meeting = next((x for x in meetings if str(x.pk) == raw), None)
        final = request.POST.get("action") == "final"
        try:
            record, notes_out = services.appraisal_record(
                access=access,
                branch=branch,
                year=year,
                grades=grades,
                notes=notes,
                meeting=meeting,
                final=final,
                request=request,
            )
        except ValidationError as exc:
            error = "；".join(exc.messages)
            existing = {pid: _Grade(g, notes.get(pid, "")) for pid, g in grades.items()}
        else:
            messages.success(
                request,
                ("民主评议结果已确定" if final else "已保存草稿")
                + "".join(f"；{n}" for n in notes_out),
            )
            return redirect("orglife:appraisal", branch.pk, year)
    counts = services.grade_counts(g.grade for g in existing.values())
    return render(
        request,
        "orglife/appraisal.html",
        {
            "branch": branch,
            "year": year,
            "record": record,
            "full": [(p, existing.get(p.pk)) for p in full],
            "probationary": probationary,
            "grades": Grade.choices,
            "limit": services.excellent_limit(len(full)),
            "counts": [(label, counts.get(value, 0)) for value, label in Grade.choices],
            "meetings": meetings,
            "error": error,
            "manages": manages,
            "final": record is not None and record.status == "final",
        },
    )
