"""Pages of the question bank (题库) and exams (答题): the import, exams for members and
their managers, the phone-friendly answering page, results and statistics. Thin: the work
is in ``exams`` and ``question_import``."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from hongfan.core.access import request_access
from hongfan.core.exports import XLSX_CONTENT_TYPE, content_disposition
from hongfan.core.forms import apply_errors
from hongfan.org.views.hospitals import current_hospital
from hongfan.study import exams, question_import, selectors
from hongfan.study.choices import Difficulty, QuestionKind
from hongfan.study.forms import ExamForm, UploadForm
from hongfan.study.models import StudyTopic
from hongfan.study.views.learning import learner_or_none, manager_hospital

# --- the bank ------------------------------------------------------------------------------------


@login_required
def questions(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    access.require_business()
    hospital = current_hospital(request, access)
    g = request.GET
    topic = g.get("topic", "")
    difficulty = g.get("difficulty", "")
    qs = exams.question_list(
        access,
        hospital,
        topic_id=int(topic) if topic.isdigit() else None,
        kind=g.get("kind") or None,
        difficulty=int(difficulty) if difficulty.isdigit() else None,
    )
    return render(
        request,
        "study/questions.html",
        {
            "hospital": hospital,
            "page": Paginator(qs, 30).get_page(g.get("page")),
            "topics": exams.topic_counts(hospital),
            "counts": exams.bank_counts(hospital),
            "kinds": QuestionKind.choices,
            "difficulties": Difficulty.choices,
            "filters": g,
            "can_import": access.administers_hospital(hospital.pk),
        },
    )


@login_required
def question_import_view(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    access.require_business()
    hospital = current_hospital(request, access)
    if not access.administers_hospital(hospital.pk):
        raise PermissionDenied("只有本院党委管理员可以导入题库")
    form = UploadForm(request.POST or None, request.FILES or None)
    failure: question_import.ImportInvalid | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = question_import.question_import(
                access=access,
                hospital=hospital,
                filename=upload.name or "",
                data=upload.read(),
                request=request,
            )
        except question_import.ImportInvalid as exc:
            failure = exc
        else:
            text = f"导入成功：已新增 {result.count} 道题"
            if result.topics_created:
                text += "；新建主题：" + "、".join(result.topics_created)
            messages.success(request, text)
            return redirect(f"{reverse('study:questions')}?hospital={hospital.pk}")
    return render(
        request,
        "study/question_import.html",
        {
            "hospital": hospital,
            "form": form,
            "failure": failure,
            "columns": question_import.COLUMNS,
            "max_shown": question_import.MAX_SHOWN_ERRORS,
        },
    )


@login_required
def question_template(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    access.require_business()
    hospital = current_hospital(request, access)
    if not access.reads_hospital(hospital.pk):
        raise PermissionDenied("只有医院党委管理员可以下载题库模板")
    response = HttpResponse(
        question_import.question_template(hospital=hospital), content_type=XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = content_disposition(
        "题库导入模板.xlsx", fallback="question_template.xlsx"
    )
    return response


# --- exams -----------------------------------------------------------------------------------------


@login_required
def exam_list(request: HttpRequest) -> HttpResponse:
    """答题: the exams open to me (a member), and the exams I follow (a manager)."""
    access = request_access(request)
    access.require_business()
    person = learner_or_none(access)
    managed = None
    hospital = None
    if access.is_city or access.hospital_ids or access.branch_ids:
        hospital = current_hospital(request, access)
        managed = Paginator(exams.exams_managed(access, hospital), 20).get_page(
            request.GET.get("page")
        )
    if person is None and managed is None:
        raise PermissionDenied("只有在册党员参加答题")
    return render(
        request,
        "study/exams.html",
        {
            "mine": exams.exams_for_member(person) if person else None,
            "managed": managed,
            "hospital": hospital,
            "can_create": hospital is not None and selectors.can_publish(access, hospital),
            "now": timezone.now(),
        },
    )


@login_required
def exam_new(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    hospital = manager_hospital(request, access)
    if not selectors.can_publish(access, hospital):
        raise PermissionDenied("只有支部书记或医院党委可以发布考试")
    admin = access.administers_hospital(hospital.pk)
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = ExamForm(
        request.POST or None,
        branches=selectors.publish_branches(access, hospital),
        topics=StudyTopic.objects.filter(hospital=hospital).order_by("name"),
        branch_required=not admin,
        initial={"opens_at": now, "closes_at": now + timedelta(days=14)},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            exam = exams.exam_create(
                access=access,
                hospital=hospital,
                branch=d["branch"],
                title=d["title"],
                topics=list(d["topics"]),
                count_easy=d["count_easy"],
                count_medium=d["count_medium"],
                count_hard=d["count_hard"],
                time_limit_minutes=d["time_limit_minutes"],
                pass_mark=d["pass_mark"],
                max_attempts=d["max_attempts"],
                opens_at=d["opens_at"],
                closes_at=d["closes_at"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已发布考试“{exam.title}”（{exam.scope_label}）")
            return redirect("study:exam", pk=exam.pk)
    return render(
        request,
        "study/exam_form.html",
        {"form": form, "hospital": hospital, "counts": exams.bank_counts(hospital)},
    )


@login_required
def exam_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    exam = exams.exam_get(access, pk)
    person = learner_or_none(access)
    mine = None
    if (
        person is not None
        and exam.hospital_id == person.hospital_id
        and (exam.branch_id is None or exam.branch_id == person.branch_id)
    ):
        mine = exams.my_exam(access, exam)
    follows = (
        access.is_city
        or access.manages_branch(exam.branch_id, exam.hospital_id)
        or (exam.branch_id is None and exam.hospital_id in access.branch_hospital_ids)
    )
    return render(
        request,
        "study/exam.html",
        {"exam": exam, "mine": mine, "follows": follows, "topics": list(exam.topics.all())},
    )


@login_required
@require_POST
def exam_start(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    exam = exams.exam_get(access, pk)
    try:
        started = exams.attempt_start(access=access, exam=exam, request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("study:exam", pk=exam.pk)
    if started.resumed:
        messages.info(request, "您有一次答题尚未交卷，请继续作答")
    return redirect("study:attempt", pk=started.attempt.pk)


@login_required
def attempt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Answering (the member's attempt in progress) or the result with right answers."""
    access = request_access(request)
    attempt = exams.attempt_get(access, pk)
    now = timezone.now()
    rows = exams.attempt_questions(attempt)
    own = access.person_id == attempt.person_id
    answering = own and attempt.submitted_at is None and now <= attempt.deadline + exams.GRACE
    return render(
        request,
        "study/attempt.html",
        {
            "attempt": attempt,
            "exam": attempt.exam,
            "rows": rows,
            "own": own,
            "answering": answering,
            "expired": attempt.submitted_at is None and not answering,
            "remaining": max(0, int((attempt.deadline - now).total_seconds())),
        },
    )


