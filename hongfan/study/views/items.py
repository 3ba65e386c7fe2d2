"""Pages of study material (学习资料): my study, an item (reading, its document), what a
secretary or admin published, publishing and withdrawing. Thin: writes in
``services.items``, reads in ``selectors``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hongfan.core.access import Access, hospital_for, request_access
from hongfan.core.dates import today
from hongfan.core.forms import apply_errors, error_text, year_param
from hongfan.core.uploads import file_response, stored_file_open
from hongfan.org.models import Hospital
from hongfan.org.selectors.hospitals import hospital_choices
from hongfan.study import policy, validators
from hongfan.study.choices import ItemKind, LogMethod, LogStatus
from hongfan.study.forms.items import ItemForm
from hongfan.study.forms.logs import LogForm
from hongfan.study.selectors import exams as exam_selectors
from hongfan.study.selectors import hours as hour_selectors
from hongfan.study.selectors import items as item_selectors
from hongfan.study.selectors import learners as learner_selectors
from hongfan.study.selectors import logs as log_selectors
from hongfan.study.services import items as item_services

if TYPE_CHECKING:
    from hongfan.study.models import StudyLog
    from hongfan.study.selectors.items import ItemProgress

# --- helpers -----------------------------------------------------------------------------------------


def manager_hospital(request: HttpRequest, access: Access) -> Hospital:
    """The hospital a manager's page works on (the city picks one); 三员 and members 403."""
    access.require_business()
    if not (access.is_city or access.hospital_ids or access.branch_ids):
        raise PermissionDenied("只有支部书记或医院党委可以管理学习资料")
    return hospital_for(request, access, hospitals=hospital_choices(access=access))


# --- my study ----------------------------------------------------------------------------------------


# 我的学习's rows are built here rather than in the template: a ``{% url %}``, an
# ``{% include %}`` of the badges, ``get_*_display`` and date filters per row cost the template
# engine several hundred function calls a row. Same markup as the old template loops (line
# breaks too); each link is reversed once, titles and names (typed by users) are escaped.
_KIND = {k: str(v) for k, v in ItemKind.choices}
_METHOD = {k: str(v) for k, v in LogMethod.choices}
_STATUS = {k: str(v) for k, v in LogStatus.choices}
_STATUS_BADGE: dict[str, str] = {
    LogStatus.CONFIRMED: "text-bg-success",
    LogStatus.PENDING: "text-bg-warning",
}


def _todo_html(todo: Iterable[ItemProgress], url: list[str]) -> SafeString:
    parts = []
    for p in todo:
        item = p.item
        if p.finished:
            state = '<span class="badge text-bg-success">已完成</span>'
        elif p.overdue:
            state = '<span class="badge text-bg-warning">已逾期</span>'
        elif p.due_soon:
            state = '<span class="badge text-bg-info">即将到期</span>'
        else:
            state = ""
        pending = (
            f'<span class="badge text-bg-light border">待确认{p.pending_minutes}分钟</span>'
            if p.pending_minutes
            else ""
        )
        badges = (
            '<span class="badge text-bg-danger">必学</span>'
            if item.required
            else '<span class="badge text-bg-secondary">选学</span>'
        ) + f"\n{state}\n{pending}\n"
        due = f" · {item.due_on:%m}月{item.due_on:%d}日前" if item.due_on else ""
        parts.append(
            f'<a class="list-group-item list-group-item-action px-0" '
            f'href="{url[0]}/{item.pk}/{url[1]}">\n'
            '    <div class="d-flex justify-content-between gap-2"><span class="fw-semibold">'
            f"{escape(item.title)}</span>"
            f'<span class="text-nowrap small text-muted">{escape(_KIND.get(item.kind, item.kind))}'
            "</span></div>\n"
            f'    <div class="small mt-1">{badges} <span class="text-muted">'
            f"{escape(item.topic.name)} · {escape(item.scope_label)} · "
            f"计学时{item.expected_minutes}分钟{due}</span></div>\n"
            "  </a>"
        )
    if not parts:
        parts.append('<p class="text-muted small mb-0">暂无待学习的资料。</p>')
    return mark_safe("".join(parts))  # noqa: S308 (built from escaped and internal values)


