"""Pages of the 红帆驿站: the desks of a hospital (with one's own duty shifts and swaps), a
desk's phone page for whoever is on duty (help given, lending), its roster and fill rate,
the roster generator, the help summary, and shift swaps. Thin: writes in
``services.desk``, reads in ``selectors.desk``."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hongfan.core.access import Access, hospital_for, request_access
from hongfan.core.dates import today
from hongfan.core.forms import apply_errors, error_text, run_form, search_url, year_param
from hongfan.org.selectors.hospitals import hospital_choices
from hongfan.service.choices import HelpKind, LoanStatus
from hongfan.service.forms.desk import DeskForm, HelpForm, RosterForm, SwapForm, person_label
from hongfan.service.forms.loan import LendForm, ReturnForm
from hongfan.service.selectors import desk as desk_selectors
from hongfan.service.selectors import loan as loan_selectors
from hongfan.service.selectors.desk import MANAGE, READ, STAFF
from hongfan.service.services import desk as desk_services

SEARCH_LIMIT = 20


def _hospital(request: HttpRequest, access: Access):  # type: ignore[no-untyped-def]
    return hospital_for(
        request, access, hospitals=hospital_choices(access=access), business=True, members=True
    )


def month_param(request: HttpRequest) -> tuple[int, int]:
    """``?month=2026-12`` (this month unless a valid one is asked for)."""
    raw = (request.GET.get("month") or "").strip()
    this = today()
    try:
        y, m = (int(x) for x in raw.split("-"))
        if 2000 <= y <= this.year + 1 and 1 <= m <= 12:
            return y, m
    except ValueError:
        pass
    return this.year, this.month


def _month_last(y: int, m: int) -> date:
    return date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)


@login_required
def desks(request: HttpRequest) -> HttpResponse:
    """The hospital's desks; one's own coming duty shifts and the swaps waiting."""
    access = request_access(request)
    hospital = _hospital(request, access)
    rows = list(desk_selectors.desk_list(access=access, hospital_id=hospital.pk))
    return render(
        request,
        "service/desk/list.html",
        {
            "hospital": hospital,
            "desks": rows,
            "hospitals": hospital_choices(access=access) if access.is_city else [],
            "manages": access.administers_hospital(hospital.pk),
            "my_duty": desk_selectors.my_duty(access=access, hospital_id=hospital.pk),
            "swaps_for_me": desk_selectors.swaps_for_me(access=access),
            "swaps_by_me": desk_selectors.swaps_by_me(access=access),
            "overdue": dict(
                (d, n) for d, _name, n in loan_selectors.overdue_by_desk({hospital.pk})
            ),
        },
    )


@login_required
def desk_new(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    hospital = _hospital(request, access)
    if not access.administers_hospital(hospital.pk):
        raise access.denied(hospital.pk, "红帆驿站", "新建")
    return run_form(
        request,
        DeskForm(request.POST or None, initial={"active": True}),
        lambda d: desk_services.desk_create(
            access=access,
            hospital=hospital,
            name=d["name"],
            location=d["location"],
            opening_hours=d["opening_hours"],
            phone=d["phone"],
            request=request,
        ),
        success="已新建驿站",
        next_url=lambda desk: reverse("service:desk", args=[desk.pk]),
        title="新建红帆驿站",
        back=reverse("service:desks"),
    )


@login_required
def desk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    desk = desk_selectors.desk_get(access=access, pk=pk, use=MANAGE, verb="修改")
    initial = {
        "name": desk.name,
        "location": desk.location,
        "opening_hours": desk.opening_hours,
        "phone": desk.phone,
        "active": desk.active,
    }
    return run_form(
        request,
        DeskForm(request.POST or None, initial=initial),
        lambda d: desk_services.desk_update(access=access, desk=desk, request=request, **d),
        success="已保存",
        next_url=reverse("service:desk", args=[desk.pk]),
        title=f"修改：{desk.name}",
        back=reverse("service:desk", args=[desk.pk]),
    )


@login_required
def desk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The desk's page; for whoever is on duty (and the admin) a phone page: a big button
    per kind of help, and lending and returns."""
    access = request_access(request)
    desk = desk_selectors.desk_get(access=access, pk=pk)
    staffs = desk.active and desk_selectors.staffs_desk(access=access, desk=desk)
    items = loan_selectors.items_of(desk=desk, active_only=not staffs)
    open_loans = (
        [
            loan_selectors.loan_view(x)
            for x in loan_selectors.ledger(desk=desk, status=LoanStatus.LENT)[:30]
        ]
        if staffs
        else []
    )
    today_counts = desk_selectors.help_today(desk=desk, day=today()) if staffs else {}
    return render(
        request,
        "service/desk/detail.html",
        {
            "desk": desk,
            "staffs": staffs,
            "manages": access.administers_hospital(desk.hospital_id),
            "reads_ledger": staffs or access.is_city,
            "items": items,
            "open_loans": open_loans,
            "help_kinds": [(k, label, today_counts.get(k, 0)) for k, label in HelpKind.choices],
            "help_total": sum(today_counts.values()),
            "lend_form": LendForm(),
            "return_form": ReturnForm(),
            "rosters": desk_selectors.roster_activities(desk=desk)[:5],
        },
    )


