"""Pages of 互联网+护理服务. Public (no login, from the hospital's QR code): the booking page
and the status check, both rate limited per client address. The nursing office (and the
hospital admin): the queue, one booking with its steps, the catalogue, the nurses, the
monthly promise figures. The nurse: their visits on a phone and the visit record. The city:
the figures of every hospital and the rule. Thin: writes in ``services.nursing``, scoped
reads in ``selectors.nursing``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_ratelimit.core import ALL, get_usage

from hongfan.core.access import request_access
from hongfan.core.audit import client_ip
from hongfan.core.exports import xlsx_response
from hongfan.core.forms import apply_errors, form_save, id_or_none, year_param
from hongfan.core.qr import qr_svg
from hongfan.core.roles import Role
from hongfan.core.tables import Column, table_workbook
from hongfan.service.choices import OPEN_NURSING, NurseTitle, NursingStatus
from hongfan.service.forms.nursing import (
    AssignForm,
    BookingForm,
    NurseForm,
    RefuseForm,
    RuleForm,
    ServiceForm,
    StatusForm,
    TriageForm,
    VisitForm,
)
from hongfan.service.selectors import nursing as sel
from hongfan.service.selectors.rules import nursing_rule_for
from hongfan.service.services import nursing as svc

# --- public pages ------------------------------------------------------------------------


def _client(group: str, request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def _limited(request: HttpRequest, group: str, *, increment: bool) -> bool:
    """Whether this client address has used up ``NURSING_BOOKING_RATE`` (asked before the
    attempt), or count one more use (``increment``, after a booking or a wrong guess)."""
    usage = get_usage(
        request,
        group=f"service.nursing.{group}",
        key=_client,
        rate=settings.NURSING_BOOKING_RATE,
        method=ALL,
        increment=increment,
    )
    return usage is not None and usage["count"] >= usage["limit"]


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "service/nursing/limited.html", status=429)


def nursing_book(request: HttpRequest, hospital_id: int) -> HttpResponse:
    """The family's booking page (no login). A client address may book a few times an
    hour (``NURSING_BOOKING_RATE``); beyond that a 429 page in Chinese. The page is public:
    it is handed the hospital's name and its services' labels, no rows."""
    hospital = sel.public_hospital(hospital_id=hospital_id)
    services = sel.public_service_choices(hospital_id=hospital.pk)
    form = BookingForm(request.POST if request.method == "POST" else None, services=services)
    if request.method == "POST":
        if _limited(request, "book", increment=False):
            return _too_many(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                booking = svc.booking_create(
                    hospital=hospital,
                    service_id=data["service"],
                    patient_kind=data["patient_kind"],
                    patient_name=data["patient_name"],
                    mobile=data["mobile"],
                    address=data["address"],
                    note=data["note"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                _limited(request, "book", increment=True)
                rule = nursing_rule_for(hospital.authority_id, timezone.localdate())
                return render(
                    request,
                    "service/nursing/booked.html",
                    {
                        "reference": booking.reference,
                        "service_name": booking.service.name,
                        "hospital_name": hospital.name,
                        "promise_hours": rule.promise_hours,
                    },
                )
    return render(
        request,
        "service/nursing/book.html",
        {"form": form, "hospital_name": hospital.name, "offers": bool(services)},
    )


def nursing_status(request: HttpRequest) -> HttpResponse:
    """The family checks a booking with its reference and the mobile's last 4 digits. Wrong
    guesses count against the same limit as bookings."""
    form = StatusForm(request.POST if request.method == "POST" else None)
    booking = None
    asked = False
    if request.method == "POST":
        if _limited(request, "status", increment=False):
            return _too_many(request)
        if form.is_valid():
            asked = True
            booking = sel.booking_status(
                reference=form.cleaned_data["reference"], last4=form.cleaned_data["last4"]
            )
            if booking is None:
                _limited(request, "status", increment=True)
    return render(
        request,
        "service/nursing/status.html",
        {
            "form": form,
            "booking": booking,
            "asked": asked,
            "patient": sel.masked_patient(booking) if booking else None,
        },
    )


# --- the nursing office ------------------------------------------------------------------


@login_required
def nursing_queue(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    hospital = sel.nursing_hospital(access=access)
    now = timezone.now()
    rule = nursing_rule_for(hospital.authority_id, timezone.localdate())
    rows: list[dict[str, Any]] = []
    for b in sel.booking_queue(access=access, hospital_id=hospital.pk):
        deadline = sel.promise_deadline(b, rule)
        rows.append(
            {
                "b": b,
                "open": b.status in OPEN_NURSING,
                "late": b.status in OPEN_NURSING and now > deadline,
                "deadline": deadline,
                "patient": sel.masked_patient(b),
            }
        )
    return render(
        request,
        "service/nursing/queue.html",
        {
            "hospital": hospital,
            "rows": rows,
            "rule": rule,
            "late": sum(1 for r in rows if r["late"]),
            "waiting": len([r for r in rows if r["b"].status == NursingStatus.BOOKED]),
            "now": now,
        },
    )


def _reveal(request: HttpRequest, access: Any, booking: Any) -> dict[str, str] | None:
    """Full personal data for the assigned nurse and the nursing office (audited);
    masked for everyone else."""
    may = access.holds(Role.NURSING_OFFICE, booking.hospital_id) or (
        booking.nurse_id is not None and access.person_id == booking.nurse_id
    )
    if not may:
        return None
    return svc.booking_reveal(access=access, booking=booking, request=request)


@login_required
def nursing_booking(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    b = sel.booking_get(access=access, pk=pk)
    office = sel.manages_nursing(access, b.hospital_id)
    context: dict[str, Any] = {
        "b": b,
        "office": office,
        "full": _reveal(request, access, b),
        "patient": sel.masked_patient(b),
        "is_nurse": b.nurse_id is not None and b.nurse_id == access.person_id,
    }
    if office:
        hospital = b.hospital
        rule = nursing_rule_for(hospital.authority_id, timezone.localdate())
        context.update(
            rule=rule,
            deadline=sel.promise_deadline(b, rule),
            late=b.status in OPEN_NURSING and timezone.now() > sel.promise_deadline(b, rule),
            triage_form=TriageForm(),
            refuse_form=RefuseForm(),
            assign_form=_assign_form(access, b, None),
        )
    return render(request, "service/nursing/booking.html", context)


def _assign_form(access: Any, b: Any, data: Any) -> AssignForm:
    day = timezone.localdate()
    rows = sel.nurse_list(access=access, hospital=b.hospital, day=day)
    labels = {
        r.profile.person_id: (
            f"（{NurseTitle(r.profile.title).label}，{r.years}年）"
            if r.qualified
            else f"（不符合资质：{'；'.join(r.shortfall)}）"
        )
        for r in rows
    }
    people = sel.registered_nurses(access=access, hospital_id=b.hospital_id)
    return AssignForm(data, nurses=people, labels=labels)


def _errors(form: Any) -> str:
    return "；".join(str(e) for es in form.errors.values() for e in es)


def _step_done(request: HttpRequest, b: Any, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("service:nursing_booking", b.pk)


def _step_refused(request: HttpRequest, b: Any, exc: ValidationError | str) -> HttpResponse:
    text = exc if isinstance(exc, str) else "；".join(exc.messages)
    messages.error(request, text)
    return redirect("service:nursing_booking", b.pk)


def _office_step(
    request: HttpRequest,
    pk: int,
    *,
    verb: str,
    run: Callable[[Any, Any, dict[str, Any]], Any],
    done: Callable[[dict[str, Any]], str],
    form: Callable[[Any, Any], Any] | None = None,
) -> HttpResponse:
    """One step of the nursing office on a booking: the booking in the user's scope, only
    for its hospital's office (403, audited), the form checked, the service run, the outcome
    as a message on the booking's page."""
    access = request_access(request)
    b = sel.booking_get(access=access, pk=pk)
    if not sel.manages_nursing(access, b.hospital_id):
        raise access.denied(b.hospital_id, "上门护理预约", verb)
    data: dict[str, Any] = {}
    if form is not None:
        bound = form(access, b)
        if not bound.is_valid():
            return _step_refused(request, b, _errors(bound))
        data = bound.cleaned_data
    try:
        run(access, b, data)
    except ValidationError as exc:
        return _step_refused(request, b, exc)
    return _step_done(request, b, done(data))