def _done_html(done: Iterable[ItemProgress], url: list[str]) -> SafeString:
    parts = []
    for p in done:
        c = p.completion
        on = f"{c.completed_on:%Y-%m-%d}" if c is not None and c.completed_on else ""
        scored = " · 已计积分" if c is not None and c.points_entry_id else ""
        parts.append(
            f'<li class="py-1 border-bottom"><a href="{url[0]}/{p.item.pk}/{url[1]}">'
            f'{escape(p.item.title)}</a> <span class="text-muted">{on}{scored}</span></li>'
        )
    return mark_safe("".join(parts))  # noqa: S308 (built from escaped and internal values)


def _logs_html(logs: Iterable[StudyLog]) -> SafeString:
    parts = []
    for log in logs:
        reason = f"：{escape(log.decision_reason)}" if log.decision_reason else ""
        parts.append(
            f'<tr><td class="text-nowrap">{log.studied_on:%m-%d}</td>'
            f'<td class="small text-wrap">{escape(log.item.title)}<div class="text-muted">'
            f"{escape(_METHOD.get(log.method, log.method))}{reason}</div></td>"
            f'<td class="text-end">{log.minutes}</td>\n'
            f'<td><span class="badge {_STATUS_BADGE.get(log.status, "text-bg-secondary")}">'
            f"{escape(_STATUS.get(log.status, log.status))}</span></td></tr>\n"
        )
    if not parts:
        parts.append('<tr><td colspan="4" class="text-muted">暂无学习记录</td></tr>')
    return mark_safe("".join(parts))  # noqa: S308 (built from escaped and internal values)


@never_cache  # back to 我的学习 after finishing an item shows the new hours, not a stored page
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    person = learner_selectors.learner_for(access)
    year = year_param(request)
    progress = item_selectors.member_progress(person)
    todo = [p for p in progress if not p.finished]
    done = [p for p in progress if p.finished]
    logs = log_selectors.member_log_rows(person)
    page = Paginator(logs, 20).get_page(request.GET.get("page"))
    item_url = reverse("study:item", args=[0]).rsplit("/0/", 1)
    return render(
        request,
        "study/mine.html",
        {
            "person": person,
            "year": year,
            "years": range(today().year, today().year - 4, -1),
            "hours": hour_selectors.my_hours(person, year),
            "todo": todo,
            "todo_html": _todo_html(todo, item_url),
            "done": done[:30],
            "done_html": _done_html(done[:30], item_url),
            "done_count": len(done),
            "required_left": sum(1 for p in todo if p.item.required),
            "overdue": sum(1 for p in todo if p.overdue),
            "page": page,
            "logs_html": _logs_html(page),
            "open_exams": exam_selectors.open_exam_count(person),
        },
    )


# --- study material ----------------------------------------------------------------------------------


@never_cache
@login_required
def item(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    obj = item_selectors.item_get(access=access, pk=pk)
    person = learner_selectors.learner_or_none(access)
    learner = person if policy.is_meant_for(obj, person) and obj.withdrawn_at is None else None
    progress = item_selectors.item_progress(learner, [obj])[0] if learner else None
    token = None
    if learner is not None and obj.kind == ItemKind.ARTICLE and progress and not progress.finished:
        token = item_services.read_token(item_id=obj.pk, person_id=learner.pk)
    manages = policy.writes_scoped(access, hospital_id=obj.hospital_id, branch_id=obj.branch_id)
    playable = obj.kind == ItemKind.VIDEO and validators.video_playable(obj.video_url)
    response = render(
        request,
        "study/item.html",
        {
            "item": obj,
            "learner": learner,
            "progress": progress,
            "token": token,
            "min_seconds": item_services.read_min_seconds(obj) if token else 0,
            "playable": playable,
            "log_form": LogForm(initial={"studied_on": today(), "minutes": obj.expected_minutes})
            if learner and progress and not progress.finished and not playable
            else None,
            "manages": manages,
            "finished_count": item_selectors.item_finished_count(obj)
            if manages or access.is_city
            else None,
        },
    )
    if playable:  # the page's player loads the video from where it is published
        response._csp_update = {"media-src": ["'self'", validators.video_origin(obj.video_url)]}  # type: ignore[attr-defined]
    return response


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "") or bool(
        request.headers.get("X-Requested-With")
    )


