"""The study API a phone client uses: my items with progress, my log (and a new entry),
the exams open to me, starting an attempt and submitting it. Thin: the work is in the
study services and selectors; bad input is a 400 with a Chinese message, nothing changed
(a service's ValidationError becomes that 400 in ``core.api.exception_handler``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hongfan.core.access import request_access
from hongfan.core.api import ID_IN_PATH, ErrorSerializer, object_id
from hongfan.study.api.serializers import (
    AnswerSerializer,
    AttemptSerializer,
    ItemProgressSerializer,
    LogSerializer,
    MyExamSerializer,
    ResultSerializer,
    SavedSerializer,
    SubmitSerializer,
)
from hongfan.study.selectors import exams as exam_selectors
from hongfan.study.selectors import items as item_selectors
from hongfan.study.selectors import learners as learner_selectors
from hongfan.study.selectors import logs as log_selectors
from hongfan.study.services import exams as exam_services
from hongfan.study.services import logs as log_services

ITEMS_LIMIT = 200


class MyItemsAPI(APIView):
    @extend_schema(
        summary="我的学习资料（全院及本支部）与学习进度",
        responses=ItemProgressSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        access = request_access(request)
        person = learner_selectors.learner_for(access)
        items = list(item_selectors.items_for_member(person)[:ITEMS_LIMIT])
        rows = item_selectors.item_progress(person, items)
        return Response(ItemProgressSerializer(rows, many=True).data)


class MyLogAPI(generics.ListAPIView):
    """GET my self-study log (newest first); POST a self-study entry (待书记确认)."""

    serializer_class = LogSerializer

    @extend_schema(summary="我的个人自学记录（最新在前）")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular building the schema
            return log_selectors.no_logs()
        return log_selectors.logs_of_member(access=request_access(self.request))  # type: ignore[arg-type]

    @extend_schema(
        summary="登记个人自学（学习时长，待支部书记确认）",
        request=LogSerializer,
        responses={201: LogSerializer, 404: OpenApiResponse(ErrorSerializer, "学习资料不存在")},
    )
    def post(self, request: Request) -> Response:
        access = request_access(request)
        learner_selectors.learner_for(access)
        s = LogSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        item = item_selectors.item_get(access=access, pk=d["item_id"])
        log = log_services.log_submit(
            access=access,
            item=item,
            minutes=d["minutes"],
            studied_on=d["studied_on"],
            note=d.get("note", ""),
            request=request,  # type: ignore[arg-type]
        )
        return Response(LogSerializer(log).data, status=201)


class MyExamsAPI(APIView):
    @extend_schema(
        summary="我可以参加的考试（进行中的，以及参加过的）", responses=MyExamSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        return Response(
            MyExamSerializer(
                exam_selectors.my_exams(access=request_access(request)), many=True
            ).data
        )


class ExamStartAPI(APIView):
    @extend_schema(
        summary="开始答题：随机抽题（不含答案）；未交卷的答题会原样返回",
        parameters=[ID_IN_PATH],
        request=None,
        responses={201: AttemptSerializer, 200: AttemptSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        access = request_access(request)
        exam = exam_selectors.exam_get(access=access, pk=object_id(pk))
        started = exam_services.attempt_start(access=access, exam=exam, request=request)  # type: ignore[arg-type]
        rows = exam_selectors.attempt_questions(started.attempt)
        data = AttemptSerializer(started.attempt, context={"rows": rows}).data
        return Response(data, status=200 if started.resumed else 201)


class AttemptAnswerAPI(APIView):
    @extend_schema(
        summary="保存一道题的作答（随答随存；交卷后或超时将被拒绝）",
        parameters=[ID_IN_PATH],
        request=AnswerSerializer,
        responses=SavedSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        access = request_access(request)
        attempt = exam_selectors.attempt_get(access=access, pk=object_id(pk))
        s = AnswerSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        row = exam_services.attempt_answer(
            access=access,
            attempt=attempt,
            question_id=s.validated_data["id"],
            answer=s.validated_data["answer"],
        )
        return Response(SavedSerializer(row).data)


class AttemptSubmitAPI(APIView):
    @extend_schema(
        summary="交卷：服务器评分，返回得分、正确答案与解析（超时或重复提交将被拒绝）",
        parameters=[ID_IN_PATH],
        request=SubmitSerializer,
        responses=ResultSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        access = request_access(request)
        attempt = exam_selectors.attempt_get(access=access, pk=object_id(pk))
        s = SubmitSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        answers: dict[int, str] = {}
        for a in s.validated_data.get("answers", []):
            if a["id"] in answers:
                raise ValidationError({"answers": [f"题目{a['id']}重复作答"]})
            answers[a["id"]] = a["answer"]
        result = exam_services.attempt_submit(
            access=access,
            attempt=attempt,
            answers=answers,
            request=request,  # type: ignore[arg-type]
        )
        rows = exam_selectors.attempt_questions(result.attempt)
        return Response(
            ResultSerializer(result.attempt, context={"rows": rows, "message": result.message}).data
        )
