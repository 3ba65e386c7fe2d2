"""Pages of activities: the activity book (filters, export), plan an activity with its
shifts (rows added on the page, or by "添加班次" without JavaScript), change a draft or a
published activity that has not begun, an activity's page (shifts, fill, who signed up, the record), publish, cancel, and
the search for a shift's lead. Thin: writes in ``services.activity``, reads in
``selectors.activity``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hongfan.core import tables
from hongfan.core.access import Access, request_access
from hongfan.core.dates import today
from hongfan.core.forms import apply_errors, error_text, year_param
from hongfan.org.models import Hospital
from hongfan.org.selectors.hospitals import hospital_choices
from hongfan.service.choices import FIELD_KINDS, ActivityKind, ActivityStatus
from hongfan.service.forms.activity import (
    ActivityFilterForm,
    ActivityForm,
    CancelForm,
    ShiftFormSet,
    person_label,
)
from hongfan.service.models import Activity
from hongfan.service.selectors import activity as activity_selectors
from hongfan.service.selectors import brand as brand_selectors
from hongfan.service.selectors import place as place_selectors
from hongfan.service.selectors import record as record_selectors
from hongfan.service.services import activity as activity_services
from hongfan.service.services.activity import SHIFTS_MAX
from hongfan.service.views.brand import managing_hospital, years

ACTIVITY_COLUMNS = (
    tables.Column("starts_at", "日期", order=("starts_at",)),
    tables.Column("kind", "类型", order=("kind",), value=lambda a: a.get_kind_display()),
    tables.Column("title", "活动名称", order=("title",)),
    tables.Column("measure", "服务举措", order=("measure__order",), value=lambda a: a.measure.name),
    tables.Column("organiser", "组织单位", order=("branch__name",), value=lambda a: a.branch.name if a.branch else "医院党委"),
    tables.Column("place", "服务地点", order=("place__township", "place__name"), value=lambda a: str(a.place) if a.place else ""),
    tables.Column("fill", "报名/名额", order=("signed",), value=lambda a: f"{a.signed}/{a.capacity}"),
    tables.Column("status", "状态", order=("status",), value=lambda a: a.get_status_display()),
)  # fmt: skip


def _filters(
    request: HttpRequest, hospital: Hospital, branches: Any
) -> tuple[activity_selectors.ActivityFilters, dict[str, Any]]:
    form = ActivityFilterForm(
        request.GET,
        measures=brand_selectors.measures_of(hospital),
        kinds=ActivityKind.choices,
        statuses=ActivityStatus.choices,
    )
    d = form.chosen()
    raw_branch = d.get("branch", "")
    branch = next((b for b in branches if str(b.pk) == raw_branch), None)
    filters = activity_selectors.ActivityFilters(
        year=year_param(request),
        month=d.get("month"),
        kind=d.get("kind", ""),
        status=d.get("status", ""),
        measure_id=d["measure"].pk if d.get("measure") else None,
        branch_id=branch.pk if branch else None,
        hospital_only=raw_branch == "hospital",
    )
    shown = {
        "month": str(filters.month or ""),
        "kind": filters.kind,
        "status": filters.status,
        "measure": str(filters.measure_id or ""),
        "branch": "hospital" if filters.hospital_only else str(filters.branch_id or ""),
        "year": filters.year,
    }
    return filters, shown


@login_required
def activities(request: HttpRequest) -> HttpResponseBase:
    access = request_access(request)
    hospital = managing_hospital(request, access, secretaries=True)
    branches = list(activity_selectors.listed_branches(access=access, hospital=hospital))
    filters, shown = _filters(request, hospital, branches)
    qs = activity_selectors.activity_list(access=access, hospital=hospital, filters=filters)
    table = tables.Table(request, ACTIVITY_COLUMNS, default="-starts_at", label="活动")
    return tables.table_response(
        request,
        "service/activity/list.html",
        table=table,
        rows=qs,
        filename=f"{hospital.short_name or hospital.name}{filters.year}年志愿服务活动.xlsx",
        fallback="service_activities.xlsx",
        audit={"hospital_id": hospital.pk, "what": "service_activities", "year": filters.year},
        context={
            "hospital": hospital,
            "f": shown,
            "years": years(),
            "months": range(1, 13),
            "kinds": ActivityKind.choices,
            "statuses": ActivityStatus.choices,
            "measures": brand_selectors.measures_of(hospital),
            "branches": branches,
            "is_admin": access.administers_hospital(hospital.pk),
            "can_plan": activity_selectors.may_organise(access, hospital),
            "hospitals": hospital_choices(access=access).order_by("pk") if access.is_city else None,
        },
        title="志愿服务活动",
    )


def _form(request: HttpRequest, access: Access, hospital: Hospital, initial: dict[str, Any], shifts: list[dict[str, Any]], keep: Activity | None = None) -> tuple[ActivityForm, Any]:  # fmt: skip
    branches = activity_selectors.organiser_branches(access=access, hospital=hospital)
    measures = brand_selectors.measures_of(hospital, active_only=True)
    if keep is not None:
        measures = brand_selectors.measures_of(hospital).filter(
            active=True
        ) | brand_selectors.measures_of(hospital).filter(pk=keep.measure_id)
    form = ActivityForm(
        request.POST or None,
        initial=initial,
        branches=list(branches) if keep is None else [b for b in branches if b.pk == keep.branch_id],
        hospital_allowed=access.administers_hospital(hospital.pk) and (keep is None or keep.branch_id is None),
        measures=measures.order_by("order", "pk"),
        places=place_selectors.place_options(hospital.pk, keep.place_id if keep else None),
        departments=activity_selectors.department_options(hospital.pk),
    )  # fmt: skip
    formset = ShiftFormSet(  # type: ignore[call-arg]
        request.POST or None,
        initial=shifts,
        prefix="shift",
        leads=activity_selectors.lead_options(hospital.pk),
        search=reverse("service:lead_search") + f"?hospital={hospital.pk}",
    )
    return form, formset


def _defaults(hospital: Hospital, access: Access) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    day = today() + timedelta(days=7)
    branches = list(activity_selectors.organiser_branches(access=access, hospital=hospital)[:2])
    organiser = (
        str(branches[0].pk)
        if len(branches) == 1 and not access.administers_hospital(hospital.pk)
        else ""
    )
    initial = {
        "organiser": organiser,
        "day": day,
        "start": "08:30",
        "end": "11:30",
        "signup_day": day - timedelta(days=1),
        "signup_time": "18:00",
        "cancel_day": day - timedelta(days=1),
        "cancel_time": "12:00",
        "open_to_staff": True,
    }
    shifts = [{"label": "上午", "start": "08:30", "end": "11:30", "capacity": 10}, {}]
    return initial, shifts


def _save(access: Access, hospital: Hospital, form: ActivityForm, formset: Any, request: HttpRequest, activity: Activity | None = None) -> tuple[Activity | None, int]:  # fmt: skip
    """Plan or change the activity; ``(None, 0)`` when the form shows errors, else the
    activity and how many of those signed up were told of a change."""
    if not (form.is_valid() and formset.is_valid()):
        return None, 0
    plan = form.plan(formset)
    try:
        if activity is None:
            created = activity_services.activity_create(
                access=access,
                hospital=hospital,
                branch=form.cleaned_data["branch"],
                plan=plan,
                request=request,
            )
            return created, 0
        return activity_services.activity_update(
            access=access, activity=activity, plan=plan, request=request
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "shifts" in exc.error_dict:
            formset._non_form_errors = formset.error_class(exc.error_dict.pop("shifts")[0].messages)
        apply_errors(form, exc)
        return None, 0


def _adding_row(request: HttpRequest, form: ActivityForm, formset: Any) -> Any:
    """The formset to show when "添加班次" was pressed on a page without JavaScript (the
    same rows and one more, nothing saved), else None."""
    if request.method != "POST" or "add_shift" not in request.POST:
        return None
    form._errors = ErrorDict()  # type: ignore[attr-defined]  # shown without errors
    return formset.with_row_added()


def _page(
    request: HttpRequest,
    form: ActivityForm,
    formset: Any,
    signed: dict[int, int] | None = None,
    **context: Any,
) -> HttpResponse:
    """The plan form; ``signed``: how many hold a place on each shift already."""
    signed = signed or {}
    rows = [(f, signed.get(f.initial.get("pk"), 0)) for f in formset]
    return render(
        request,
        "service/activity/form.html",
        {"form": form, "formset": formset, "rows": rows, "shifts_max": SHIFTS_MAX,
         "published": False, **context},
    )  # fmt: skip


@login_required
def activity_new(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    hospital = managing_hospital(request, access, secretaries=True)
    if not activity_selectors.may_organise(access, hospital):
        raise PermissionDenied("只有支部书记和医院党委可以组织志愿服务活动")
    initial, shifts = _defaults(hospital, access)
    form, formset = _form(request, access, hospital, initial, shifts)
    grown = _adding_row(request, form, formset)
    if grown is not None:
        formset = grown
    elif request.method == "POST":
        saved, _ = _save(access, hospital, form, formset, request)
        if saved is not None:
            messages.success(request, "活动已保存为草稿，确认无误后请发布")
            return redirect("service:activity", saved.pk)
    return _page(
        request, form, formset, title="组织志愿服务活动", back=reverse("service:activities"),
        no_measures=not brand_selectors.measures_of(hospital, active_only=True).exists(),
        no_places=not place_selectors.place_options(hospital.pk).exists(),
    )  # fmt: skip


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    a = activity_selectors.activity_get(access=access, pk=pk, manage=True)
    if not activity_selectors.editable(a):
        messages.error(request, "活动已开始、已结束或已取消，不能修改")
        return redirect("service:activity", a.pk)
    start, end = timezone.localtime(a.starts_at), timezone.localtime(a.ends_at)
    sd, cd = timezone.localtime(a.signup_deadline), timezone.localtime(a.cancel_deadline)
    initial = {
        "organiser": str(a.branch_id) if a.branch_id else ActivityForm.HOSPITAL,
        "kind": a.kind, "title": a.title, "measure": a.measure_id, "place": a.place_id,
        "place_detail": a.place_detail, "day": start.date(), "start": start.time(), "end": end.time(),
        "signup_day": sd.date(), "signup_time": sd.time(), "cancel_day": cd.date(), "cancel_time": cd.time(),
        "departments": list(a.departments.values_list("pk", flat=True)), "skills": a.skills,
        "open_to_staff": a.open_to_staff, "description": a.description,
    }  # fmt: skip
    fills = activity_selectors.shift_fill(a)
    shifts = [
        {"pk": f.shift.pk, "label": f.shift.label, "start": timezone.localtime(f.shift.starts_at).time(),
         "end": timezone.localtime(f.shift.ends_at).time(), "capacity": f.shift.capacity,
         "lead": f.shift.lead_id}
        for f in fills
    ] + [{}]  # fmt: skip
    form, formset = _form(request, access, a.hospital, initial, shifts, keep=a)
    grown = _adding_row(request, form, formset)
    if grown is not None:
        formset = grown
    elif request.method == "POST":
        saved, told = _save(access, a.hospital, form, formset, request, activity=a)
        if saved is not None:
            messages.success(
                request, f"已保存，已通知{told}位报名人员时间或地点的变化" if told else "已保存"
            )
            return redirect("service:activity", saved.pk)
    published = a.status == ActivityStatus.PUBLISHED
    return _page(
        request, form, formset, title=f"修改活动：{a.title}", back=reverse("service:activity", args=[a.pk]),
        published=published, signed={f.shift.pk: f.signed for f in fills},
    )  # fmt: skip


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    a = activity_selectors.activity_get(access=access, pk=pk)
    manages = activity_selectors.manages_activity(access, a)
    now = timezone.now()
    fills = activity_selectors.shift_fill(a)
    sees_people = manages or access.is_city
    record = record_selectors.record_of(a) if a.kind != ActivityKind.HOME_VISIT else None
    return render(
        request,
        "service/activity/detail.html",
        {
            "a": a,
            "access": access,
            "manages": manages,
            "fills": fills,
            "capacity": sum(f.shift.capacity for f in fills),
            "signed": sum(f.signed for f in fills),
            "signups": activity_selectors.signups_of(a) if sees_people else [],
            "sees_people": sees_people,
            "departments": list(a.departments.all()),
            "record": record,
            "served": list(record.counts.all()) if record else [],
            "households": record_selectors.households_of(a) if sees_people and a.kind == ActivityKind.HOME_VISIT else [],
            "photos": record_selectors.photos_of(a),
            "began": a.starts_at <= now,
            "recordable": manages and a.starts_at <= now and a.status in (ActivityStatus.PUBLISHED, ActivityStatus.CLOSED),
            "field_kind": a.kind in FIELD_KINDS or a.kind not in (ActivityKind.HOME_VISIT,),
            "is_visit": a.kind == ActivityKind.HOME_VISIT,
            "editable": manages and activity_selectors.editable(a, now),
            "cancellable": manages and a.status in (ActivityStatus.DRAFT, ActivityStatus.PUBLISHED) and a.ends_at > now,
            "cancel_form": CancelForm(),
        },
    )  # fmt: skip


@login_required
@require_POST
def activity_publish(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    a = activity_selectors.activity_get(access=access, pk=pk, manage=True)
    try:
        _, told = activity_services.activity_publish(access=access, activity=a, request=request)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"活动已发布，已通知{told}人")
    return redirect("service:activity", a.pk)


@login_required
@require_POST
def activity_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    a = activity_selectors.activity_get(access=access, pk=pk, manage=True)
    form = CancelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"reason": "请填写取消原因（200字以内）"})
        activity_services.activity_cancel(
            access=access, activity=a, reason=form.cleaned_data["reason"], request=request
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "活动已取消，已报名的人员将收到通知")
    return redirect("service:activity", a.pk)


@login_required
def lead_search(request: HttpRequest) -> JsonResponse:
    """Search-as-you-type for a shift's 带队人: people of the hospital the user organises
    activities in, by name."""
    access = request_access(request)
    hospital = managing_hospital(request, access, secretaries=True)
    if not activity_selectors.may_organise(access, hospital):
        raise PermissionDenied("只有支部书记和医院党委可以组织志愿服务活动")
    found = activity_selectors.person_search(
        activity_selectors.lead_options(hospital.pk), request.GET.get("q", "")
    )
    return JsonResponse({"results": [{"value": p.pk, "text": person_label(p)} for p in found]})
