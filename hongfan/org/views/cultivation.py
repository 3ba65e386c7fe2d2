"""双培养 pages: the list with its registration form, and closing one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hongfan.core.access import hospital_for, request_access
from hongfan.core.dates import today
from hongfan.core.forms import apply_errors
from hongfan.org.choices import CultivationDirection, CultivationOutcome
from hongfan.org.forms.cultivation import CultivationCloseForm, CultivationForm
from hongfan.org.selectors import cultivation as cultivation_selectors
from hongfan.org.selectors import people as people_selectors
from hongfan.org.selectors.hospitals import hospital_choices
from hongfan.org.services import cultivation as cultivation_services
from hongfan.org.views.hospitals import _require_manager


@login_required
def cultivation(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    _require_manager(access)
    h = hospital_for(request, access, hospitals=hospital_choices(access=access))
    rows = cultivation_selectors.cultivation_list(access=access, hospital=h)
    people_qs = people_selectors.people_active(access=access, hospital=h)
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
            "summary": cultivation_selectors.cultivation_summary(rows),
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
    row = cultivation_selectors.cultivation_get(access=access, pk=pk)
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
