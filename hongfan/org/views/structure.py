"""Pages for the organisation's structure: 组织设置 (departments, branches), 支委会换届,
党小组, and the city's rule numbers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from hongfan.core.access import request_access
from hongfan.core.dates import add_months, today
from hongfan.core.forms import apply_errors, id_or_none, run_form
from hongfan.org.forms.structure import (
    BranchForm,
    CommitteeForm,
    CommitteeSeatsForm,
    DepartmentForm,
    GroupForm,
    RuleForm,
    _style,
)
from hongfan.org.selectors import hospitals as hospitals_selectors
from hongfan.org.selectors import structure as structure_selectors
from hongfan.org.services import structure as structure_services


@login_required
def structure(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    h = hospitals_selectors.hospital_get(access=access, pk=pk)
    can_manage = access.administers_hospital(h.pk)
    form = _style(DepartmentForm(request.POST or None))
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("科室设置由医院党委管理")
        if form.is_valid():
            try:
                structure_services.department_save(
                    access=access, hospital=h, data=form.cleaned_data, request=request
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"已新增科室 {form.cleaned_data['name']}")
                return redirect("org:structure", pk=h.pk)
    ov = hospitals_selectors.hospital_overview(access=access, hospital=h)
    departments = structure_selectors.department_list(access=access, hospital=h)
    return render(
        request,
        "org/structure.html",
        {
            "h": h,
            "ov": ov,
            "departments": departments,
            "form": form,
            "can_manage": can_manage,
        },
    )


@login_required
def department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    dept = structure_selectors.department_get(access=access, pk=pk)
    if not access.administers_hospital(dept.hospital_id):
        raise PermissionDenied("科室设置由医院党委管理")
    initial = {"name": dept.name, "kind": dept.kind, "active": dept.active}
    return run_form(
        request,
        _style(DepartmentForm(request.POST or None, initial=initial)),
        lambda d: structure_services.department_save(
            access=access, hospital=dept.hospital, department=dept, data=d, request=request
        ),
        success="已保存",
        next_url=reverse("org:structure", args=[dept.hospital_id]),
        title=f"编辑科室：{dept.name}",
        back=reverse("org:structure", args=[dept.hospital_id]),
    )


@login_required
def branch_new(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    raw = request.GET.get("hospital", "")
    hid = (
        (id_or_none(raw) or 0)
        if raw.isdigit()
        else (min(access.hospital_ids) if access.hospital_ids else 0)
    )
    h = hospitals_selectors.hospital_get(access=access, pk=hid) if hid else None
    if h is None or not access.administers_hospital(h.pk):
        raise PermissionDenied("支部设置由医院党委管理")
    return run_form(
        request,
        BranchForm(request.POST or None, hospital_id=h.pk, branch=None),
        lambda d: structure_services.branch_save(
            access=access, hospital=h, data=d, request=request
        ),
        success=lambda b: f"已成立 {b.name}",
        next_url=lambda b: reverse("org:branch", args=[b.pk]),
        title="成立党支部",
        back=reverse("org:structure", args=[h.pk]),
        intro="支部建在科室上：请选择本支部覆盖的科室。党员转入后再指定书记或进行支委会选举。",
    )


@login_required
def branch_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    b = structure_selectors.branch_get(access, pk)
    if not access.administers_hospital(b.hospital_id):
        raise PermissionDenied("支部设置由医院党委管理")
    initial = {
        "name": b.name,
        "kind": b.kind,
        "parent": b.parent_id,
        "departments": list(b.departments.values_list("pk", flat=True)),
        "secretary": b.secretary_id,
        "brand_name": b.brand_name,
        "founded_on": b.founded_on,
    }
    return run_form(
        request,
        BranchForm(request.POST or None, hospital_id=b.hospital_id, branch=b, initial=initial),
        lambda d: structure_services.branch_save(
            access=access, hospital=b.hospital, branch=b, data=d, request=request
        ),
        success="已保存",
        next_url=reverse("org:branch", args=[b.pk]),
        title=f"支部设置：{b.name}",
        back=reverse("org:branch", args=[b.pk]),
    )


@login_required
def committee_elect(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    b = structure_selectors.branch_get(access, pk)
    if not access.administers_hospital(b.hospital_id):
        raise PermissionDenied("支委会换届由医院党委登记")
    rule = structure_selectors.org_rule_for(b.hospital.authority_id)
    start = today()
    form = _style(
        CommitteeForm(
            request.POST or None,
            initial={
                "elected_on": start,
                "term_start": start,
                "term_end": add_months(start, 12 * rule.term_min_years) - date_one(),
            },
        )
    )
    seats_form = CommitteeSeatsForm(
        request.POST or None,
        candidates=structure_selectors.committee_candidates(access=access, branch=b),
    )
    seat_error = ""
    if request.method == "POST" and form.is_valid():
        if not seats_form.is_valid():
            seat_error = seats_form.first_error()
        else:
            try:
                structure_services.committee_elect(
                    access=access,
                    branch=b,
                    seats=seats_form.seats(),
                    request=request,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
                seat_error = "；".join(exc.message_dict.get("seats", []))
            else:
                messages.success(request, "已登记新一届支委会")
                return redirect("org:branch", pk=b.pk)
    return render(
        request,
        "org/committee_form.html",
        {"b": b, "form": form, "seats_form": seats_form, "seat_error": seat_error, "rule": rule},
    )


def date_one() -> Any:
    from datetime import timedelta

    return timedelta(days=1)


@login_required
def group_new(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    b = structure_selectors.branch_get(access, pk)
    if not access.manages_branch(b.pk, b.hospital_id):
        raise PermissionDenied("没有权限管理此支部的党小组")
    return run_form(
        request,
        _style(GroupForm(request.POST or None, branch=b)),
        lambda d: structure_services.party_group_save(
            access=access, branch=b, request=request, **d
        ),
        success="已新增党小组",
        next_url=reverse("org:branch", args=[b.pk]),
        title=f"新增党小组：{b.name}",
        back=reverse("org:branch", args=[b.pk]),
        intro="党小组成员在人员信息中指定。",
    )


@login_required
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    g = structure_selectors.party_group_get(access=access, pk=pk)
    b = g.branch
    if not access.manages_branch(b.pk, b.hospital_id):
        raise PermissionDenied("没有权限管理此支部的党小组")
    initial = {"name": g.name, "leader": g.leader_id}
    return run_form(
        request,
        _style(GroupForm(request.POST or None, branch=b, initial=initial)),
        lambda d: structure_services.party_group_save(
            access=access, branch=b, group=g, request=request, **d
        ),
        success="已保存",
        next_url=reverse("org:branch", args=[b.pk]),
        title=f"党小组：{g.name}",
        back=reverse("org:branch", args=[b.pk]),
    )


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    if not access.is_city:
        raise PermissionDenied("组织规则由市卫健委设定")
    authority = hospitals_selectors.authority_for(access)
    if authority is None:
        raise Http404("尚未设置卫健委")
    versions = structure_selectors.org_rule_versions(access=access, authority=authority)
    current = structure_selectors.org_rule_for(authority.pk)
    initial = {f: getattr(current, f) for f in structure_services.RULE_FIELDS}
    initial["effective_from"] = today()
    form = _style(RuleForm(request.POST or None, initial=initial))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            structure_services.org_rule_publish(
                access=access,
                authority=authority,
                effective_from=data["effective_from"],
                values={k: data[k] for k in structure_services.RULE_FIELDS},
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已发布新版本规则")
            return redirect("org:rules")
    return render(
        request,
        "org/rules.html",
        {
            "form": form,
            "versions": versions,
            "current": current,
            "fields": structure_services.RULE_FIELDS,
        },
    )
