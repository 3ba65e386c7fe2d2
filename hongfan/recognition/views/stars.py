"""Pages of 季度之星: the hospital's selections, creating one with its rules, the selection
page (rules, candidates, draft list, publish / confirm) and the Word announcement.

The city admin reads every hospital's selections; a hospital admin manages their own; the
hospital's secretaries and members read the published lists (公示中 / 已确认)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hongfan.core.access import Access, hospital_for, request_access
from hongfan.core.dates import today
from hongfan.core.exports import docx_response
from hongfan.core.forms import error_text, id_or_none, run_form
from hongfan.org.models import Hospital
from hongfan.org.selectors.hospitals import hospital_choices
from hongfan.points import periods
from hongfan.recognition.documents import stars as star_documents
from hongfan.recognition.forms.stars import RemoveForm, StarCreateForm, StarRulesForm
from hongfan.recognition.models import StarSelection, StarStatus
from hongfan.recognition.selectors import stars as star_selectors
from hongfan.recognition.services import stars as star_services

TIE_PICKS = 500  # checkboxes read from one tie form
RULE_KEYS = (
    "quota_mode",
    "quota",
    "min_points",
    "min_attendance_share",
    "exclude_complaints",
    "notice_workdays",
)


def _hospital(request: HttpRequest, access: Access) -> Hospital:
    """The hospital whose selections a page shows: ``?hospital=`` (the city's choice, or
    one's own), else the user's own hospital."""
    return hospital_for(
        request,
        access,
        hospitals=hospital_choices(access=access),
        business=True,
        members=True,
        picks=star_selectors.star_hospital_visible,
        refusal="没有可查看的医院",
    )


def _detail_url(selection: StarSelection) -> str:
    return reverse("recognition:star_detail", args=[selection.pk])


def _list_url(hospital_id: int) -> str:
    return f"{reverse('recognition:stars')}?hospital={hospital_id}"


@login_required
def star_list(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    hospital = _hospital(request, access)
    selections = star_selectors.star_selection_list(access, hospital=hospital)
    return render(
        request,
        "recognition/stars/list.html",
        {
            "hospital": hospital,
            "selections": selections,
            "reads_all": star_selectors.star_reads_all(access, hospital.pk),
            "can_manage": access.administers_hospital(hospital.pk),
            "hospitals": star_selectors.star_hospital_choices(access),
        },
    )


@login_required
def star_new(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    hospital = _hospital(request, access)
    if not access.administers_hospital(hospital.pk):
        raise PermissionDenied("季度之星评选由医院党委办理")
    year, quarter = periods.last_finished_quarter()
    initial = {"year": year, "quarter": quarter}  # the rules start from the model's defaults

    def save(d: dict[str, Any]) -> StarSelection:
        selection = star_services.star_selection_create(
            access=access,
            hospital=hospital,
            year=d["year"],
            quarter=d["quarter"],
            request=request,
            **{k: d[k] for k in RULE_KEYS},
        )
        star_services.star_selection_draft(access=access, selection=selection, request=request)
        return selection

    return run_form(
        request,
        StarCreateForm(request.POST or None, initial=initial),
        save,
        success=lambda s: f"已创建{star_selectors.selection_label(s)}评选并生成草拟名单",
        next_url=_detail_url,
        title=f"新建季度之星评选 · {hospital.name}",
        back=_list_url(hospital.pk),
        template="recognition/stars/form.html",
    )


@login_required
def star_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    selection = star_selectors.star_selection_get(access, pk)
    if not access.administers_hospital(selection.hospital_id):
        raise PermissionDenied("季度之星评选由医院党委办理")
    if selection.status != StarStatus.DRAFT:
        messages.error(request, "名单已公示，不能再修改评选条件")
        return redirect(_detail_url(selection))
    initial = {k: getattr(selection, k) for k in RULE_KEYS}
    return run_form(
        request,
        StarRulesForm(request.POST or None, initial=initial),
        lambda d: star_services.star_selection_revise(
            access=access, selection=selection, request=request, **{k: d[k] for k in RULE_KEYS}
        ),
        success="评选条件已修改，草拟名单已按新条件重新生成",
        next_url=_detail_url(selection),
        title=f"修改评选条件 · {star_selectors.selection_label(selection)}",
        back=_detail_url(selection),
        template="recognition/stars/form.html",
    )


@login_required
def star_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    selection = star_selectors.star_selection_get(access, pk)
    reads_all = star_selectors.star_reads_all(access, selection.hospital_id)
    can_manage = access.administers_hospital(selection.hospital_id)
    day = today()
    draft = selection.status == StarStatus.DRAFT
    evaluation = star_selectors.star_evaluate(access, selection) if draft and reads_all else None
    listed = star_selectors.star_list(selection)
    listed_ids = {s.person_id for s in listed}
    preview = (
        star_selectors.star_notice_period(selection=selection, start=day)
        if draft and can_manage
        else None
    )
    notice_end = selection.notice_end
    return render(
        request,
        "recognition/stars/detail.html",
        {
            "sel": selection,
            "label": star_selectors.selection_label(selection),
            "title": star_documents.announcement_title(selection),
            "stars": listed,
            "listed_ids": listed_ids,
            "ev": evaluation,
            "reads_all": reads_all,
            "can_manage": can_manage,
            "today": day,
            "preview": preview,
            "stored_notice": {
                "fallback": bool(selection.notice_fallback),
                "notice": selection.notice_fallback,
            },
            "can_confirm": selection.status == StarStatus.NOTICE
            and notice_end is not None
            and day > notice_end,
            "confirm_from": notice_end + timedelta(days=1) if notice_end else None,
            "committee": star_selectors.committee_name(selection.hospital),
        },
    )


def _act(
    request: HttpRequest, pk: int, action: Callable[[Access, StarSelection], str]
) -> HttpResponse:
    """Run one write on a selection; its refusal (ValidationError) comes back as a message."""
    access = request_access(request)
    selection = star_selectors.star_selection_get(access, pk)
    if not access.administers_hospital(selection.hospital_id):
        raise PermissionDenied("季度之星评选由医院党委办理")
    try:
        done = action(access, selection)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, done)
    return redirect(_detail_url(selection))


@login_required
@require_POST
def star_draft(request: HttpRequest, pk: int) -> HttpResponse:
    def run(access: Access, selection: StarSelection) -> str:
        drawn = star_services.star_selection_draft(
            access=access, selection=selection, request=request
        )
        return f"已按评选条件重新生成草拟名单，共{len(drawn)}人"

    return _act(request, pk, run)


@login_required
@require_POST
def star_remove(request: HttpRequest, pk: int) -> HttpResponse:
    def run(access: Access, selection: StarSelection) -> str:
        form = RemoveForm(request.POST)
        if not form.is_valid():
            raise ValidationError("请填写移出名单的原因")
        person = star_selectors.star_listed_person(selection, form.cleaned_data["person"])
        if person is None:
            raise ValidationError("此人不在草拟名单中")
        star_services.star_selection_remove(
            access=access,
            selection=selection,
            person=person,
            reason=form.cleaned_data["reason"],
            request=request,
        )
        return f"已将{person.name}移出草拟名单"

    return _act(request, pk, run)


@login_required
@require_POST
def star_tie(request: HttpRequest, pk: int) -> HttpResponse:
    def run(access: Access, selection: StarSelection) -> str:
        picked = [id_or_none(raw) for raw in request.POST.getlist("person")[:TIE_PICKS]]
        star_services.star_selection_break_tie(
            access=access,
            selection=selection,
            person_ids=[pk for pk in picked if pk is not None],
            request=request,
        )
        return "已选定同分人员，草拟名单已更新"

    return _act(request, pk, run)


@login_required
@require_POST
def star_publish(request: HttpRequest, pk: int) -> HttpResponse:
    def run(access: Access, selection: StarSelection) -> str:
        s = star_services.star_selection_publish(
            access=access, selection=selection, request=request
        )
        assert s.notice_start is not None and s.notice_end is not None
        text = (
            f"名单已公示：{s.notice_start:%Y-%m-%d}至{s.notice_end:%Y-%m-%d}"
            f"（{s.notice_workdays}个工作日）"
        )
        return text + (f"。{s.notice_fallback}" if s.notice_fallback else "")

    return _act(request, pk, run)


@login_required
@require_POST
def star_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    def run(access: Access, selection: StarSelection) -> str:
        s = star_services.star_selection_confirm(
            access=access, selection=selection, request=request
        )
        return f"{star_selectors.selection_label(s)}“季度之星”名单已确认"

    return _act(request, pk, run)


@login_required
def star_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    access = request_access(request)
    selection = star_selectors.star_selection_get(access, pk)
    doc = star_documents.star_announcement(access, selection)
    return docx_response(
        doc.content,
        doc.filename,
        fallback="quarter_stars.docx",
        request=request,
        audit={
            "actor_id": access.user_id,
            "target": selection,
            "kind": "star_announcement",
            "count": doc.count,
            "file": doc.filename,
        },
    )
