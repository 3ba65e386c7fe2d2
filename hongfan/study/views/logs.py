"""Pages of self-study entries (学习记录): a member logs time on an item; the secretary's
review queue and decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hongfan.core.access import request_access
from hongfan.core.dates import today
from hongfan.core.forms import apply_errors, error_text
from hongfan.study import policy
from hongfan.study.choices import LogStatus
from hongfan.study.forms.logs import DecideForm, LogForm
from hongfan.study.selectors import items as item_selectors
from hongfan.study.selectors import learners as learner_selectors
from hongfan.study.selectors import logs as log_selectors
from hongfan.study.services import logs as log_services
from hongfan.study.views.items import manager_hospital


@login_required
def log_new(request: HttpRequest, pk: int) -> HttpResponse:
    """记录自学: a member logs time spent on an item meant for them."""
    access = request_access(request)
    obj = item_selectors.item_get(access=access, pk=pk)
    person = learner_selectors.learner_for(access)
    if not policy.is_meant_for(obj, person):
        raise access.denied(obj.hospital_id, "学习资料", "登记")
    form = LogForm(
        request.POST or None, initial={"studied_on": today(), "minutes": obj.expected_minutes}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            log_services.log_submit(
                access=access,
                item=obj,
                minutes=d["minutes"],
                studied_on=d["studied_on"],
                note=d["note"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, f"已登记“{obj.title}”的学习时长{d['minutes']}分钟，等待支部书记确认"
            )
            return redirect("study:mine")
    return render(request, "study/log_form.html", {"form": form, "item": obj})


# --- review of self-study entries --------------------------------------------------------------------

TABS = [("pending", "待确认"), ("decided", "已处理"), ("all", "全部")]


@login_required
def review(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    hospital = manager_hospital(request, access)
    if not (access.administers_hospital(hospital.pk) or hospital.pk in access.branch_hospital_ids):
        raise PermissionDenied("只有支部书记或医院党委可以确认学习记录")
    status = request.GET.get("status", "pending")
    status = status if status in {"pending", "decided", "all"} else "pending"
    qs = log_selectors.log_list(access=access, hospital=hospital)
    if status == "pending":
        qs = qs.filter(status=LogStatus.PENDING).order_by("created_at", "id")
    elif status == "decided":
        qs = qs.exclude(status=LogStatus.PENDING).order_by("-decided_at", "-id")
    else:
        qs = qs.order_by("-created_at", "-id")
    return render(
        request,
        "study/review.html",
        {
            "hospital": hospital,
            "page": Paginator(qs, 20).get_page(request.GET.get("page")),
            "status": status,
            "tabs": TABS,
            "my_person_id": access.person_id,
            "pending": log_selectors.pending_count(access=access, hospital=hospital),
        },
    )


@login_required
@require_POST
def log_decide(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    log = log_selectors.log_get(access=access, pk=pk)
    back = f"{reverse('study:review')}?hospital={log.hospital_id}"
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择确认或退回；意见不超过200字")
        return redirect(back)
    d = form.cleaned_data
    try:
        decision = log_services.log_decide(
            access=access,
            log=log,
            confirm=d["action"] == "confirm",
            reason=d["reason"],
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, f"{log.person.name}的学习记录：{error_text(exc)}")
    else:
        messages.success(request, decision.message)
    return redirect(back)