@login_required
@require_POST
def attempt_submit(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    attempt = exams.attempt_get(access, pk)
    answers = {}
    for key in request.POST:
        if key.startswith("q") and key[1:].isdigit():
            answers[int(key[1:])] = "".join(request.POST.getlist(key))
    try:
        result = exams.attempt_submit(
            access=access, attempt=attempt, answers=answers, request=request
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        (messages.success if result.attempt.passed else messages.warning)(request, result.message)
    return redirect("study:attempt", pk=attempt.pk)


@login_required
def exam_stats(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    exam = exams.exam_get(access, pk)
    stats = exams.exam_stats(access, exam)
    return render(request, "study/exam_stats.html", {"exam": exam, "s": stats})


urlpatterns: list[URLPattern] = [
    path("questions/", questions, name="questions"),
    path("questions/import/", question_import_view, name="question_import"),
    path("questions/template/", question_template, name="question_template"),
    path("exams/", exam_list, name="exams"),
    path("exams/new/", exam_new, name="exam_new"),
    path("exams/<int:pk>/", exam_detail, name="exam"),
    path("exams/<int:pk>/start/", exam_start, name="exam_start"),
    path("exams/<int:pk>/stats/", exam_stats, name="exam_stats"),
    path("attempts/<int:pk>/", attempt_detail, name="attempt"),
    path("attempts/<int:pk>/submit/", attempt_submit, name="attempt_submit"),
]
