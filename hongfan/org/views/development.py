"""发展党员 pages: the board, start, edit and stop a development."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from hongfan.core.access import Access, hospital_for, request_access
from hongfan.core.dates import today
from hongfan.core.exports import docx_response
from hongfan.core.forms import apply_errors, error_text, form_save, id_or_none, search_url
from hongfan.core.uploads import FILE_TYPES, file_response, stored_file_open
from hongfan.org.choices import DevelopmentStepKind
from hongfan.org.documents import paper_docx
from hongfan.org.forms.development import (
    DevelopmentStartForm,
    DocumentForm,
    ExtendForm,
    IntroducersForm,
    StepForm,
    StepRulesForm,
    StopForm,
)
from hongfan.org.models import Development, Hospital
from hongfan.org.selectors import development as development_selectors
from hongfan.org.selectors import people as people_selectors
from hongfan.org.selectors import structure as structure_selectors
from hongfan.org.selectors.hospitals import authority_for, hospital_choices
from hongfan.org.services import development as development_services
from hongfan.org.views.hospitals import _require_manager


@login_required
def development_board(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    _require_manager(access)
    h = hospital_for(request, access, hospitals=hospital_choices(access=access))
    branch_id = request.GET.get("branch", "")
    b = None
    if (pk := id_or_none(branch_id)) is not None:
        b = structure_selectors.branch_get(access, pk)
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
    if (person_id := id_or_none(request.GET.get("person", ""))) is not None:
        initial["person"] = person_id
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
            "search": True,  # the applicant is searched as the user types (Tom Select)
        },
    )


def _step_page(
    request: HttpRequest,
    access: Access,
    dev: Development,
    *,
    bound: tuple[str, StepForm] | None = None,
    introducers: IntroducersForm | None = None,
    extend: ExtendForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The development's page: its steps with their state, records and documents, the
    introducers, the rules. ``bound`` is a step form sent back with its errors."""
    steps = development_selectors.development_steps(access=access, development=dev)
    can_edit = access.manages_branch(dev.branch_id, dev.hospital_id) and dev.status == "active"
    forms: dict[str, StepForm] = {}
    if can_edit:
        for row in steps.rows:
            if row.plan.open:
                kind = row.plan.rule.kind
                forms[kind] = StepForm(
                    with_hours=kind == DevelopmentStepKind.TRAINING,
                    initial={"done_on": today()},
                    auto_id=f"id_{kind}_%s",
                )
        if bound is not None:
            forms[bound[0]] = bound[1]
    if introducers is None:
        introducers = IntroducersForm(
            people=development_selectors.introducer_options(access=access, development=dev),
            initial={"introducer_1": dev.introducer_1_id, "introducer_2": dev.introducer_2_id},
        )
    search_url(introducers, "introducer_1", reverse("org:introducer_search", args=[dev.pk]))
    search_url(introducers, "introducer_2", reverse("org:introducer_search", args=[dev.pk]))
    rows = [(row, forms.get(row.plan.rule.kind)) for row in steps.rows]
    return render(
        request,
        "org/development_edit.html",
        {
            "dev": dev,
            "steps": steps,
            "rows": rows,
            "open_kind": bound[0] if bound else "",
            "can_edit": can_edit,
            "introducers_form": introducers,
            "rule": structure_selectors.org_rule_for(dev.hospital.authority_id),
            "stop_form": StopForm(),
            "extend_form": extend or ExtendForm(),
            "can_extend": can_edit and dev.probation_on is not None and not dev.extension_months,
            "today": today(),
        },
        status=status,
    )


@login_required
@require_GET
def development_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    dev = development_selectors.development_get(access=access, pk=pk)
    return _step_page(request, access, dev)


def _require_writer(access: Access, dev: Development) -> None:
    if not access.manages_branch(dev.branch_id, dev.hospital_id):
        raise PermissionDenied("没有权限修改此发展记录")