@login_required
@require_POST
def nursing_triage(request: HttpRequest, pk: int) -> HttpResponse:
    return _office_step(
        request,
        pk,
        verb="评估",
        form=lambda access, b: TriageForm(request.POST),
        run=lambda access, b, d: svc.booking_triage(access=access, booking=b, request=request, **d),
        done=lambda d: "已完成首次评估，请派单",
    )


@login_required
@require_POST
def nursing_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _office_step(
        request,
        pk,
        verb="处理",
        form=lambda access, b: RefuseForm(request.POST),
        run=lambda access, b, d: svc.booking_refuse(
            access=access, booking=b, reason=d["reason"], request=request
        ),
        done=lambda d: "已不予受理，患者家属可在进度查询中看到原因",
    )


@login_required
@require_POST
def nursing_assign(request: HttpRequest, pk: int) -> HttpResponse:
    return _office_step(
        request,
        pk,
        verb="派单",
        form=lambda access, b: _assign_form(access, b, request.POST),
        run=lambda access, b, d: svc.booking_assign(
            access=access, booking=b, nurse=d["nurse"], request=request
        ),
        done=lambda d: f"已派单给{d['nurse'].name}，已通知护士",
    )


@login_required
@require_POST
def nursing_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _office_step(
        request,
        pk,
        verb="办结",
        run=lambda access, b, d: svc.booking_close(access=access, booking=b, request=request),
        done=lambda d: "已办结",
    )


