"""Pages of members' claims (申报积分) and appeals (申诉), and the secretary's review queues
(积分审核). Thin: the writes are in ``services.claims`` and ``services.appeals``, the reads in
``selectors.claims``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hongfan.core.access import Access, hospital_for, request_access
from hongfan.core.dates import today
from hongfan.core.forms import apply_errors
from hongfan.core.uploads import file_response
from hongfan.org.models import Hospital, Person
from hongfan.org.selectors import people as org_people_selectors
from hongfan.org.selectors.hospitals import hospital_choices
from hongfan.points.filters import STATUS_TABS, ReviewFilter
from hongfan.points.forms.claims import AppealDecideForm, AppealForm, ClaimForm, DecideForm
from hongfan.points.selectors import claims as claim_selectors
from hongfan.points.services import appeals as appeal_services
from hongfan.points.services import claims as claim_services


def _claimant(access: Access) -> Person:
    """The logged-in user's own person, who must be an active member to claim."""
    person = org_people_selectors.person_own(access=access)
    if person is None:
        raise PermissionDenied("此账号未关联党员，不能申报积分")
    if not claim_selectors.is_member(person):
        raise PermissionDenied("只有在册党员可以申报积分")
    return person


def _reviews(access: Access, hospital_id: int) -> bool:
    return access.administers_hospital(hospital_id) or hospital_id in access.branch_hospital_ids


def _review_hospital(request: HttpRequest, access: Access) -> Hospital:
    return hospital_for(
        request,
        access,
        hospitals=hospital_choices(access=access),
        business=True,
        works=_reviews,
        works_refusal="只有支部书记或医院党委可以审核积分申报和申诉",
    )


def _errors(exc: ValidationError) -> str:
    return "；".join(exc.messages)


@login_required
def claim_new(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    person = _claimant(access)
    rules = claim_selectors.claim_rules(person.hospital_id)
    form = ClaimForm(
        request.POST or None,
        request.FILES or None,
        rules=rules,
        initial={"occurred_on": today(), "quantity": 1},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            claim_services.claim_submit(
                access=access,
                person=person,
                rule=d["rule"],
                occurred_on=d["occurred_on"],
                quantity=d["quantity"],
                description=d["description"],
                photo=d["photo"] or None,
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已提交“{d['rule'].name}”的申报，等待支部书记审核")
            return redirect("points:claims_mine")
    return render(
        request,
        "points/claim_form.html",
        {
            "form": form,
            "rules": rules,
            "person": person,
            "max_mb": settings.UPLOAD_IMAGE_MAX_BYTES / (1024 * 1024),
            "max_bytes": settings.UPLOAD_IMAGE_MAX_BYTES,
        },
    )


@login_required
def claims_mine(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    if not access.is_business:
        raise PermissionDenied("此角色不能查看业务数据")
    page = Paginator(claim_selectors.claims_of_member(access=access), 20).get_page(
        request.GET.get("page")
    )
    appeals = list(claim_selectors.appeals_of_member(access=access)[:50])
    person = org_people_selectors.person_own(access=access)
    return render(
        request,
        "points/claim_mine.html",
        {
            "page": page,
            "appeals": appeals,
            "can_claim": person is not None and claim_selectors.is_member(person),
        },
    )


@login_required
def claim_photo(request: HttpRequest, pk: int) -> FileResponse:
    """A claim's evidence photo, only for those who may see the claim; never a public URL."""
    access = request_access(request)
    claim = claim_selectors.claim_get(access=access, pk=pk)
    f, kind = claim_selectors.claim_photo_open(claim)
    name = f"claim-{claim.pk}"
    return file_response(f, kind=kind, filename=name, fallback=name)


@login_required
def appeal_new(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    entry = claim_selectors.entry_for_appeal(access=access, pk=pk)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal_services.appeal_submit(
                access=access, entry=entry, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "申诉已提交，等待支部书记处理")
            return redirect(reverse("points:claims_mine") + "#appeals")
    return render(request, "points/appeal_form.html", {"form": form, "entry": entry})


def _review_page(request: HttpRequest, *, queue: Any, template: str, tabs: Any) -> HttpResponse:
    """The review queue of claims or appeals: pending oldest first, decided newest first."""
    access = request_access(request)
    hospital = _review_hospital(request, access)
    filtered = ReviewFilter(request.GET, queryset=queue(access=access, hospital=hospital))
    status = filtered.status_value()
    qs = filtered.qs
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        template,
        {
            "page": page,
            "hospital": hospital,
            "status": status,
            "tabs": tabs,
            "counts": claim_selectors.pending_counts(access=access, hospital=hospital),
            "my_person_id": access.person_id,
        },
    )


@login_required
def claim_review(request: HttpRequest) -> HttpResponse:
    return _review_page(
        request,
        queue=claim_selectors.claim_queue,
        template="points/claim_review.html",
        tabs=STATUS_TABS,
    )


@login_required
@require_POST
def claim_decide(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    claim = claim_selectors.claim_get(access=access, pk=pk)
    form = DecideForm(request.POST)
    back = reverse("points:claim_review") + f"?hospital={claim.hospital_id}"
    if not form.is_valid():
        messages.error(request, "请选择通过或驳回；审核意见不超过200字")
        return redirect(back)
    d = form.cleaned_data
    try:
        decision = claim_services.claim_decide(
            access=access,
            claim=claim,
            approve=d["action"] == "approve",
            reason=d["reason"],
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, f"{claim.person.name}的申报：{_errors(exc)}")
    else:
        (messages.warning if decision.capped else messages.success)(request, decision.message)
    return redirect(back)


@login_required
def appeal_review(request: HttpRequest) -> HttpResponse:
    return _review_page(
        request,
        queue=claim_selectors.appeal_queue,
        template="points/appeal_review.html",
        tabs=[("pending", "待处理"), ("decided", "已处理"), ("all", "全部")],
    )


@login_required
@require_POST
def appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    appeal = claim_selectors.appeal_get(access=access, pk=pk)
    form = AppealDecideForm(request.POST)
    back = reverse("points:appeal_review") + f"?hospital={appeal.entry.hospital_id}"
    if not form.is_valid():
        messages.error(request, "请选择申诉成立或不成立；处理意见不超过200字")
        return redirect(back)
    d = form.cleaned_data
    uphold = d["action"] == "uphold"
    try:
        appeal_services.appeal_decide(
            access=access, appeal=appeal, uphold=uphold, reason=d["reason"], request=request
        )
    except ValidationError as exc:
        messages.error(request, f"{appeal.person.name}的申诉：{_errors(exc)}")
    else:
        messages.success(
            request,
            f"{appeal.person.name}的申诉成立，该条积分已冲正（原记录保留）"
            if uphold
            else f"已驳回{appeal.person.name}的申诉",
        )
    return redirect(back)
