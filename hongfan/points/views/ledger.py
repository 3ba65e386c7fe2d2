"""Pages of the ledger: a member's points (their own or, for their secretary, a member's),
an award or deduction by hand, and a reversal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hongfan.core.access import Access, hospital_for, request_access
from hongfan.core.dates import today
from hongfan.core.forms import apply_errors, id_or_none
from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
from hongfan.org.selectors import people as org_people_selectors
from hongfan.org.selectors.hospitals import hospital_choices
from hongfan.points.choices import Period
from hongfan.points.forms.ledger import ManualAwardForm, ReverseForm
from hongfan.points.periods import period_label, period_start
from hongfan.points.selectors import catalogue as catalogue_selectors
from hongfan.points.selectors import ledger as ledger_selectors
from hongfan.points.selectors import standings
from hongfan.points.services import ledger as ledger_services


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    if not access.person_id:
        raise PermissionDenied("此账号未关联党员，没有个人积分")
    return _points_page(request, access, access.person_id)


@login_required
def person_points(request: HttpRequest, pk: int) -> HttpResponse:
    return _points_page(request, request_access(request), pk)


def _points_page(request: HttpRequest, access: Access, person_pk: int) -> HttpResponse:
    person = org_people_selectors.person_get(access=access, pk=person_pk)
    data = standings.my_points(access=access, person=person)
    return render(
        request,
        "points/mine.html",
        {
            "d": data,
            # each entry says whether it was reversed and whether an appeal waits on it
            "page": Paginator(data.entries, 20).get_page(request.GET.get("page")),
            "is_self": access.person_id == person.pk,
            "can_reverse": access.manages_branch(person.branch_id, person.hospital_id),
            "quarter_label": period_label(Period.QUARTER, period_start(Period.QUARTER, today())),
        },
    )


@login_required
def award(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    hospital = hospital_for(request, access, hospitals=hospital_choices(access=access))
    if not (access.administers_hospital(hospital.pk) or access.branch_ids):
        raise PermissionDenied("只有支部书记或医院党委可以手工计分")
    people = org_people_selectors.person_qs(access=access).filter(
        hospital=hospital, status=PersonStatus.ACTIVE, political_status__in=MEMBER_STATUSES
    )
    if not access.administers_hospital(hospital.pk):
        people = people.filter(branch_id__in=access.branch_ids)
    initial: dict[str, object] = {"occurred_on": today(), "quantity": 1}
    person_id = id_or_none(request.GET.get("person", ""))
    if person_id is not None:
        initial["person"] = person_id
    form = ManualAwardForm(
        request.POST or None,
        initial=initial,
        people=people.order_by("name"),
        rules=catalogue_selectors.rules_active(access=access, hospital=hospital),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            result = ledger_services.points_manual(
                access=access,
                person=d["person"],
                rule=d["rule"],
                occurred_on=d["occurred_on"],
                reason=d["reason"],
                quantity=d["quantity"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            (messages.success if result.entry else messages.warning)(
                request, f"{d['person'].name}：{result.message}"
            )
            return redirect("points:person", pk=d["person"].pk)
    return render(
        request,
        "org/simple_form.html",
        {
            "form": form,
            "title": "手工加减分",
            "back": reverse("points:rankings"),
            "intro": "按积分规则为本支部党员加分或扣分，须写明事由；受规则的每日/每月等上限约束。",
        },
    )


@login_required
@require_POST
def reverse_entry(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    entry = ledger_selectors.entry_get(access=access, pk=pk)  # 404/403 out of scope
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写冲正原因")
    else:
        try:
            ledger_services.points_reverse(
                access=access, entry=entry, reason=form.cleaned_data["reason"], request=request
            )
            messages.success(request, "已冲正，原记录保留")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    return redirect("points:person", pk=entry.person_id)
