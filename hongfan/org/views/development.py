"""发展党员 pages: the board, start, edit and stop a development."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hongfan.core.access import Access, hospital_for, request_access
from hongfan.core.dates import today
from hongfan.core.forms import apply_errors, search_url
from hongfan.org.forms.development import DevelopmentForm, DevelopmentStartForm, StopForm
from hongfan.org.models import Hospital
from hongfan.org.rules import DevDates
from hongfan.org.selectors import development as development_selectors
from hongfan.org.selectors import people as people_selectors
from hongfan.org.selectors import structure as structure_selectors
from hongfan.org.selectors.hospitals import hospital_choices
from hongfan.org.services import development as development_services
from hongfan.org.views.hospitals import _require_manager


@login_required
def development_board(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    _require_manager(access)
    h = hospital_for(request, access, hospitals=hospital_choices(access=access))
    branch_id = request.GET.get("branch", "")
    b = None
    if branch_id.isdigit():
        b = structure_selectors.branch_get(access, int(branch_id))
        if not (access.is_city or access.manages_branch(b.pk, b.hospital_id)):
            raise PermissionDenied("没有权限查看此支部的发展党员")
        h = b.hospital
    elif not (access.is_city or access.administers_hospital(h.pk)):
        b = structure_selectors.branch_get(access, min(access.branch_ids))
    board = development_selectors.development_board(access=access, hospital=h, branch=b)
    return render(
        request,
        "org/development_board.html",
        {
            "board": board,
            "h": h,
            "b": b,
            "today": today(),
            "branches": structure_selectors.branch_options(access, h.pk),
            "can_add": access.administers_hospital(h.pk) or bool(access.branch_ids),
        },
    )


def _applicant_hospital(request: HttpRequest, access: Access) -> Hospital:
    """The hospital whose applicants a user registers: their own (the city picks none)."""
    h = hospital_for(request, access, hospitals=hospital_choices(access=access))
    if not (access.administers_hospital(h.pk) or access.branch_ids):
        raise PermissionDenied("没有权限登记入党申请")
    return h


@login_required
def applicant_search(request: HttpRequest) -> JsonResponse:
    """Search-as-you-type for 登记入党申请's 申请人: the people the user may register, by
    name (the same rows the form accepts)."""
    access = request_access(request)
    h = _applicant_hospital(request, access)
    found = people_selectors.people_search(
        access=access,
        people=development_selectors.applicant_options(access=access, hospital=h),
        text=request.GET.get("q", ""),
    )
    return JsonResponse({"results": [{"value": p.pk, "text": str(p)} for p in found]})


@login_required
def development_new(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    h = _applicant_hospital(request, access)
    branches = structure_selectors.branch_options(access, h.pk)
    people_qs = development_selectors.applicant_options(access=access, hospital=h)
    initial: dict[str, Any] = {}
    if request.GET.get("person", "").isdigit():
        initial["person"] = int(request.GET["person"])
    form = DevelopmentStartForm(
        request.POST or None, people=people_qs, branches=branches, initial=initial
    )
    search_url(form, "person", f"{reverse('org:applicant_search')}?hospital={h.pk}")
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
    dev = development_selectors.development_get(access=access, pk=pk)
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

    rule = structure_selectors.org_rule_for(dev.hospital.authority_id)
    return render(
        request,
        "org/development_edit.html",
        {
            "dev": dev,
            "form": form,
            "can_edit": can_edit,
            "rule": rule,
            "next_step": development_next_step(
                development_selectors.dev_dates(dev), rule=rule, today=today()
            ),
            "stop_form": StopForm(),
        },
    )


@login_required
@require_POST
def development_stop(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    dev = development_selectors.development_get(access=access, pk=pk)
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
