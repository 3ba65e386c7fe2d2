"""Pages of sign-ups: the volunteer's phone page (activities open to them, their own
sign-ups), sign up and cancel, the QR check-in a phone opens, and the shift lead's roster
(check in, check out, no-show). Thin: writes in ``services.signup``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from hongfan.core.access import request_access
from hongfan.core.forms import error_text
from hongfan.core.qr import qr_svg
from hongfan.service.forms.signup import MarkForm, ScanForm
from hongfan.service.selectors import signup as signup_selectors
from hongfan.service.services import signup as signup_services


def _back(request: HttpRequest, default: str) -> str:
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}) and nxt.startswith("/"):
        return nxt
    return default


@login_required
def volunteer(request: HttpRequest) -> HttpResponse:
    """志愿服务 on a phone: what is open to me (with places left) and my sign-ups."""
    access = request_access(request)
    signup_selectors.require_volunteer_role(access)
    person = signup_selectors.volunteer_person(access=access)
    if person is None:
        raise PermissionDenied(signup_services.NO_PERSON)
    now = timezone.now()
    activities = list(signup_selectors.open_activities(access=access, now=now)[:50])
    mine = list(signup_selectors.upcoming_signups(access=access, now=now))
    by_shift = {s.shift_id: s for s in mine}
    return render(
        request,
        "service/signup/volunteer.html",
        {
            "person": person,
            "activities": activities,
            "mine": mine,
            "by_shift": by_shift,
            "now": now,
        },
    )


@login_required
@require_POST
def signup_create(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    shift = signup_selectors.shift_for_volunteer(access=access, pk=pk)
    back = _back(request, reverse("service:volunteer"))
    try:
        row = signup_services.signup_create(access=access, shift=shift)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        if row.status == "waitlisted":
            position = signup_selectors.waitlist_position(row)
            messages.warning(request, f"名额已满，你已进入候补，排第{position}位")
        else:
            messages.success(request, f"报名成功：{shift.activity.title}")
    return redirect(back)


@login_required
@require_POST
def signup_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    row = signup_selectors.signup_get(access=access, pk=pk)
    back = _back(request, reverse("service:volunteer"))
    try:
        signup_services.signup_cancel(access=access, signup=row)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "已取消报名")
    return redirect(back)


@login_required
def checkin(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """What a volunteer's phone opens from the activity's QR code: one big button."""
    access = request_access(request)
    signup_selectors.require_volunteer_role(access)
    person = signup_selectors.volunteer_person(access=access)
    activity = signup_selectors.activity_by_code(pk, token)
    mine = (
        signup_selectors.scan_state(activity=activity, person=person)
        if activity is not None and person is not None
        else None
    )
    error = ""
    if request.method == "POST":
        form = ScanForm(request.POST)
        out = form.is_valid() and form.cleaned_data.get("action") == "out"
        try:
            signup_services.signup_scan(access=access, activity_id=pk, token=token, out=out)
        except ValidationError as exc:
            error = error_text(exc)
        except PermissionDenied as exc:
            error = str(exc)
        else:
            messages.success(request, "签退成功" if out else "签到成功")
            return redirect(request.path)
    elif activity is None:
        error = signup_selectors.BAD_CODE
    elif person is None:
        error = signup_services.NO_PERSON
    elif mine is None:
        error = "你没有报名此活动（或仍在候补），不能签到"
    return render(
        request,
        "service/signup/checkin.html",
        {
            "activity": activity if mine is not None else None,
            "mine": mine,
            "error": error,
            "person": person,
        },
        status=404 if activity is None else 200,
    )


@login_required
def roster(request: HttpRequest, pk: int) -> HttpResponse:
    """The shift lead's phone page: who signed up, check in / out / no-show, the QR code."""
    access = request_access(request)
    activity = signup_selectors.activity_for_lead(access=access, pk=pk)
    shifts = signup_selectors.roster(access=access, activity=activity)
    url = request.build_absolute_uri(
        reverse("service:checkin", args=[activity.pk, activity.checkin_token])
    )
    return render(
        request,
        "service/signup/roster.html",
        {
            "activity": activity,
            "shifts": shifts,
            "qr": qr_svg(url, box_size=6),
            "checkin_url": url,
            "manages": signup_selectors.may_manage(access, activity),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def signup_mark(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    row = signup_selectors.signup_get(access=access, pk=pk)
    if not signup_selectors.may_lead(access, row.shift):
        raise access.denied(row.hospital_id, "班次", "登记")
    form = MarkForm(request.POST)
    back = reverse("service:roster", args=[row.activity_id]) + f"#s{row.pk}"
    if not form.is_valid():
        messages.error(request, "操作无效")
        return redirect(back)
    try:
        signup_services.signup_mark(access=access, signup=row, action=form.cleaned_data["action"])
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        done = {
            "in": "已签到",
            "out": "已签退",
            "no_show": "已记为缺席",
            "undo_no_show": "已撤销缺席",
        }
        messages.success(request, f"{row.person.name}{done[form.cleaned_data['action']]}")
    return redirect(back)
