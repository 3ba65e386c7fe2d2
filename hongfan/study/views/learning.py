"""Pages of 学习教育: my study, study material, self-study entries and their review, the
hours table and its export, the city's targets. Thin: writes are in ``services``, reads
in ``selectors``; the question bank and exams are in ``views/exams.py``."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from hongfan.core.access import Access, request_access
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.dates import today
from hongfan.core.exports import XLSX_CONTENT_TYPE, content_disposition, escape_cell
from hongfan.core.forms import apply_errors
from hongfan.core.uploads import file_response, stored_file_open
from hongfan.org.models import Branch, Hospital, Person
from hongfan.org.selectors import hospitals as org_hospitals_selectors
from hongfan.org.selectors import structure as org_structure_selectors
from hongfan.org.views.hospitals import current_hospital
from hongfan.study import content, exams, selectors, services
from hongfan.study.choices import ItemKind, LogStatus
from hongfan.study.forms import DecideForm, ItemForm, LogForm, StudyRuleForm
from hongfan.study.models import StudyCompletion, StudyItem, StudyLog

# --- helpers -----------------------------------------------------------------------------------------


def year_of(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    this = today().year
    if raw.isdigit() and 2000 <= int(raw) <= this + 1:
        return int(raw)
    return this


def _errors(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def learner_or_none(access: Access) -> Person | None:
    """The user's own person when they are an active member (who studies), else None."""
    if access.person_id is None or not access.is_business:
        return None
    person = Person.objects.select_related("hospital", "branch").filter(pk=access.person_id).first()
    return person if person is not None and selectors.is_member(person) else None


def _meant_for(item: StudyItem | Any, person: Person | None) -> bool:
    return bool(
        person is not None
        and item.hospital_id == person.hospital_id
        and (item.branch_id is None or item.branch_id == person.branch_id)
    )


def manager_hospital(request: HttpRequest, access: Access) -> Hospital:
    """The hospital a manager's page works on (the city picks one); 三员 and members 403."""
    access.require_business()
    if not (access.is_city or access.hospital_ids or access.branch_ids):
        raise PermissionDenied("只有支部书记或医院党委可以管理学习资料")
    return current_hospital(request, access)


# --- my study ----------------------------------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    person = selectors.learner_for(access)
    year = year_of(request)
    progress = selectors.item_progress(person, list(selectors.items_for_member(person)))
    todo = [p for p in progress if not p.finished]
    done = [p for p in progress if p.finished]
    logs = (
        StudyLog.objects.filter(person=person)
        .select_related("item", "decided_by")
        .order_by("-studied_on", "-id")
    )
    return render(
        request,
        "study/mine.html",
        {
            "person": person,
            "year": year,
            "years": range(today().year, today().year - 4, -1),
            "hours": selectors.my_hours(person, year),
            "todo": todo,
            "done": done[:30],
            "done_count": len(done),
            "required_left": sum(1 for p in todo if p.item.required),
            "overdue": sum(1 for p in todo if p.overdue),
            "page": Paginator(logs, 20).get_page(request.GET.get("page")),
            "open_exams": exams.exams_for_member(person, include_closed=False),
        },
    )


# --- study material ----------------------------------------------------------------------------------


@login_required
def item(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    obj = selectors.item_get(access, pk)
    person = learner_or_none(access)
    learner = person if _meant_for(obj, person) and obj.withdrawn_at is None else None
    progress = selectors.item_progress(learner, [obj])[0] if learner else None
    token = None
    if learner is not None and obj.kind == ItemKind.ARTICLE and progress and not progress.finished:
        token = services.read_token(item_id=obj.pk, person_id=learner.pk)
    manages = selectors.writes_scoped(access, hospital_id=obj.hospital_id, branch_id=obj.branch_id)
    return render(
        request,
        "study/item.html",
        {
            "item": obj,
            "learner": learner,
            "progress": progress,
            "token": token,
            "min_seconds": services.read_min_seconds(obj) if token else 0,
            "log_form": LogForm(initial={"studied_on": today(), "minutes": obj.expected_minutes})
            if learner
            else None,
            "manages": manages,
            "finished_count": StudyCompletion.objects.filter(item=obj).count()
            if manages or access.is_city
            else None,
        },
    )


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "") or bool(
        request.headers.get("X-Requested-With")
    )