@login_required
@require_POST
def help_add(request: HttpRequest, pk: int) -> HttpResponse:
    """One tap: one more of a kind of help given at the desk."""
    access = request_access(request)
    desk = desk_selectors.desk_get(access=access, pk=pk, use=STAFF, verb="登记服务")
    form = HelpForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择服务类型，人次应为1至500")
        return redirect("service:desk", desk.pk)
    d = form.cleaned_data
    try:
        line = desk_services.help_add(
            access=access, desk=desk, kind=d["kind"], count=d["count"] or 1, note=d["note"]
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"已记录：{line.get_kind_display()} +{line.count}")
    return redirect(reverse("service:desk", args=[desk.pk]) + "#help")


@login_required
def help_summary(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    desk = desk_selectors.desk_get(access=access, pk=pk, use=READ, noun="驿站服务统计")
    year = year_param(request)
    _, month = month_param(request)
    return render(
        request,
        "service/desk/help_summary.html",
        {
            "desk": desk,
            "year": year,
            "month": month,
            "years": range(today().year, today().year - 5, -1),
            "months": range(1, 13),
            "kinds": HelpKind.choices,
            "s": desk_selectors.help_summary(desk=desk, year=year, month=month),
        },
    )


@login_required
def roster(request: HttpRequest, pk: int) -> HttpResponse:
    """The desk's duty shifts of a week or a month: who holds each place; unfilled shifts
    in red; one's own shifts marked (with 换班)."""
    access = request_access(request)
    desk = desk_selectors.desk_get(access=access, pk=pk)
    y, m = month_param(request)
    first, last = date(y, m, 1), _month_last(y, m)
    if request.GET.get("by") == "week":
        raw = request.GET.get("week", "")
        try:
            monday = date.fromisoformat(raw[:10])
        except ValueError:
            monday = today()
        if not date(2000, 1, 1) <= monday <= date(2199, 1, 1):
            monday = today()
        first = monday - timedelta(days=monday.weekday())
        last = first + timedelta(days=6)
    days, offered, filled = desk_selectors.roster(access=access, desk=desk, first=first, last=last)
    prev_month = date(y, m, 1) - timedelta(days=1)
    next_month = _month_last(y, m) + timedelta(days=1)
    return render(
        request,
        "service/desk/roster.html",
        {
            "desk": desk,
            "days": days,
            "offered": offered,
            "filled": filled,
            "percent": round(100 * filled / offered) if offered else None,
            "first": first,
            "last": last,
            "by_week": request.GET.get("by") == "week",
            "prev": f"{prev_month:%Y-%m}",
            "next": f"{next_month:%Y-%m}",
            "prev_week": (first - timedelta(days=7)).isoformat(),
            "next_week": (first + timedelta(days=7)).isoformat(),
            "month": f"{y}-{m:02d}",
            "manages": access.administers_hospital(desk.hospital_id),
            "now": timezone.now(),
        },
    )


@login_required
def roster_new(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    desk = desk_selectors.desk_get(access=access, pk=pk, use=MANAGE, verb="排班")
    start = today() + timedelta(days=1)
    form = RosterForm(
        request.POST or None,
        measures=desk_selectors.measures_of(desk.hospital_id),
        initial={
            "first_day": start,
            "last_day": _month_last(start.year, start.month),
            "weekdays": ["0", "1", "2", "3", "4"],
            "slots": "08:00-12:00\n14:00-17:30",
            "places": 2,
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            slots = desk_services.parse_slots(d["slots"])
            activity = desk_services.roster_generate(
                access=access,
                desk=desk,
                first_day=d["first_day"],
                last_day=d["last_day"],
                weekdays=[int(x) for x in d["weekdays"]],
                slots=slots,
                places=d["places"],
                measure=d["measure"],
                title=d["title"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已生成值班表：{activity.shifts.count()}个班次")
            return redirect(
                reverse("service:desk_roster", args=[desk.pk]) + f"?month={d['first_day']:%Y-%m}"
            )
    return render(
        request,
        "service/desk/roster_form.html",
        {"form": form, "desk": desk},
    )


@login_required
def fill_rate(request: HttpRequest) -> HttpResponse:
    """The admin's view: places filled / places offered per desk, by week of a month or by
    month of a year."""
    access = request_access(request)
    hospital = _hospital(request, access)
    if not (access.is_city or access.administers_hospital(hospital.pk)):
        raise access.denied(hospital.pk, "值班统计")
    by_week = request.GET.get("by") == "week"
    if by_week:
        year, month = month_param(request)
    else:
        year, month = year_param(request), None
    desks_ = list(desk_selectors.desk_list(access=access, hospital_id=hospital.pk))
    rows = desk_selectors.fill_rate(access=access, desks=desks_, year=year, month=month)
    by_desk: dict[int, list] = {}
    for r in rows:
        by_desk.setdefault(r.desk.pk, []).append(r)
    return render(
        request,
        "service/desk/fill_rate.html",
        {
            "hospital": hospital,
            "hospitals": hospital_choices(access=access) if access.is_city else [],
            "table": [(d, by_desk.get(d.pk, [])) for d in desks_],
            "labels": [r.label for r in by_desk[desks_[0].pk]] if desks_ else [],
            "by_week": by_week,
            "year": year,
            "month": f"{year}-{month:02d}" if month else "",
            "years": range(today().year + 1, today().year - 5, -1),
        },
    )


@login_required
def staff_search(request: HttpRequest) -> JsonResponse:
    """Search-as-you-type of the hospital's staff (a colleague to take a shift, a post's
    head or staff)."""
    access = request_access(request)
    hospital = _hospital(request, access)
    found = desk_selectors.colleague_search(hospital.pk, request.GET.get("q", ""), SEARCH_LIMIT)
    return JsonResponse({"results": [{"value": p.pk, "text": person_label(p)} for p in found]})


@login_required
def swap_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask a colleague to take one's duty shift."""
    access = request_access(request)
    signup = desk_selectors.my_signup_get(access=access, pk=pk)
    form = SwapForm(request.POST or None, people=desk_selectors.colleagues(signup.hospital_id))
    search_url(form, "to_person", reverse("service:staff_search"))
    if request.method == "POST" and form.is_valid():
        try:
            desk_services.swap_request(
                access=access,
                signup=signup,
                to_person=form.cleaned_data["to_person"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已发出换班申请，等待同事确认")
            return redirect("service:desks")
    return render(request, "service/desk/swap_form.html", {"form": form, "signup": signup})


@login_required
@require_POST
def swap_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The colleague accepts or declines; the asker may withdraw."""
    access = request_access(request)
    swap = desk_selectors.swap_get(access=access, pk=pk)
    decision = request.POST.get("decision", "")
    try:
        if decision == "accept":
            desk_services.swap_accept(access=access, swap=swap)
            messages.success(request, "已接班，该班次已转到你的名下")
        elif decision in ("decline", "withdraw"):
            desk_services.swap_decline(access=access, swap=swap)
            messages.success(request, "已处理换班申请")
        else:
            messages.error(request, "请选择接班或拒绝")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect(reverse("service:desks") + "#swaps")
