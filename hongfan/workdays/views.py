from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from hongfan.core.access import request_access
from hongfan.core.dates import today
from hongfan.core.forms import apply_errors
from hongfan.workdays import selectors
from hongfan.workdays.choices import DayKind
from hongfan.workdays.forms import YearArrangementForm, format_lines
from hongfan.workdays.models import MAX_YEAR, MIN_YEAR
from hongfan.workdays.services import calendar as services

WEEK_HEADER = ["一", "二", "三", "四", "五", "六", "日"]


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404("年份超出范围")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return redirect("workdays:year", year=today().year)


@login_required
def year(request: HttpRequest, year: int) -> HttpResponse:
    _check_year(year)
    access = request_access(request)
    day = today()
    cal = selectors.calendar_year_get(year=year, today=day)
    return render(
        request,
        "workdays/year.html",
        {
            "cal": cal,
            # this year's page opens at this month (on a phone the months are stacked)
            "current_month": day.month if year == day.year else None,
            "week_header": WEEK_HEADER,
            "can_edit": services.can_edit_calendar(access),
            "prev_year": year - 1 if year > MIN_YEAR else None,
            "next_year": year + 1 if year < MAX_YEAR else None,
            "HOLIDAY": DayKind.HOLIDAY,
            "WORKDAY": DayKind.WORKDAY,
        },
    )


@login_required
def year_edit(request: HttpRequest, year: int) -> HttpResponse:
    access = request_access(request)
    if not services.can_edit_calendar(access):
        raise PermissionDenied(services.CALENDAR_EDITORS)
    _check_year(year)
    cal = selectors.calendar_year_get(year=year)
    initial = {
        "note": cal.record.note if cal.record else "",
        "holidays": format_lines(cal.holidays),
        "workdays": format_lines(cal.workdays),
    }
    form = YearArrangementForm(request.POST or None, initial=initial, year=year)
    if request.method == "POST" and form.is_valid():
        try:
            services.calendar_year_save(
                access=access,
                year=year,
                holidays=form.entries("holidays"),
                workdays=form.entries("workdays"),
                note=form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已保存{year}年节假日安排")
            return redirect("workdays:year", year=year)
    return render(
        request,
        "workdays/year_edit.html",
        {"form": form, "cal": cal, "year": year},
    )
