"""The volunteer API a phone client uses: the activities open to me (with places left),
my sign-ups, sign up, cancel, scan in or out, and my hours record. Thin: the work is in
the service's services and selectors; a refusal is a 400 with a Chinese message and no
change (``core.api.exception_handler``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hongfan.core.access import request_access
from hongfan.core.api import ID_IN_PATH, object_id
from hongfan.service.api.serializers import (
    MySignupSerializer,
    OpenActivitySerializer,
    RecordSerializer,
    ScanSerializer,
)
from hongfan.service.selectors import hours as hours_selectors
from hongfan.service.selectors import signup as signup_selectors
from hongfan.service.services import signup as signup_services

LIMIT = 100


def _with_position(access: Any, pk: int) -> Any:
    return signup_selectors.my_signups(access=access).get(pk=pk)


class OpenActivitiesAPI(APIView):
    @extend_schema(
        summary="可报名的志愿服务活动（本院已发布、未截止，含各班次剩余名额）",
        responses=OpenActivitySerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        access = request_access(request)
        if signup_selectors.volunteer_person(access=access) is None:
            raise PermissionDenied(signup_services.NO_PERSON)
        rows = list(signup_selectors.open_activities(access=access)[:LIMIT])
        return Response(OpenActivitySerializer(rows, many=True).data)


class MySignupsAPI(generics.ListAPIView):
    serializer_class = MySignupSerializer
    filter_backends: list[Any] = []

    @extend_schema(summary="我的志愿服务报名（含候补排位、签到和确认时长，最新在前）")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        access = request_access(self.request)  # type: ignore[arg-type]
        if getattr(self, "swagger_fake_view", False):
            return signup_selectors.my_signups(access=access)
        if signup_selectors.volunteer_person(access=access) is None:
            raise PermissionDenied(signup_services.NO_PERSON)
        return signup_selectors.my_signups(access=access)


class SignupCreateAPI(APIView):
    @extend_schema(
        summary="报名一个班次（名额已满时进入候补）",
        parameters=[ID_IN_PATH],
        request=None,
        responses={201: MySignupSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        access = request_access(request)
        shift = signup_selectors.shift_for_volunteer(access=access, pk=object_id(pk))
        row = signup_services.signup_create(access=access, shift=shift)
        return Response(
            MySignupSerializer(_with_position(access, row.pk)).data, status=status.HTTP_201_CREATED
        )


class SignupCancelAPI(APIView):
    @extend_schema(
        summary="取消本人的报名（取消截止前）；候补第一位自动转为正式报名",
        parameters=[ID_IN_PATH],
        request=None,
        responses=MySignupSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        access = request_access(request)
        row = signup_selectors.signup_get(access=access, pk=object_id(pk))
        signup_services.signup_cancel(access=access, signup=row)
        row.refresh_from_db()
        return Response(MySignupSerializer(row).data)


class ScanAPI(APIView):
    @extend_schema(
        summary="扫码签到或签退（签到码取自活动二维码，须在签到时间内）",
        parameters=[ID_IN_PATH],
        request=ScanSerializer,
        responses=MySignupSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        access = request_access(request)
        s = ScanSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        row = signup_services.signup_scan(
            access=access,
            activity_id=object_id(pk),
            token=s.validated_data["token"],
            out=s.validated_data.get("action") == "out",
        )
        return Response(MySignupSerializer(_with_position(access, row.pk)).data)


class MyHoursAPI(APIView):
    @extend_schema(
        summary="我的志愿服务时长：本年与累计、青年职工目标、星级与服务记录",
        responses=RecordSerializer,
    )
    def get(self, request: Request) -> Response:
        access = request_access(request)
        person = signup_selectors.volunteer_person(access=access)
        if person is None:
            raise PermissionDenied("当前账号未关联职工信息")
        person = hours_selectors.person_for_record(access=access, pk=person.pk)
        record = hours_selectors.volunteer_record(access=access, person=person)
        record.entries = record.entries[:LIMIT]
        return Response(RecordSerializer(record).data)