# --- the nurse ---------------------------------------------------------------------------


@login_required
def nursing_mine(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    rows = [{"b": b, "patient": sel.masked_patient(b)} for b in sel.nurse_visits(access=access)]
    return render(request, "service/nursing/mine.html", {"rows": rows})


@login_required
def nursing_visit(request: HttpRequest, pk: int) -> HttpResponse:
    """The nurse's phone page for one visit: the patient in full (audited) and the record."""
    access = request_access(request)
    b = sel.booking_get(access=access, pk=pk)
    initial = {"arrived_at": timezone.localtime().replace(second=0, microsecond=0)}
    form = VisitForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        if not (b.nurse_id == access.person_id or sel.manages_nursing(access, b.hospital_id)):
            raise access.denied(b.hospital_id, "上门护理预约", "记录")
        saved, _ = form_save(
            request,
            form,
            lambda d: svc.booking_visit(access=access, booking=b, request=request, **d),
            success="已记录上门服务",
        )
        if saved:
            return redirect(
                "service:nursing_mine"
                if b.nurse_id == access.person_id
                else "service:nursing_booking",
                *([] if b.nurse_id == access.person_id else [b.pk]),
            )
    return render(
        request,
        "service/nursing/visit.html",
        {
            "b": b,
            "form": form,
            "full": _reveal(request, access, b),
            "patient": sel.masked_patient(b),
            "can_record": b.status == NursingStatus.ASSIGNED
            and (b.nurse_id == access.person_id or sel.manages_nursing(access, b.hospital_id)),
        },
    )


# --- catalogue and nurses ----------------------------------------------------------------


@login_required
def nursing_services(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    hospital = sel.nursing_hospital(access=access)
    form = ServiceForm(request.POST if request.method == "POST" else None)
    saved, _ = form_save(
        request,
        form,
        lambda d: svc.nursing_service_save(
            access=access, hospital=hospital, data=d, request=request
        ),
        success="已添加服务项目",
    )
    if saved:
        return redirect("service:nursing_services")
    link = request.build_absolute_uri(reverse("service:nursing_book", args=[hospital.pk]))
    return render(
        request,
        "service/nursing/services.html",
        {
            "hospital": hospital,
            "services": list(sel.nursing_service_list(access=access, hospital_id=hospital.pk)),
            "form": form,
            "link": link,
            "qr": qr_svg(link, box_size=5),
        },
    )


@login_required
def nursing_service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    s = sel.nursing_service_get(access=access, pk=pk)
    form = ServiceForm(request.POST if request.method == "POST" else None, instance=s)
    saved, _ = form_save(
        request,
        form,
        lambda d: svc.nursing_service_save(
            access=access, hospital=s.hospital, service=s, data=d, request=request
        ),
        success="已保存服务项目",
    )
    if saved:
        return redirect("service:nursing_services")
    return render(request, "service/nursing/service_edit.html", {"s": s, "form": form})


@login_required
def nursing_nurses(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    hospital = sel.nursing_hospital(access=access)
    day = timezone.localdate()
    form = NurseForm(
        request.POST if request.method == "POST" else None,
        people=sel.nurse_candidates(access=access, hospital_id=hospital.pk),
    )
    saved, _ = form_save(
        request,
        form,
        lambda d: svc.nurse_profile_save(
            access=access,
            hospital=hospital,
            person=d.pop("person"),
            data=d,
            request=request,
        ),
        success="已登记上门护士",
    )
    if saved:
        return redirect("service:nursing_nurses")
    return render(
        request,
        "service/nursing/nurses.html",
        {
            "hospital": hospital,
            "rows": sel.nurse_list(access=access, hospital=hospital, day=day),
            "rule": nursing_rule_for(hospital.authority_id, day),
            "form": form,
        },
    )


@login_required
def nursing_nurse_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    p = sel.nurse_profile_get(access=access, pk=pk)
    form = NurseForm(
        request.POST if request.method == "POST" else None,
        initial={"clinical_since": p.clinical_since, "title": p.title, "active": p.active},
    )
    saved, _ = form_save(
        request,
        form,
        lambda d: svc.nurse_profile_save(
            access=access, hospital=p.hospital, profile=p, data=d, request=request
        ),
        success="已保存",
    )
    if saved:
        return redirect("service:nursing_nurses")
    return render(request, "service/nursing/nurse_edit.html", {"p": p, "form": form})


# --- the promise clock -------------------------------------------------------------------


MONTH_COLUMNS = [
    Column("month", "月份", value=lambda m: f"{m.month}月"),
    Column("bookings", "预约（不含未受理）"),
    Column("refused", "未受理"),
    Column("served", "已上门"),
    Column("within", "承诺时限内上门"),
    Column("late_open", "超时未上门"),
    Column("share", "时限内上门率%", value=lambda m: m.share),
]


@login_required
def nursing_promise(request: HttpRequest) -> HttpResponseBase:
    access = request_access(request)
    hospital = sel.figures_hospital(
        access=access,
        hospital_id=id_or_none(request.GET.get("hospital"))
        if request.GET.get("hospital")
        else None,
    )
    year = year_param(request)
    months = sel.promise_figures(access=access, hospital=hospital, year=year)
    total = sel.HospitalYear(hospital, months).total
    if request.GET.get("export") == "xlsx":
        wb = table_workbook(MONTH_COLUMNS, [*months], title=f"{year}年上门护理")
        return xlsx_response(
            wb,
            f"{hospital.name}{year}年上门护理时限.xlsx",
            fallback="nursing.xlsx",
            request=request,
            audit={"actor_id": access.user_id, "target": hospital, "what": "nursing_promise"},
        )
    rule = nursing_rule_for(hospital.authority_id, timezone.localdate())
    chart = {
        "months": [f"{m.month}月" for m in months],
        "share": [m.share for m in months],
        "bookings": [m.bookings for m in months],
    }
    return render(
        request,
        "service/nursing/promise.html",
        {
            "hospital": hospital,
            "year": year,
            "years": sel.promise_years(now=timezone.now()),
            "months": months,
            "total": total,
            "rule": rule,
            "chart": chart,
            "city": access.is_city,
        },
    )


CITY_COLUMNS = [
    Column("hospital", "医院", value=lambda r: r.hospital.name),
    Column("bookings", "预约（不含未受理）", value=lambda r: r.total.bookings),
    Column("refused", "未受理", value=lambda r: r.total.refused),
    Column("served", "已上门", value=lambda r: r.total.served),
    Column("within", "承诺时限内上门", value=lambda r: r.total.within),
    Column("late_open", "超时未上门", value=lambda r: r.total.late_open),
    Column("share", "时限内上门率%", value=lambda r: r.total.share),
]


@login_required
def nursing_city(request: HttpRequest) -> HttpResponseBase:
    access = request_access(request)
    year = year_param(request)
    rows = sel.city_promise(access=access, year=year)
    if request.GET.get("export") == "xlsx":
        wb = table_workbook(CITY_COLUMNS, rows, title=f"{year}年上门护理")
        return xlsx_response(
            wb,
            f"各医院{year}年上门护理时限.xlsx",
            fallback="nursing-city.xlsx",
            request=request,
            audit={"actor_id": access.user_id, "what": "nursing_city"},
        )
    return render(
        request,
        "service/nursing/city.html",
        {"rows": rows, "year": year, "years": sel.promise_years(now=timezone.now())},
    )


@login_required
def nursing_rules(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    if not access.is_city:
        access.require_business()
        raise PermissionDenied("只有市卫健委可以管理上门护理规则")
    authority_id = sel.city_authority_id(access=access)
    form = RuleForm(request.POST if request.method == "POST" else None)
    saved, _ = form_save(
        request,
        form,
        lambda d: svc.nursing_rule_add(
            access=access, authority_id=authority_id, request=request, **d
        ),
        success="已新增规则版本",
    )
    if saved:
        return redirect("service:nursing_rules")
    return render(
        request,
        "service/nursing/rules.html",
        {
            "form": form,
            "versions": sel.nursing_rules(access=access, authority_id=authority_id),
            "current": nursing_rule_for(authority_id, timezone.localdate()),
        },
    )
