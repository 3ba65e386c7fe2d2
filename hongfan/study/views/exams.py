"""Pages of exams (答题): exams for members and their managers, the phone-friendly
answering page, results and statistics."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from hongfan.core.access import hospital_for, request_access
from hongfan.core.forms import apply_errors, error_text, id_or_none
from hongfan.org.selectors.hospitals import hospital_choices
from hongfan.study import policy
from hongfan.study.forms.exams import ExamForm
from hongfan.study.selectors import exams as exam_selectors
from hongfan.study.selectors import items as item_selectors
from hongfan.study.selectors import learners as learner_selectors
from hongfan.study.selectors import questions as question_selectors
from hongfan.study.services import exams as exam_services
from hongfan.study.views.items import manager_hospital

# --- exams -----------------------------------------------------------------------------------------


@login_required
def exam_list(request: HttpRequest) -> HttpResponse:
    """答题: the exams open to me (a member), and the exams I follow (a manager)."""
    access = request_access(request)
    access.require_business()
    person = learner_selectors.learner_or_none(access)
    managed = None
    hospital = None
    if access.is_city or access.hospital_ids or access.branch_ids:
        hospital = hospital_for(request, access, hospitals=hospital_choices(access=access))
        managed = Paginator(
            exam_selectors.exam_list(access=access, hospital=hospital), 20
        ).get_page(request.GET.get("page"))
    if person is None and managed is None:
        raise PermissionDenied("只有在册党员参加答题")
    return render(
        request,
        "study/exams.html",
        {
            "mine": exam_selectors.exams_for_member(person) if person else None,
            "managed": managed,
            "hospital": hospital,
            "can_create": hospital is not None and policy.can_publish(access, hospital),
            "now": timezone.now(),
        },
    )


@login_required
def exam_new(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    hospital = manager_hospital(request, access)
    if not policy.can_publish(access, hospital):
        raise PermissionDenied("只有支部书记或医院党委可以发布考试")
    admin = access.administers_hospital(hospital.pk)
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = ExamForm(
        request.POST or None,
        branches=item_selectors.publish_branches(access=access, hospital=hospital),
        topics=item_selectors.topic_choices(hospital),
        branch_required=not admin,
        initial={"opens_at": now, "closes_at": now + timedelta(days=14)},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            exam = exam_services.exam_create(
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
        {"form": form, "hospital": hospital, "counts": question_selectors.bank_counts(hospital)},
    )


@login_required
def exam_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    exam = exam_selectors.exam_get(access=access, pk=pk)
    person = learner_selectors.learner_or_none(access)
    mine = None
    if (
        person is not None
        and exam.hospital_id == person.hospital_id
        and (exam.branch_id is None or exam.branch_id == person.branch_id)
    ):
        mine = exam_selectors.my_exam(access=access, exam=exam)
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
    exam = exam_selectors.exam_get(access=access, pk=pk)
    try:
        started = exam_services.attempt_start(access=access, exam=exam, request=request)
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
    attempt = exam_selectors.attempt_get(access=access, pk=pk)
    now = timezone.now()
    rows = exam_selectors.attempt_questions(attempt)
    own = access.person_id == attempt.person_id
    answering = (
        own and attempt.submitted_at is None and now <= attempt.deadline + exam_selectors.GRACE
    )
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
def attempt_answer(request: HttpRequest, pk: int) -> JsonResponse:
    """The answering page saves each answer here as it is given (``question``: the row,
    ``answer``: the letters chosen, one or several)."""
    access = request_access(request)
    attempt = exam_selectors.attempt_get(access=access, pk=pk)
    try:
        row = exam_services.attempt_answer(
            access=access,
            attempt=attempt,
            question_id=id_or_none(request.POST.get("question", "")),
            answer=request.POST.getlist("answer"),
        )
    except ValidationError as exc:
        return JsonResponse({"ok": False, "detail": error_text(exc)}, status=400)
    return JsonResponse({"ok": True, "message": f"第{row.position}题已保存"})


@login_required
@require_POST
def attempt_submit(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    attempt = exam_selectors.attempt_get(access=access, pk=pk)
    answers = {}
    for key in request.POST:
        if key.startswith("q") and key[1:].isdigit():
            answers[int(key[1:])] = "".join(request.POST.getlist(key))
    try:
        result = exam_services.attempt_submit(
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
    exam = exam_selectors.exam_get(access=access, pk=pk)
    stats = exam_selectors.exam_stats(access=access, exam=exam)
    return render(request, "study/exam_stats.html", {"exam": exam, "s": stats})
