"""Roster (名册) import page, template download and export. Thin: the work is in services/roster.py."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from hongfan.core import exports, tables
from hongfan.core.access import hospital_for, request_access
from hongfan.org.filters import PERSON_COLUMNS, PersonFilter
from hongfan.org.forms.roster import FullExportForm, RosterUploadForm
from hongfan.org.imports import roster_parsing
from hongfan.org.selectors.hospitals import hospital_choices
from hongfan.org.services import roster


@login_required
def roster_import(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    h = hospital_for(request, access, hospitals=hospital_choices(access=access))
    if not access.administers_hospital(h.pk):
        raise PermissionDenied("只有本院党委管理员可以导入名册")
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    failure: roster_parsing.RosterInvalid | None = None
    marked: str | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            result = roster.roster_import(
                access=access,
                hospital=h,
                filename=upload.name or "",
                data=data,
                ignore_unknown_columns=form.cleaned_data["ignore_unknown_columns"],
                update_existing=form.cleaned_data["update_existing"],
                request=request,
            )
        except roster_parsing.RosterInvalid as exc:
            failure = exc
            marked = roster.roster_failure_keep(
                access=access, hospital=h, filename=upload.name or "", data=data, failure=exc
            )
        else:
            done = f"导入成功：已新增 {result.count} 人"
            if form.cleaned_data["update_existing"]:
                done += f"，修改 {result.updated} 人（{result.unchanged} 人无变化）"
            messages.success(request, done)
            for warning in result.warnings:
                messages.warning(request, warning)
            return redirect(f"{reverse('org:people')}?hospital={h.pk}")
    return render(
        request,
        "org/roster_import.html",
        {
            "h": h,
            "form": form,
            "failure": failure,
            "marked": marked,
            "columns": roster_parsing.COLUMNS,
            "max_shown": roster_parsing.MAX_SHOWN_ERRORS,
            "max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024),
        },
    )


@login_required
def roster_import_marked(request: HttpRequest) -> HttpResponseBase:
    """A failed upload with its bad cells filled and commented (kept an hour, for the admin
    who uploaded it)."""
    access = request_access(request)
    h = hospital_for(request, access, hospitals=hospital_choices(access=access))
    try:
        data, filename = roster.roster_failure_marked(
            access=access,
            hospital=h,
            token=request.GET.get("token", "")[:100],
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(f"{reverse('org:roster_import')}?hospital={h.pk}")
    # audited by the service
    return exports.xlsx_response(data, filename, fallback="roster_errors.xlsx")


@login_required
def roster_template(request: HttpRequest) -> HttpResponseBase:
    access = request_access(request)
    h = hospital_for(request, access, hospitals=hospital_choices(access=access))
    if not access.reads_hospital(h.pk):
        raise PermissionDenied("只有医院党委管理员可以下载导入模板")
    return exports.xlsx_response(  # a blank template: no one's data, not audited
        roster.roster_template(hospital=h),
        "人员名册导入模板.xlsx",
        fallback="roster_template.xlsx",
        cache_control=None,
    )


@login_required
def roster_export(request: HttpRequest) -> HttpResponseBase:
    """The people page's rows (its filters and order) as .xlsx, masked."""
    access = request_access(request)
    h = hospital_for(request, access, hospitals=hospital_choices(access=access))
    table = tables.Table(request, PERSON_COLUMNS, default="name")
    export = roster.roster_export(
        access=access,
        hospital=h,
        filters=PersonFilter(request.GET).roster_filters(),
        order=table.ordering(),
        request=request,
    )
    # audited by the service
    return exports.xlsx_response(export.file, export.filename, fallback="roster.xlsx")


@login_required
def roster_export_full(request: HttpRequest) -> HttpResponseBase:
    """导出完整名册: the same rows unmasked (身份证号, 手机号), for the hospital's own admin
    only, with a reason; the file can be edited and imported again. GET shows the form of
    the reason, POST downloads (the filters and order ride in the query string)."""
    access = request_access(request)
    h = hospital_for(request, access, hospitals=hospital_choices(access=access))
    form = FullExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        table = tables.Table(request, PERSON_COLUMNS, default="name")
        export = roster.roster_export(
            access=access,
            hospital=h,
            filters=PersonFilter(request.GET).roster_filters(),
            full=True,
            reason=form.cleaned_data["reason"],
            order=table.ordering(),
            request=request,
        )
        # audited by the service (the export, and the reveal with its reason)
        return exports.xlsx_response(export.file, export.filename, fallback="roster_full.xlsx")
    if not access.administers_hospital(h.pk):
        raise PermissionDenied("只有本院党委管理员可以导出完整的身份证号和手机号")
    return render(
        request,
        "org/roster_export_full.html",
        {"h": h, "form": form, "query": request.GET.urlencode()},
    )
