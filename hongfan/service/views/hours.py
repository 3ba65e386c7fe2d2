"""Pages of hours: the organiser's list of activities waiting for confirmation and the
confirmation itself (travel minutes per person, service or training), a correction, a
volunteer's record (mine, or someone's for their secretary or the hospital), the
certificate of service (page and Word), the table of volunteers (Excel) and the export in
the national volunteer system's record format. Thin: writes in ``services.hours``."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from hongfan.core import pii, tables
from hongfan.core.access import hospital_for, request_access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.dates import today
from hongfan.core.exports import docx_response, escape_cell, xlsx_response
from hongfan.core.forms import apply_errors, error_text, id_or_none, year_param
from hongfan.org.selectors.hospitals import hospital_choices
from hongfan.service.documents.hours import certificate_body, certificate_docx
from hongfan.service.forms.hours import ConfirmForm, CorrectForm, ExportForm
from hongfan.service.selectors import hours as hours_selectors
from hongfan.service.selectors import signup as signup_selectors
from hongfan.service.services import hours as hours_services


@login_required
def pending(request: HttpRequest) -> HttpResponse:
    """待确认时长: the activities I organise that ended with their hours unconfirmed."""
    access = request_access(request)
    access.require_business()
    if not (access.hospital_ids or access.branch_ids):
        raise PermissionDenied("只有活动组织者（支部书记、医院党委）可以确认志愿服务时长")
    rows = list(signup_selectors.pending_confirmation(access=access)[:200])
    return render(request, "service/hours/pending.html", {"rows": rows})


@login_required
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    activity = signup_selectors.activity_for_organiser(access=access, pk=pk)
    signups = signup_selectors.signed_for_confirmation(activity=activity)
    form = ConfirmForm(request.POST or None, signups=signups)
    if request.method == "POST" and form.is_valid():
        try:
            done = hours_services.hours_confirm(
                access=access,
                activity=activity,
                excluded=form.excluded(),
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            text = f"已确认{len(done.entries)}人的时长"
            if done.no_shows:
                text += f"，{done.no_shows}人未签到记为缺席"
            messages.success(request, text)
            return redirect("service:confirm", activity.pk)
    rows = [
        {
            "signup": s,
            "field": form[f"excluded_{s.pk}"] if f"excluded_{s.pk}" in form.fields else None,
            "preview": hours_selectors.preview_hours(s),
        }
        for s in signups
    ]
    entries = hours_selectors.activity_entries(activity=activity) if activity.closed_at else []
    return render(
        request,
        "service/hours/confirm.html",
        {
            "activity": activity,
            "form": form,
            "rows": rows,
            "entries": entries,
            "ended": activity.ends_at <= timezone.now(),
            "correct_form": CorrectForm(),
        },
    )


@login_required
@require_POST
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    row = signup_selectors.signup_for_correction(access=access, pk=pk)
    form = CorrectForm(request.POST)
    back = reverse("service:confirm", args=[row.activity_id]) + "#entries"
    if not form.is_valid():
        messages.error(request, "；".join(str(m) for ms in form.errors.values() for m in ms))
        return redirect(back)
    try:
        hours_services.hours_correct(
            access=access,
            signup=row,
            hours=form.cleaned_data["hours"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request, f"已更正{row.person.name}的时长为{form.cleaned_data['hours']}小时"
        )
    return redirect(back)


def _record_page(request: HttpRequest, person_pk: object, *, mine: bool) -> HttpResponse:
    access = request_access(request)
    person = hours_selectors.person_for_record(access=access, pk=person_pk)
    record = hours_selectors.volunteer_record(
        access=access, person=person, year=year_param(request)
    )
    return render(
        request, "service/hours/record.html", {"record": record, "person": person, "mine": mine}
    )


@login_required
def my_record(request: HttpRequest) -> HttpResponse:
    """我的志愿服务: my hours this year and in all, the target, my stars, what I served."""
    access = request_access(request)
    if access.person_id is None:
        raise PermissionDenied("当前账号未关联职工信息")
    return _record_page(request, access.person_id, mine=True)


@login_required
def person_record(request: HttpRequest, pk: int) -> HttpResponse:
    return _record_page(request, pk, mine=False)


@login_required
def certificate(request: HttpRequest, pk: int) -> HttpResponseBase:
    """志愿服务证明, print-friendly; ``?format=docx`` downloads it as Word."""
    access = request_access(request)
    person = hours_selectors.person_for_record(access=access, pk=pk)
    c = hours_selectors.certificate(access=access, person=person)
    if request.GET.get("format") == "docx":
        name = re.sub(r'[\\/:*?"<>|\s]+', "", person.name) or "证明"
        return docx_response(
            certificate_docx(c),
            f"志愿服务证明_{name}.docx",
            fallback="certificate.docx",
            request=request,
            audit={
                "target": person,
                "hospital_id": person.hospital_id,
                "kind": "volunteer_certificate",
            },
        )
    return render(
        request,
        "service/hours/certificate.html",
        {"c": c, "body": certificate_body(c), "person": person},
    )


def _yes(value: bool) -> str:
    return "是" if value else "否"


VOLUNTEER_COLUMNS = [
    tables.Column("name", "姓名", sort=lambda r: r.name_key),
    tables.Column("branch", "所在支部"),
    tables.Column("department", "科室"),
    tables.Column("young", "青年职工", value=lambda r: _yes(r.young)),
    tables.Column("year_hours", "本年服务时长（小时）"),
    tables.Column("target_met", "年度目标", value=lambda r: r.target_met),
    tables.Column("total_hours", "累计服务时长（小时）"),
    tables.Column("year_training", "本年培训时长（小时）"),
    tables.Column("activities", "本年参加次数"),
    tables.Column("star", "星级", value=lambda r: f"{r.star}星" if r.star else "—"),
]


@login_required
def volunteer_table(request: HttpRequest) -> HttpResponseBase:
    """志愿服务时长统计: the hospital's (a secretary: their branches') volunteers."""
    access = request_access(request)
    hospital = hospital_for(
        request, access, hospitals=hospital_choices(access=access), business=True
    )
    year = year_param(request)
    branch_id = id_or_none(request.GET.get("branch"))
    rows = hours_selectors.volunteer_rows(
        access=access, hospital=hospital, year=year, branch_id=branch_id
    )
    table = tables.Table(request, VOLUNTEER_COLUMNS, default="-year_hours", label="志愿者")
    young = [r for r in rows if r.young]
    return tables.table_response(
        request,
        "service/hours/table.html",
        table=table,
        rows=rows,
        filename=f"志愿服务时长_{year}_{{date}}.xlsx",
        fallback="volunteer_hours.xlsx",
        audit={"hospital_id": hospital.pk, "kind": "volunteer_hours", "year": year},
        context={
            "hospital": hospital,
            "year": year,
            "total": sum((r.year_hours for r in rows), hours_selectors.ZERO),
            "people": len(rows),
            "young": len(young),
            "young_met": sum(1 for r in young if r.year_hours >= (r.target or 0)),
            "young_avg": (
                round(sum((r.year_hours for r in young), hours_selectors.ZERO) / len(young), 1)
                if young
                else None
            ),
            "admin": access.administers_hospital(hospital.pk),
            "organiser": bool(access.hospital_ids or access.branch_ids),
            "city": access.is_city,
        },
        title="志愿服务时长",
    )


NATIONAL_HEAD = [
    "姓名",
    "证件类型",
    "证件号码",
    "服务时长（小时）",
    "服务日期",
    "活动名称",
    "服务地点",
    "组织单位",
    "备注",
]


@login_required
def national_export(request: HttpRequest) -> HttpResponseBase:
    """导出全国志愿服务信息系统格式: service hours with full ID numbers, for the hospital's
    own admin, with a stated purpose; audited as an export and a reveal."""
    access = request_access(request)
    hospital = hospital_for(
        request, access, hospitals=hospital_choices(access=access), business=True
    )
    if not access.administers_hospital(hospital.pk):
        audit_log(
            action=AuditAction.REVEAL,
            request=request,
            hospital_id=hospital.pk,
            success=False,
            scope="volunteer_national_export",
        )
        raise PermissionDenied("只有本院党委管理员可以导出含完整证件号码的志愿服务记录")
    form = ExportForm(request.POST or None, initial={"year": today().year})
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        entries = hours_selectors.national_rows(access=access, hospital=hospital, year=year)
        wb = Workbook()
        ws = wb.active
        ws.title = "志愿服务时长"
        ws.append(NATIONAL_HEAD)
        for e in entries:
            p = e.person
            a = e.activity
            number = pii.masked(p.id_number_enc, lambda v: v, where="service.national_export")
            ws.append(
                [
                    escape_cell(p.name),
                    "居民身份证",
                    escape_cell(number),
                    float(e.hours),
                    e.occurred_on.isoformat(),
                    escape_cell(a.title if a else ""),
                    escape_cell(
                        (a.place.name if a and a.place else "") or (a.place_detail if a else "")
                    ),
                    escape_cell(a.branch.name if a and a.branch else hospital.name),
                    escape_cell(e.reason),
                ]
            )
        for col, width in zip("ABCDEFGHI", (10, 12, 22, 14, 12, 30, 20, 24, 20), strict=True):
            ws.column_dimensions[col].width = width
        audit_log(
            action=AuditAction.REVEAL,
            request=request,
            hospital_id=hospital.pk,
            scope="volunteer_national_export",
            fields=["id_number"],
            count=len(entries),
            reason=form.cleaned_data["reason"][:200],
        )
        return xlsx_response(
            wb,
            f"全国志愿服务信息系统_服务时长_{year}.xlsx",
            fallback="volunteer_national.xlsx",
            request=request,
            audit={
                "hospital_id": hospital.pk,
                "kind": "volunteer_national",
                "count": len(entries),
                "year": year,
                "masked": False,
            },
        )
    return render(request, "service/hours/national.html", {"form": form, "hospital": hospital})