@login_required
@require_POST
def item_read(request: HttpRequest, pk: int) -> HttpResponse:
    """The article page's script posts here when the reader reaches the end."""
    access = request_access(request)
    obj = selectors.item_get(access, pk)
    try:
        done = services.read_complete(
            access=access, item=obj, token=request.POST.get("token", ""), request=request
        )
    except ValidationError as exc:
        if _wants_json(request):
            return JsonResponse({"ok": False, "detail": _errors(exc)}, status=400)
        messages.error(request, _errors(exc))
    else:
        if _wants_json(request):
            return JsonResponse({"ok": True, "finished": True, "message": done.message})
        messages.success(request, done.message)
    return redirect("study:item", pk=obj.pk)


@login_required
def item_document(request: HttpRequest, pk: int) -> FileResponse:
    """A study document, only for those who may see the item; never a public URL."""
    access = request_access(request)
    obj = selectors.item_get(access, pk)
    if obj.kind != ItemKind.DOCUMENT or not obj.document.name:
        raise Http404("该学习资料没有文档")
    opened = stored_file_open(obj.document.storage, obj.document.name, content.DOCUMENT_TYPES)
    if opened is None:
        raise Http404("文档文件不存在")
    f, kind = opened  # a PDF too is downloaded, never shown inline
    return file_response(f, kind=kind, filename=obj.title, fallback=f"study-{obj.pk}")


