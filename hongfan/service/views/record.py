"""Pages of what an activity did: its record (people served by service, referrals,
materials, medicine, summary), a household of a home visit and its follow-up, photos, and
the follow-ups still open. Thin: writes in ``services.record``, reads in
``selectors.record``."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hongfan.core.access import request_access
from hongfan.core.forms import error_text, form_save
from hongfan.core.uploads import IMAGE_TYPES, file_response, stored_file_open
from hongfan.service.choices import ActivityKind, ServedKind
from hongfan.service.forms.record import HouseholdForm, PhotoForm, RecordForm
from hongfan.service.selectors import activity as activity_selectors
from hongfan.service.selectors import record as record_selectors
from hongfan.service.services import record as record_services
from hongfan.service.services.record import require_recordable


def _recordable(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    access = request_access(request)
    a = activity_selectors.activity_get(access=access, pk=pk, manage=True)
    try:
        require_recordable(access, a)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return access, a, False
    return access, a, True


@login_required
def record(request: HttpRequest, pk: int) -> HttpResponse:
    access, a, ok = _recordable(request, pk)
    if not ok:
        return redirect("service:activity", a.pk)
    if a.kind == ActivityKind.HOME_VISIT:
        return redirect("service:household_new", a.pk)
    current = record_selectors.record_of(a)
    initial = {}
    if current is not None:
        initial = {
            "people_served": current.people_served,
            "referrals": current.referrals,
            "materials": current.materials,
            "medicine_value": current.medicine_value,
            "summary": current.summary,
            **{f"served_{c.kind}": c.count for c in current.counts.all()},
        }
    form = RecordForm(request.POST or None, initial=initial)
    saved, _ = form_save(
        request,
        form,
        lambda d: record_services.record_save(
            access=access,
            activity=a,
            people_served=d["people_served"],
            counts=form.counts(),
            referrals=d["referrals"] or 0,
            materials=d["materials"] or 0,
            medicine_value=d["medicine_value"] or Decimal(0),
            summary=d["summary"],
            request=request,
        ),
        success="服务记录已保存",
    )
    if saved:
        return redirect("service:activity", a.pk)
    served = [form[f"served_{k}"] for k in ServedKind.values]
    main = [form[n] for n in ("people_served", "referrals", "materials", "medicine_value")]
    return render(
        request,
        "service/record/form.html",
        {"a": a, "form": form, "served": served, "main": main},
    )


@login_required
def household_new(request: HttpRequest, pk: int) -> HttpResponse:
    access, a, ok = _recordable(request, pk)
    if not ok:
        return redirect("service:activity", a.pk)
    form = HouseholdForm(request.POST or None)
    saved, _ = form_save(
        request,
        form,
        lambda d: record_services.household_add(access=access, activity=a, request=request, **d),
        success="走访家庭已记录",
    )
    if saved:
        if "more" in request.POST:
            return redirect("service:household_new", a.pk)
        return redirect("service:activity", a.pk)
    return render(
        request,
        "service/record/household.html",
        {"a": a, "form": form, "households": record_selectors.households_of(a)},
    )


@login_required
@require_POST
def household_followed_up(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    row = record_selectors.household_get(access=access, pk=pk)
    try:
        record_services.household_followed_up(access=access, household=row, request=request)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "已记录随访")
    back = request.POST.get("next", "")
    if back == "list":
        return redirect("service:follow_ups")
    return redirect("service:activity", row.activity_id)


@login_required
def follow_ups(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    access.require_business()
    if not (access.hospital_ids or access.branch_ids):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("只有支部书记和医院党委可以查看随访事项")
    rows = list(record_selectors.follow_ups_open(access=access)[:500])
    return render(
        request,
        "service/record/follow_ups.html",
        {
            "rows": [(h, record_selectors.masked_name(h)) for h in rows],
        },
    )


@login_required
@require_POST
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    a = activity_selectors.activity_get(access=access, pk=pk, manage=True)
    form = PhotoForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError({"file": "请选择要上传的照片"})
        record_services.photo_add(
            access=access,
            activity=a,
            upload=form.cleaned_data["file"],
            caption=form.cleaned_data["caption"],
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "照片已上传")
    return redirect(reverse("service:activity", args=[a.pk]) + "#photos")


@login_required
def photo(request: HttpRequest, pk: int) -> FileResponse:
    access = request_access(request)
    row = record_selectors.photo_get(access=access, pk=pk)
    opened = stored_file_open(row.file.storage, row.file.name, IMAGE_TYPES)
    if opened is None:
        raise Http404("照片不存在")
    f, kind = opened
    return file_response(
        f, kind=kind, filename=f"活动照片{row.pk}.{kind}", fallback=f"photo-{row.pk}"
    )
