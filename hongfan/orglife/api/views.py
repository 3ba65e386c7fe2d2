from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hongfan.core.access import request_access
from hongfan.core.api import ID_IN_PATH, object_id, query
from hongfan.orglife.api.serializers import (
    CheckinSerializer,
    MeetingBookQuerySerializer,
    MeetingSerializer,
    MyMeetingSerializer,
)
from hongfan.orglife.filters import MeetingFilter
from hongfan.orglife.selectors.attendance import acting_person, attendance_list
from hongfan.orglife.selectors.meetings import meeting_list
from hongfan.orglife.services.attendance import meeting_checkin


class MyMeetingsAPI(generics.ListAPIView):
    serializer_class = MyMeetingSerializer
    filter_backends: list[Any] = []

    @extend_schema(summary="我的组织生活：应参加的会议与本人出勤（最新在前）")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        access = request_access(self.request)  # type: ignore[arg-type]
        access.require_business()
        if not access.person_id:
            raise PermissionDenied("此账号未关联党员")
        return attendance_list(access=access)


class CheckinAPI(APIView):
    @extend_schema(
        summary="扫码签到（签到码取自会议二维码）",
        parameters=[ID_IN_PATH],
        request=CheckinSerializer,
        responses=MyMeetingSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        access = request_access(request)
        access.require_business()
        s = CheckinSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        person = acting_person(access=access)
        row = meeting_checkin(
            person=person, meeting_id=object_id(pk), token=s.validated_data["token"]
        )
        row = attendance_list(access=access).get(pk=row.pk)
        return Response(MyMeetingSerializer(row).data)


class MeetingBookAPI(generics.ListAPIView):
    """The meeting book of the branches a secretary or hospital admin manages (the city reads
    every hospital's), filtered as the 组织生活记录 page is: ?branch=&kind=&status=&year=."""

    serializer_class = MeetingSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="组织生活记录：本人管理的支部的会议（按支部、类型、状态、年度筛选）",
        parameters=[MeetingBookQuerySerializer],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        access = request_access(self.request)  # type: ignore[arg-type]
        access.require_business()
        if not (access.hospital_ids or access.branch_ids or access.is_city):
            raise PermissionDenied("只有支部书记、医院党委和市卫健委可以查看组织生活记录")
        asked = query(MeetingBookQuerySerializer, self.request)
        meetings = meeting_list(access=access).select_related("branch")
        book = MeetingFilter(
            data={k: str(v) for k, v in asked.items()}, queryset=meetings, request=self.request
        )
        if not book.is_valid():  # the only error left: a branch the user does not manage
            return meetings.none()
        return book.qs
