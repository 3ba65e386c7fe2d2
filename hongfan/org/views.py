from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hongfan.accounts.choices import Role
from hongfan.core.access import Access, request_access
from hongfan.core.dates import today
from hongfan.core.forms import apply_errors, run_form
from hongfan.org import selectors
from hongfan.org.choices import (
    MEMBER_STATUSES,
    CultivationDirection,
    CultivationOutcome,
    DevelopmentStage,
    PersonStatus,
    PoliticalStatus,
)
from hongfan.org.forms import (
    CultivationCloseForm,
    CultivationForm,
    DevelopmentForm,
    DevelopmentStartForm,
    LeaveForm,
    PersonForm,
    StopForm,
    TransferForm,
)
from hongfan.org.models import Branch, Department, Hospital, Person
from hongfan.org.rules import DevDates
from hongfan.org.services import cultivation as cultivation_services
from hongfan.org.services import development as development_services
from hongfan.org.services import people as people_services
from hongfan.org.services.roster import RosterFilters
from hongfan.points.stars import hospital_stars, person_stars


@login_required
def home(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    if access.is_city:
        return redirect("org:hospitals")
    if access.hospital_ids:
        return redirect("org:hospital", pk=min(access.hospital_ids))
    if access.branch_ids:
        return redirect("org:branch", pk=min(access.branch_ids))
    if access.has(Role.MEMBER) and access.person_id:
        return redirect("org:person", pk=access.person_id)
    if access.has(Role.AUDITOR):
        return redirect("audit:trail")
    if access.has(Role.SECURITY_ADMIN):
        return redirect("security:roles")
    if access.has(Role.SYSTEM_ADMIN):
        return redirect("system:users")
    return render(
        request, "403.html", {"message": "此账号尚未授予任何角色，请联系安全管理员"}, status=403
    )


def person_appraisals(p: Any) -> list[Any]:
    """The member's 民主评议 grades of the years decided (hongfan.orglife)."""
    from hongfan.orglife.models import AppraisalGrade

    return list(
        AppraisalGrade.objects.filter(person=p, appraisal__status="final")
        .select_related("appraisal")
        .order_by("-appraisal__year")
    )


def current_hospital(request: HttpRequest, access: Access) -> Hospital:
    """The hospital a page works on: chosen by the city admin, else the user's own."""
    raw = request.GET.get("hospital") or request.POST.get("hospital")
    if raw and raw.isdigit():
        hid = int(raw)
        if access.is_city or hid in access.hospital_ids or hid in access.branch_hospital_ids:
            return _hospital(hid)
        raise Http404("医院不存在")
    for ids in (access.hospital_ids, access.branch_hospital_ids):
        if ids:
            return _hospital(min(ids))
    if access.is_city:
        first = Hospital.objects.order_by("pk").first()
        if first:
            return first
    raise PermissionDenied("没有可管理的医院")


def _hospital(pk: int) -> Hospital:
    h = Hospital.objects.select_related("authority").filter(pk=pk).first()
    if h is None:
        raise Http404("医院不存在")
    return h


def _require_manager(access: Access) -> None:
    if not (access.is_city or access.hospital_ids or access.branch_ids):
        raise PermissionDenied("没有权限访问此页面")


# --- organisation pages --------------------------------------------------------------------


@login_required
def hospitals(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    rows: list[Any] = selectors.hospital_list(access)
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
    h = selectors.hospital_get(access, pk)
    ov = selectors.hospital_overview(access, h)
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
            "stars": hospital_stars(access, h),
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
    b = selectors.branch_get(access, pk)
    detail = selectors.branch_detail(access, b)
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


# --- people --------------------------------------------------------------------------------


@login_required
def people(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    _require_manager(access)
    h = current_hospital(request, access)
    g = request.GET
    f = RosterFilters.from_query(g)
    qs = selectors.person_list(
        access,
        hospital=h,
        branch_id=f.branch_id,
        department_id=f.department_id,
        political_status=f.political_status,
        status=f.status,
        q=f.q,
    )
    page = Paginator(qs, 30).get_page(g.get("page"))
    return render(
        request,
        "org/people.html",
        {
            "h": h,
            "page": page,
            "branches": selectors.branch_options(access, h.pk),
            "departments": Department.objects.filter(hospital=h, active=True).order_by(
                "kind", "name"
            ),
            "statuses": PoliticalStatus.choices,
            "filters": g,
            "can_add": access.administers_hospital(h.pk) or bool(access.branch_ids),
            "can_export": access.reads_hospital(h.pk),
            "can_import": access.administers_hospital(h.pk),
        },
    )


@login_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    p = selectors.person_get(access, pk)
    dev = getattr(p, "development", None) if hasattr(p, "development") else None
    next_step = None
    if dev is not None:
        from hongfan.org.rules import development_next_step

        rule = selectors.org_rule_for(p.hospital.authority_id)
        next_step = development_next_step(selectors.dev_dates(dev), rule=rule, today=today())
    return render(
        request,
        "org/person.html",
        {
            "p": p,
            "stars": person_stars(access, p),
            "appraisals": person_appraisals(p),
            "history": selectors.person_history(p),
            "dev": dev,
            "next_step": next_step,
            "cultivations": list(p.cultivations.select_related("mentor")),
            "seats": list(p.seats.select_related("committee", "committee__branch")),
            "can_edit": people_services._can_write_person(access, p.hospital_id, p.branch_id),
            "is_admin": access.administers_hospital(p.hospital_id),
            "can_reveal": access.administers_hospital(p.hospital_id) or access.person_id == p.pk,
            "can_start_dev": (
                not p.is_member
                and dev is None
                and p.status == PersonStatus.ACTIVE
                and (access.administers_hospital(p.hospital_id) or bool(access.branch_ids))
            ),
        },
    )


@login_required
@require_POST
def person_reveal(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    access = request_access(request)
    p = selectors.person_get(access, pk)
    try:
        value = people_services.person_reveal(access=access, person=p, field=field, request=request)
    except ValidationError as exc:
        raise Http404("无效字段") from exc
    return HttpResponse(f'<span class="font-monospace">{value}</span>')


def _person_form_branches(access: Access, h: Hospital) -> Any:
    return selectors.branch_options(access, h.pk)


@login_required
def person_new(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    h = current_hospital(request, access)
    if not (access.administers_hospital(h.pk) or access.branch_ids):
        raise PermissionDenied("没有权限新增人员")
    branches = _person_form_branches(access, h)
    form = PersonForm(request.POST or None, hospital_id=h.pk, branches=branches)
    if request.method == "POST" and form.is_valid():
        try:
            p = people_services.person_create(
                access=access,
                hospital=h,
                data=form.business_data(),
                id_number=form.cleaned_data["id_number"],
                mobile=form.cleaned_data["mobile"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已新增 {p.name}")
            return redirect("org:person", pk=p.pk)
    return render(request, "org/person_form.html", {"form": form, "h": h, "title": "新增人员"})


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    p = selectors.person_get(access, pk)
    if not people_services._can_write_person(access, p.hospital_id, p.branch_id):
        raise PermissionDenied("没有权限修改此人员")
    branches = _person_form_branches(access, p.hospital)
    if p.branch_id and not branches.filter(pk=p.branch_id).exists():
        branches = Branch.objects.filter(Q(pk__in=branches) | Q(pk=p.branch_id))
    form = PersonForm(
        request.POST or None, instance=p, hospital_id=p.hospital_id, branches=branches, editing=True
    )
    if request.method == "POST" and form.is_valid():
        person_fresh = Person.objects.get(pk=p.pk)
        try:
            people_services.person_update(
                access=access,
                person=person_fresh,
                data=form.business_data(),
                id_number=form.cleaned_data["id_number"] or None,
                mobile=form.cleaned_data["mobile"] or None,
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("org:person", pk=p.pk)
    return render(
        request,
        "org/person_form.html",
        {"form": form, "h": p.hospital, "title": f"编辑 {p.name}", "p": p},
    )


@login_required
def person_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    p = selectors.person_get(access, pk)
    if not access.administers_hospital(p.hospital_id):
        raise PermissionDenied("组织关系转接由医院党委办理")
    branches = Branch.objects.filter(hospital_id=p.hospital_id, active=True).exclude(
        pk=p.branch_id or 0
    )
    form = TransferForm(request.POST or None, branches=branches, initial={"on": today()})
    return run_form(
        request,
        form,
        lambda d: people_services.person_transfer(access=access, person=p, request=request, **d),
        success=lambda t: f"{p.name} 已转入 {t.to_branch}",
        next_url=reverse("org:person", args=[p.pk]),
        title=f"组织关系转接：{p.name}",
        back=reverse("org:person", args=[p.pk]),
        intro=f"当前支部：{p.branch or '无'}",
    )


@login_required
def person_leave(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    p = selectors.person_get(access, pk)
    if not access.administers_hospital(p.hospital_id):
        raise PermissionDenied("人员离开由医院党委办理")
    form = LeaveForm(request.POST or None, initial={"on": today()})
    return run_form(
        request,
        form,
        lambda d: people_services.person_mark_left(access=access, person=p, request=request, **d),
        success=f"{p.name} 已标记为离开",
        next_url=reverse("org:person", args=[p.pk]),
        title=f"标记离开：{p.name}",
        back=reverse("org:person", args=[p.pk]),
        intro="标记后此人不再计入在职职工和党员统计，历史记录保留。",
    )


# --- development ---------------------------------------------------------------------------


@login_required
def development_board(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    _require_manager(access)
    h = current_hospital(request, access)
    branch_id = request.GET.get("branch", "")
    b = None
    if branch_id.isdigit():
        b = selectors.branch_get(access, int(branch_id))
        if not (access.is_city or access.manages_branch(b.pk, b.hospital_id)):
            raise PermissionDenied("没有权限查看此支部的发展党员")
        h = b.hospital
    elif not (access.is_city or access.administers_hospital(h.pk)):
        b = selectors.branch_get(access, min(access.branch_ids))
    board = selectors.development_board(access, h, b)
    return render(
        request,
        "org/development_board.html",
        {
            "board": board,
            "h": h,
            "b": b,
            "today": today(),
            "branches": selectors.branch_options(access, h.pk),
            "can_add": access.administers_hospital(h.pk) or bool(access.branch_ids),
        },
    )


@login_required
def development_new(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    h = current_hospital(request, access)
    if not (access.administers_hospital(h.pk) or access.branch_ids):
        raise PermissionDenied("没有权限登记入党申请")
    branches = selectors.branch_options(access, h.pk)
    people_qs = (
        selectors.person_qs(access)
        .filter(hospital=h, status=PersonStatus.ACTIVE, development__isnull=True)
        .exclude(political_status__in=MEMBER_STATUSES)
        .order_by("name")
    )
    if not access.administers_hospital(h.pk):
        people_qs = (
            selectors.person_qs(access)
            .filter(
                hospital=h,
                status=PersonStatus.ACTIVE,
                development__isnull=True,
                department__branches__in=branches,
            )
            .exclude(political_status__in=MEMBER_STATUSES)
            .distinct()
            .order_by("name")
        )
    initial: dict[str, Any] = {}
    if request.GET.get("person", "").isdigit():
        initial["person"] = int(request.GET["person"])
    form = DevelopmentStartForm(
        request.POST or None, people=people_qs, branches=branches, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            dev = development_services.development_start(
                access=access,
                person=form.cleaned_data["person"],
                branch=form.cleaned_data["branch"],
                applied_on=form.cleaned_data["applied_on"],
                introducers=form.cleaned_data["introducers"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已登记 {dev.person.name} 的入党申请")
            return redirect("org:development_edit", pk=dev.pk)
    return render(
        request,
        "org/simple_form.html",
        {
            "form": form,
            "title": "登记入党申请",
            "back": reverse("org:development"),
            "intro": "登记后可在发展党员看板上跟踪各阶段。申请人须年满18周岁。",
        },
    )


@login_required
def development_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    dev = selectors.development_get(access, pk)
    can_edit = access.manages_branch(dev.branch_id, dev.hospital_id) and dev.status == "active"
    initial = {f: getattr(dev, f) for f in DevelopmentForm.base_fields}
    form = DevelopmentForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not access.manages_branch(dev.branch_id, dev.hospital_id):
            raise PermissionDenied("没有权限修改此发展记录")
        if form.is_valid():
            data = form.cleaned_data
            dates = DevDates(
                applied_on=data["applied_on"],
                talked_on=data["talked_on"],
                activist_on=data["activist_on"],
                candidate_on=data["candidate_on"],
                reviewed_on=data["reviewed_on"],
                probation_on=data["probation_on"],
                full_on=data["full_on"],
                training_hours=data["training_hours"] or 0,
                extension_months=data["extension_months"] or 0,
            )
            try:
                development_services.development_update(
                    access=access,
                    development=dev,
                    dates=dates,
                    introducers=data["introducers"],
                    request=request,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "已保存")
                return redirect("org:development_edit", pk=dev.pk)
    from hongfan.org.rules import development_next_step

    rule = selectors.org_rule_for(dev.hospital.authority_id)
    return render(
        request,
        "org/development_edit.html",
        {
            "dev": dev,
            "form": form,
            "can_edit": can_edit,
            "rule": rule,
            "next_step": development_next_step(selectors.dev_dates(dev), rule=rule, today=today()),
            "stop_form": StopForm(),
        },
    )


@login_required
@require_POST
def development_stop(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    dev = selectors.development_get(access, pk)
    form = StopForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写终止原因")
        return redirect("org:development_edit", pk=dev.pk)
    try:
        development_services.development_stop(
            access=access, development=dev, reason=form.cleaned_data["reason"], request=request
        )
        messages.success(request, "已终止发展")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("org:development_edit", pk=dev.pk)


# --- 双培养 ---------------------------------------------------------------------------------


@login_required
def cultivation(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    _require_manager(access)
    h = current_hospital(request, access)
    rows = selectors.cultivation_list(access, h)
    people_qs = Person.objects.filter(hospital=h, status=PersonStatus.ACTIVE).order_by("name")
    form = CultivationForm(request.POST or None, people=people_qs, initial={"started_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            cultivation_services.cultivation_create(
                access=access, hospital=h, data=form.cleaned_data, request=request
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已登记双培养对象")
            return redirect(f"{reverse('org:cultivation')}?hospital={h.pk}")
    return render(
        request,
        "org/cultivation.html",
        {
            "rows": rows,
            "summary": selectors.cultivation_summary(rows),
            "form": form,
            "h": h,
            "directions": CultivationDirection.choices,
            "outcomes": CultivationOutcome.choices,
            "close_form": CultivationCloseForm(initial={"on": today()}),
            "can_manage": access.administers_hospital(h.pk),
        },
    )


@login_required
@require_POST
def cultivation_close(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    row = selectors.cultivation_get(access, pk)
    form = CultivationCloseForm(request.POST)
    if form.is_valid():
        try:
            cultivation_services.cultivation_close(
                access=access, cultivation=row, request=request, **form.cleaned_data
            )
            messages.success(request, "已记录培养结果")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, "请选择结果并填写日期")
    return redirect(f"{reverse('org:cultivation')}?hospital={row.hospital_id}")
