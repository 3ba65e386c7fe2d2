"""People pages: the list, one person, add, edit, transfer, leave, reveal."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from hongfan.core import panels, tables
from hongfan.core.access import Access, hospital_for, request_access
from hongfan.core.dates import today
from hongfan.core.forms import apply_errors, run_form
from hongfan.core.templatetags.tables import day
from hongfan.org.choices import PersonStatus, PoliticalStatus
from hongfan.org.filters import PERSON_COLUMNS, PersonFilter
from hongfan.org.forms.people import LeaveForm, PersonForm, TransferForm
from hongfan.org.models import Hospital
from hongfan.org.selectors import development as development_selectors
from hongfan.org.selectors import people as people_selectors
from hongfan.org.selectors import structure as structure_selectors
from hongfan.org.selectors.hospitals import hospital_choices
from hongfan.org.services import people as people_services
from hongfan.org.views.hospitals import _require_manager


def _rows_html(people: Any) -> str:
    """The roster page's rows, built here rather than in the template (as the hospital
    matrix's are): 30 rows of a URL reversal, a date filter, two choice labels and nine
    escaped cells cost the template engine several ms. The link is reversed once; every
    value is escaped; ID numbers and mobiles are masked as on every page."""
    head, tail = reverse("org:person", args=[0]).rsplit("/0/", 1)
    parts = []
    for p in people:
        badges = (
            ' <span class="badge text-bg-light border">中层</span>' if p.is_middle_cadre else ""
        )
        if p.status == PersonStatus.LEFT:
            badges += ' <span class="badge text-bg-secondary">已离开</span>'
        dept = p.department.name if p.department_id else ""
        branch = p.branch.name if p.branch_id else ""
        parts.append(
            f'<tr><td class="hf-card-title" data-label="姓名"><a href="{head}/{p.pk}/{tail}">'
            f"{escape(p.name)}</a>{badges}</td>"
            f'<td data-label="性别">{escape(p.get_gender_display())}</td>'
            f'<td data-label="出生日期">{escape(day(p.birth_date))}</td>'
            f'<td data-label="科室">{escape(dept or "—")}</td>'
            f'<td class="small" data-label="岗位/职称">{escape(p.post)} {escape(p.title)}</td>'
            f'<td data-label="政治面貌">{escape(p.get_political_status_display())}</td>'
            f'<td class="small" data-label="支部">{escape(branch or "—")}</td>'
            f'<td class="font-monospace small" data-label="身份证号">{escape(p.id_number_masked)}</td>'
            f'<td class="font-monospace small" data-label="手机号">{escape(p.mobile_masked)}</td></tr>'
        )
    return mark_safe("".join(parts))  # noqa: S308 (built from escaped and internal values)


def _options_html(choices: Any, chosen: str | None) -> str:
    """A filter's ``<option>``s (the hospital's branches or departments: dozens each),
    built once here rather than by a template loop with a filter per option."""
    return mark_safe(  # noqa: S308 (built from escaped and internal values)
        "".join(
            f'<option value="{c.pk}" {"selected" if chosen == str(c.pk) else ""}>'
            f"{escape(c.name)}</option>"
            for c in choices
        )
    )


@login_required
def people(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    _require_manager(access)
    h = hospital_for(request, access, hospitals=hospital_choices(access=access))
    g = request.GET
    table = tables.Table(request, PERSON_COLUMNS, default="name", per_page=30, label="人员")
    qs = PersonFilter(
        g, queryset=people_selectors.person_list(access, hospital=h, status=None), request=request
    ).qs
    page = table.paginate(table.order_queryset(qs))
    branches = structure_selectors.branch_options(access, h.pk)
    departments = structure_selectors.department_options(access=access, hospital=h)
    return render(
        request,
        "org/people.html",
        {
            "h": h,
            "page": page,
            "rows_html": _rows_html(page),
            "table": table,
            "branches": branches,
            "branch_options": _options_html(branches, g.get("branch")),
            "departments": departments,
            "department_options": _options_html(departments, g.get("department")),
            "statuses": PoliticalStatus.choices,
            "filters": g,
            "can_add": access.administers_hospital(h.pk) or bool(access.branch_ids),
            "can_export": access.reads_hospital(h.pk),
            "can_import": access.administers_hospital(h.pk),
            "can_export_full": access.administers_hospital(h.pk),
        },
    )


# The 党员档案's own tabs; the apps lend the others through core.panels (积分, 组织生活, 学习,
# 民主评议, 季度之星), so that org names no higher app.
BASIC, DEVELOPMENT = "basic", "development"
OWN_TABS = [panels.Tab(BASIC, "基本信息"), panels.Tab(DEVELOPMENT, "发展")]


@login_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """The 党员档案: a person's data in tabs, each a link (``?tab=``) that htmx swaps in
    place on a phone or a desktop; an unknown tab shows the first."""
    access = request_access(request)
    p = people_selectors.person_get(access=access, pk=pk)
    tabs = OWN_TABS + panels.tabs_for(panels.PERSON, access=access, obj=p)
    keys = [t.key for t in tabs]
    tab = request.GET.get("tab", BASIC)
    tab = tab if tab in keys else BASIC
    context: dict[str, Any] = {
        "p": p,
        "tabs": tabs,
        "tab": tab,
        "can_edit": people_services._can_write_person(access, p.hospital_id, p.branch_id),
        "is_admin": access.administers_hospital(p.hospital_id),
    }
    if tab == BASIC:
        context.update(
            panels=panels.panels_for(panels.PERSON, access=access, obj=p, tab=""),
            history=people_selectors.person_history(p),
            seats=list(p.seats.select_related("committee", "committee__branch")),
            can_reveal=access.administers_hospital(p.hospital_id) or access.person_id == p.pk,
        )
    elif tab == DEVELOPMENT:
        dev = getattr(p, "development", None) if hasattr(p, "development") else None
        steps = None
        if dev is not None:
            steps = development_selectors.development_steps(access=access, development=dev)
        context.update(
            dev=dev,
            steps=steps,
            cultivations=list(p.cultivations.select_related("mentor")),
            can_start_dev=(
                not p.is_member
                and dev is None
                and p.status == PersonStatus.ACTIVE
                and (access.administers_hospital(p.hospital_id) or bool(access.branch_ids))
            ),
        )
    else:
        context["panels"] = panels.panels_for(panels.PERSON, access=access, obj=p, tab=tab)
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        return render(request, "org/partials/_person_tab.html", context)
    return render(request, "org/person.html", context)


@login_required
@require_POST
def person_reveal(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    access = request_access(request)
    p = people_selectors.person_get(access=access, pk=pk)
    try:
        value = people_services.person_reveal(access=access, person=p, field=field, request=request)
    except ValidationError as exc:
        raise Http404("无效字段") from exc
    return HttpResponse(f'<span class="font-monospace">{value}</span>')


def _person_form_branches(access: Access, h: Hospital) -> Any:
    return structure_selectors.branch_options(access, h.pk)


@login_required
def person_new(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    h = hospital_for(request, access, hospitals=hospital_choices(access=access))
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
    p = people_selectors.person_get(access=access, pk=pk)
    if not people_services._can_write_person(access, p.hospital_id, p.branch_id):
        raise PermissionDenied("没有权限修改此人员")
    branches = _person_form_branches(access, p.hospital)
    if p.branch_id and not branches.filter(pk=p.branch_id).exists():
        branches = structure_selectors.branch_options_keeping(
            access=access, branches=branches, branch_id=p.branch_id
        )
    form = PersonForm(
        request.POST or None, instance=p, hospital_id=p.hospital_id, branches=branches, editing=True
    )
    if request.method == "POST" and form.is_valid():
        person_fresh = people_selectors.person_fresh(access=access, pk=p.pk)
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
    p = people_selectors.person_get(access=access, pk=pk)
    if not access.administers_hospital(p.hospital_id):
        raise PermissionDenied("组织关系转接由医院党委办理")
    branches = structure_selectors.transfer_branches(access=access, person=p)
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
    p = people_selectors.person_get(access=access, pk=pk)
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