@login_required
@require_POST
def development_step(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Record one step of a development (its date, a late reason, its document)."""
    access = request_access(request)
    dev = development_selectors.development_get(access=access, pk=pk)
    _require_writer(access, dev)
    if kind not in DevelopmentStepKind.values:
        raise Http404("没有这个步骤")
    form = StepForm(
        request.POST,
        request.FILES,
        with_hours=kind == DevelopmentStepKind.TRAINING,
        auto_id=f"id_{kind}_%s",
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            step = development_services.development_step_record(
                access=access,
                development=dev,
                kind=kind,
                done_on=data["done_on"],
                late_reason=data["late_reason"],
                note=data["note"],
                hours=data.get("hours"),
                upload=data["file"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            flag = "（逾期办理，已记录原因）" if step.late else ""
            messages.success(request, f"已登记“{step.label}”{flag}")
            return redirect(reverse("org:development_edit", args=[dev.pk]) + f"#step-{kind}")
    messages.error(request, "未登记，请按提示修改")
    return _step_page(request, access, dev, bound=(kind, form), status=400)


@login_required
@require_POST
def development_introducers(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    dev = development_selectors.development_get(access=access, pk=pk)
    _require_writer(access, dev)
    form = IntroducersForm(
        request.POST,
        people=development_selectors.introducer_options(access=access, development=dev),
    )
    saved, _ = form_save(
        request,
        form,
        lambda d: development_services.development_introducers_set(
            access=access,
            development=dev,
            first=d["introducer_1"],
            second=d["introducer_2"],
            request=request,
        ),
        success="已确定入党介绍人",
    )
    if saved:
        return redirect(reverse("org:development_edit", args=[dev.pk]) + "#introducers")
    return _step_page(request, access, dev, introducers=form, status=400)


@login_required
@require_POST
def development_extend(request: HttpRequest, pk: int) -> HttpResponse:
    """延长预备期 (once, by the months the rule allows)."""
    access = request_access(request)
    dev = development_selectors.development_get(access=access, pk=pk)
    _require_writer(access, dev)
    form = ExtendForm(request.POST)
    saved, _ = form_save(
        request,
        form,
        lambda d: development_services.development_extend(
            access=access, development=dev, months=d["months"], reason=d["reason"], request=request
        ),
        success="已延长预备期",
    )
    if saved:
        return redirect("org:development_edit", pk=dev.pk)
    return _step_page(request, access, dev, extend=form, status=400)


@login_required
@require_GET
def introducer_search(request: HttpRequest, pk: int) -> JsonResponse:
    """Search-as-you-type for 入党介绍人: the hospital's full members, by name."""
    access = request_access(request)
    dev = development_selectors.development_get(access=access, pk=pk)
    _require_writer(access, dev)
    found = people_selectors.people_search(
        access=access,
        people=development_selectors.introducer_options(access=access, development=dev),
        text=request.GET.get("q", ""),
    )
    return JsonResponse({"results": [{"value": p.pk, "text": str(p)} for p in found]})


@login_required
@require_POST
def development_document_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a document to a recorded step (``pk``: the step)."""
    access = request_access(request)
    step = development_selectors.development_step_get(access=access, pk=pk)
    _require_writer(access, step.development)
    form = DocumentForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError({"file": "请选择要上传的材料"})
        development_services.development_document_add(
            access=access, step=step, upload=form.cleaned_data["file"]
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"已上传“{step.label}”的材料")
    return redirect(
        reverse("org:development_edit", args=[step.development_id]) + f"#step-{step.kind}"
    )


@login_required
@require_GET
def development_document(request: HttpRequest, pk: int) -> FileResponse:
    access = request_access(request)
    row = development_selectors.development_document_get(access=access, pk=pk)
    opened = stored_file_open(row.file.storage, row.file.name, FILE_TYPES)
    if opened is None:
        raise Http404("材料不存在")
    f, kind = opened  # the type from the stored bytes, never from the name or the row
    return file_response(f, kind=kind, filename=row.name, fallback=f"development-{row.pk}")


@login_required
@require_GET
def development_paper(request: HttpRequest, pk: int, paper: str) -> HttpResponseBase:
    """A generated 文书 (公示, 入党志愿书 cover) as a Word file."""
    access = request_access(request)
    dev = development_selectors.development_get(access=access, pk=pk)
    data = development_selectors.development_paper(access=access, development=dev, paper=paper)
    content, filename = paper_docx(data, paper)
    return docx_response(
        content,
        filename,
        fallback=f"development-{paper}.docx",
        request=request,
        audit={"target": dev, "hospital_id": dev.hospital_id, "what": paper},
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


@login_required
def development_rules(request: HttpRequest) -> HttpResponse:
    """The city's numbers of each step of 发展党员, published as a version from a date."""
    access = request_access(request)
    if not access.is_city:
        raise PermissionDenied("发展党员步骤规则由市卫健委设定")
    authority = authority_for(access)
    if authority is None:
        raise Http404("尚未设置卫健委")
    rules = [r for r in development_selectors.step_rules_for(authority.pk)]
    form = StepRulesForm(request.POST or None, rules=rules, initial={"effective_from": today()})
    saved, _ = form_save(
        request,
        form,
        lambda d: development_services.development_step_rules_publish(
            access=access,
            authority=authority,
            effective_from=d["effective_from"],
            values=form.step_values(),
            request=request,
        ),
        success="已发布新版本的发展党员步骤规则",
    )
    if saved:
        return redirect("org:development_rules")
    return render(
        request,
        "org/development_rules.html",
        {
            "form": form,
            "versions": development_selectors.development_step_rule_versions(
                access=access, authority_id=authority.pk
            ),
            "lines": development_selectors.rule_lines(rules),
        },
        status=400 if request.method == "POST" else 200,
    )