@login_required
@require_POST
def item_read(request: HttpRequest, pk: int) -> HttpResponse:
    """The article page's script posts here when the reader reaches the end."""
    access = request_access(request)
    obj = item_selectors.item_get(access=access, pk=pk)
    try:
        done = item_services.read_complete(
            access=access, item=obj, token=request.POST.get("token", ""), request=request
        )
    except ValidationError as exc:
        if _wants_json(request):
            return JsonResponse({"ok": False, "detail": error_text(exc)}, status=400)
        messages.error(request, error_text(exc))
    else:
        if _wants_json(request):
            card = render_to_string(
                "study/partials/_my_item.html",
                {"progress": item_selectors.my_item_progress(access=access, item=obj)},
                request=request,
            )
            return JsonResponse(
                {"ok": True, "finished": True, "message": done.message, "progress": card}
            )
        messages.success(request, done.message)
    return redirect("study:item", pk=obj.pk)


@login_required
def item_document(request: HttpRequest, pk: int) -> FileResponse:
    """A study document, only for those who may see the item; never a public URL."""
    access = request_access(request)
    obj = item_selectors.item_get(access=access, pk=pk)
    if obj.kind != ItemKind.DOCUMENT or not obj.document.name:
        raise Http404("该学习资料没有文档")
    opened = stored_file_open(obj.document.storage, obj.document.name, validators.DOCUMENT_TYPES)
    if opened is None:
        raise Http404("文档文件不存在")
    f, kind = opened  # a PDF too is downloaded, never shown inline
    return file_response(f, kind=kind, filename=obj.title, fallback=f"study-{obj.pk}")


@login_required
def items(request: HttpRequest) -> HttpResponse:
    """学习资料管理: what a secretary or admin published, with how many finished it."""
    access = request_access(request)
    hospital = manager_hospital(request, access)
    show_withdrawn = request.GET.get("withdrawn") == "1"
    qs = item_selectors.item_list(
        access=access, hospital=hospital, include_withdrawn=show_withdrawn
    )
    return render(
        request,
        "study/items.html",
        {
            "hospital": hospital,
            "page": Paginator(qs, 20).get_page(request.GET.get("page")),
            "can_publish": policy.can_publish(access, hospital),
            "show_withdrawn": show_withdrawn,
            "pending": log_selectors.pending_count(access=access, hospital=hospital),
        },
    )


@login_required
def item_new(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    hospital = manager_hospital(request, access)
    if not policy.can_publish(access, hospital):
        raise PermissionDenied("只有支部书记或医院党委可以发布学习资料")
    admin = access.administers_hospital(hospital.pk)
    form = ItemForm(
        request.POST or None,
        request.FILES or None,
        branches=item_selectors.publish_branches(access=access, hospital=hospital),
        branch_required=not admin,
        initial={"expected_minutes": 20},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            obj = item_services.item_publish(
                access=access,
                hospital=hospital,
                branch=d["branch"],
                topic=d["topic"],
                kind=d["kind"],
                title=d["title"],
                summary=d["summary"],
                body=d["body"],
                video_url=d["video_url"],
                document=d["document"] or None,
                required=d["required"],
                due_on=d["due_on"],
                expected_minutes=d["expected_minutes"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已发布“{obj.title}”（{obj.scope_label}）")
            return redirect("study:item", pk=obj.pk)
    return render(
        request,
        "study/item_form.html",
        {"form": form, "hospital": hospital, "topics": item_selectors.topic_list(hospital)},
    )


@login_required
@require_POST
def item_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    obj = item_selectors.item_get(access=access, pk=pk)
    try:
        item_services.item_withdraw(access=access, item=obj, request=request)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"已撤回“{obj.title}”，党员已学的时长仍然计入")
    return redirect(f"{reverse('study:items')}?hospital={obj.hospital_id}")