@login_required
def log_new(request: HttpRequest, pk: int) -> HttpResponse:
    """记录自学: a member logs time spent on an item meant for them."""
    access = request_access(request)
    obj = selectors.item_get(access, pk)
    person = selectors.learner_for(access)
    if not _meant_for(obj, person):
        raise access.denied(obj.hospital_id, "学习资料", "登记")
    form = LogForm(
        request.POST or None, initial={"studied_on": today(), "minutes": obj.expected_minutes}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.log_submit(
                access=access,
                item=obj,
                minutes=d["minutes"],
                studied_on=d["studied_on"],
                note=d["note"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, f"已登记“{obj.title}”的学习时长{d['minutes']}分钟，等待支部书记确认"
            )
            return redirect("study:mine")
    return render(request, "study/log_form.html", {"form": form, "item": obj})


@login_required
def items(request: HttpRequest) -> HttpResponse:
    """学习资料管理: what a secretary or admin published, with how many finished it."""
    access = request_access(request)
    hospital = manager_hospital(request, access)
    show_withdrawn = request.GET.get("withdrawn") == "1"
    qs = selectors.items_managed(access, hospital, include_withdrawn=show_withdrawn)
    return render(
        request,
        "study/items.html",
        {
            "hospital": hospital,
            "page": Paginator(qs, 20).get_page(request.GET.get("page")),
            "can_publish": selectors.can_publish(access, hospital),
            "show_withdrawn": show_withdrawn,
            "pending": selectors.pending_count(access, hospital),
        },
    )


@login_required
def item_new(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    hospital = manager_hospital(request, access)
    if not selectors.can_publish(access, hospital):
        raise PermissionDenied("只有支部书记或医院党委可以发布学习资料")
    admin = access.administers_hospital(hospital.pk)
    form = ItemForm(
        request.POST or None,
        request.FILES or None,
        branches=selectors.publish_branches(access, hospital),
        branch_required=not admin,
        initial={"expected_minutes": 20},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            obj = services.item_publish(
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
        {"form": form, "hospital": hospital, "topics": selectors.topics(hospital)},
    )


@login_required
@require_POST
def item_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    obj = selectors.item_get(access, pk)
    try:
        services.item_withdraw(access=access, item=obj, request=request)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, f"已撤回“{obj.title}”，党员已学的时长仍然计入")
    return redirect(f"{reverse('study:items')}?hospital={obj.hospital_id}")


# --- review of self-study entries --------------------------------------------------------------------

TABS = [("pending", "待确认"), ("decided", "已处理"), ("all", "全部")]


@login_required
def review(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    hospital = manager_hospital(request, access)
    if not (access.administers_hospital(hospital.pk) or hospital.pk in access.branch_hospital_ids):
        raise PermissionDenied("只有支部书记或医院党委可以确认学习记录")
    status = request.GET.get("status", "pending")
    status = status if status in {"pending", "decided", "all"} else "pending"
    qs = selectors.log_queue(access, hospital=hospital)
    if status == "pending":
        qs = qs.filter(status=LogStatus.PENDING).order_by("created_at", "id")
    elif status == "decided":
        qs = qs.exclude(status=LogStatus.PENDING).order_by("-decided_at", "-id")
    else:
        qs = qs.order_by("-created_at", "-id")
    return render(
        request,
        "study/review.html",
        {
            "hospital": hospital,
            "page": Paginator(qs, 20).get_page(request.GET.get("page")),
            "status": status,
            "tabs": TABS,
            "my_person_id": access.person_id,
            "pending": selectors.pending_count(access, hospital),
        },
    )


@login_required
@require_POST
def log_decide(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    log = selectors.log_get(access, pk)
    back = f"{reverse('study:review')}?hospital={log.hospital_id}"
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择确认或退回；意见不超过200字")
        return redirect(back)
    d = form.cleaned_data
    try:
        decision = services.log_decide(
            access=access,
            log=log,
            confirm=d["action"] == "confirm",
            reason=d["reason"],
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, f"{log.person.name}的学习记录：{_errors(exc)}")
    else:
        messages.success(request, decision.message)
    return redirect(back)


# --- hours ---------------------------------------------------------------------------------------------


def _hours_request(request: HttpRequest, access: Access) -> tuple[Hospital, Branch | None, int]:
    hospital = manager_hospital(request, access)
    raw = request.GET.get("branch", "")
    branch = org_structure_selectors.branch_get(access, int(raw)) if raw.isdigit() else None
    return hospital, branch, year_of(request)


@login_required
def hours(request: HttpRequest) -> HttpResponse:
    """学时统计: members' study hours against the yearly target; who is behind."""
    access = request_access(request)
    hospital, branch, year = _hours_request(request, access)
    table = selectors.hours_table(access, hospital=hospital, year=year, branch=branch)
    rows = table.rows
    if request.GET.get("behind") == "1":
        rows = [r for r in rows if r.behind]
    return render(
        request,
        "study/hours.html",
        {
            "t": table,
            "rows": rows,
            "behind_only": request.GET.get("behind") == "1",
            "branches": org_structure_selectors.branch_options(access, hospital.pk),
            "years": range(today().year, today().year - 4, -1),
        },
    )


@login_required
def hours_export(request: HttpRequest) -> HttpResponse:
    """The hours table as .xlsx, formula-escaped and audited as an export."""
    access = request_access(request)
    hospital, branch, year = _hours_request(request, access)
    table = selectors.hours_table(access, hospital=hospital, year=year, branch=branch)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "学习学时"
    headers = [
        "姓名",
        "支部",
        "身份",
        "个人自学（学时）",
        "集中学习（学时）",
        "合计（学时）",
        "年度目标（学时）",
        "完成比例",
        "进度",
    ]
    ws.append(headers)
    for i, _ in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F8E1E1")
        ws.column_dimensions[get_column_letter(i)].width = 14 if i > 1 else 10
    ws.column_dimensions["B"].width = 22
    for r in table.rows:
        ws.append(
            [
                escape_cell(r.name),
                escape_cell(r.branch),
                r.role_label,
                float(r.self_hours),
                float(r.group_hours),
                float(r.hours),
                r.target_hours,
                f"{r.percent}%",
                "已完成" if r.reached else ("落后" if r.behind else "正常"),
            ]
        )
    ws.freeze_panes = "A2"
    buf = BytesIO()
    wb.save(buf)
    scope = table.branch.name if table.branch is not None else ""
    audit_log(
        action=AuditAction.EXPORT,
        request=request,
        actor_id=access.user_id,
        hospital_id=hospital.pk,
        what="study_hours",
        year=year,
        branch=table.branch.pk if table.branch else None,
        count=len(table.rows),
    )
    response = HttpResponse(buf.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(
        f"{hospital.short_name or hospital.name}{scope}{year}年学习学时.xlsx",
        fallback="study_hours.xlsx",
    )
    response["Cache-Control"] = "no-store"
    return response


# --- the city's targets --------------------------------------------------------------------------------


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    access.require_business()
    if not access.is_city:
        raise PermissionDenied("学习学时规则由市卫健委设定")
    authority = org_hospitals_selectors.authority_for(access)
    if authority is None:
        raise Http404("尚未设置卫健委")
    current = selectors.study_rule_for(authority.pk)
    form = StudyRuleForm(
        request.POST or None,
        initial={
            "effective_from": today(),
            **{k: getattr(current, k) for k in services.RULE_FIELDS},
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.study_rule_publish(
                access=access,
                authority=authority,
                effective_from=d["effective_from"],
                values={k: d[k] for k in services.RULE_FIELDS},
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已发布新的学习学时规则")
            return redirect("study:rules")
    return render(
        request,
        "study/rules.html",
        {
            "form": form,
            "versions": selectors.rule_versions(access, authority.pk),
            "current": current,
            "authority": authority,
        },
    )
