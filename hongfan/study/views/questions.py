"""Pages of the question bank (题库): the list, the import and its template."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from hongfan.core.access import hospital_for, request_access
from hongfan.core.exports import xlsx_response
from hongfan.core.forms import id_or_none
from hongfan.org.selectors.hospitals import hospital_choices
from hongfan.study.choices import Difficulty, QuestionKind
from hongfan.study.forms.questions import UploadForm
from hongfan.study.imports import question_parsing
from hongfan.study.selectors import questions as question_selectors
from hongfan.study.services import questions as question_services

# --- the bank ------------------------------------------------------------------------------------


@login_required
def questions(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    access.require_business()
    hospital = hospital_for(request, access, hospitals=hospital_choices(access=access))
    g = request.GET
    topic = g.get("topic", "")
    difficulty = g.get("difficulty", "")
    qs = question_selectors.question_list(
        access=access,
        hospital=hospital,
        topic_id=id_or_none(topic),
        kind=g.get("kind") or None,
        difficulty=int(difficulty) if difficulty.isdigit() else None,
    )
    return render(
        request,
        "study/questions.html",
        {
            "hospital": hospital,
            "page": Paginator(qs, 30).get_page(g.get("page")),
            "topics": question_selectors.topic_counts(hospital),
            "counts": question_selectors.bank_counts(hospital),
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
    hospital = hospital_for(request, access, hospitals=hospital_choices(access=access))
    if not access.administers_hospital(hospital.pk):
        raise PermissionDenied("只有本院党委管理员可以导入题库")
    form = UploadForm(request.POST or None, request.FILES or None)
    failure: question_parsing.ImportInvalid | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = question_services.question_import(
                access=access,
                hospital=hospital,
                filename=upload.name or "",
                data=upload.read(),
                request=request,
            )
        except question_parsing.ImportInvalid as exc:
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
            "columns": question_parsing.COLUMNS,
            "max_shown": question_parsing.MAX_SHOWN_ERRORS,
        },
    )


@login_required
def question_template(request: HttpRequest) -> HttpResponseBase:
    access = request_access(request)
    access.require_business()
    hospital = hospital_for(request, access, hospitals=hospital_choices(access=access))
    if not access.reads_hospital(hospital.pk):
        raise PermissionDenied("只有医院党委管理员可以下载题库模板")
    return xlsx_response(
        question_services.question_template(hospital=hospital),
        "题库导入模板.xlsx",
        fallback="question_template.xlsx",
        cache_control=None,
    )
