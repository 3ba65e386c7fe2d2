from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hongfan.core.access import request_access
from hongfan.core.api import ID_IN_PATH, ErrorSerializer, object_id
from hongfan.org.selectors import people as org_people_selectors
from hongfan.points.api.serializers import (
    ClaimDecidedSerializer,
    ClaimDecisionSerializer,
    ClaimSerializer,
    EntrySerializer,
    MyPointsSerializer,
    RankingQuerySerializer,
    RankingSerializer,
)
from hongfan.points.filters import RankingQuery
from hongfan.points.selectors import catalogue as catalogue_selectors
from hongfan.points.selectors import claims as claim_selectors
from hongfan.points.selectors import ledger as ledger_selectors
from hongfan.points.selectors import standings
from hongfan.points.services import claims as claim_services


def _me(request: Request) -> Any:
    access = request_access(request)
    if not access.person_id:
        raise PermissionDenied("此账号未关联党员，没有个人积分")
    return access, org_people_selectors.person_get(access=access, pk=access.person_id)


class MyPointsAPI(APIView):
    @extend_schema(summary="我的积分：今日进度、本月/季/年合计与排名", responses=MyPointsSerializer)
    def get(self, request: Request) -> Response:
        access, person = _me(request)
        return Response(MyPointsSerializer(standings.my_points(access=access, person=person)).data)


class MyLedgerAPI(generics.ListAPIView):
    serializer_class = EntrySerializer
    filter_backends: list[Any] = []

    @extend_schema(summary="我的积分流水（最新在前）")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        access, person = _me(self.request)  # type: ignore[arg-type]
        return ledger_selectors.entry_list(access=access, person=person)


class RankingAPI(APIView):
    @extend_schema(
        summary="党员积分排名（前100）与支部人均排名",
        parameters=[RankingQuerySerializer],
        responses={
            200: RankingSerializer,
            404: OpenApiResponse(ErrorSerializer, "医院或支部不存在"),
        },
    )
    def get(self, request: Request) -> Response:
        access = request_access(request)
        asked = RankingQuery(request).ranking(access)
        period, start, hospital, branch = asked.period, asked.start, asked.hospital, asked.branch
        rows = standings.member_ranking(
            access=access, hospital=hospital, period=period, start=start, branch=branch, limit=100
        )
        branches = (
            standings.branch_ranking(access=access, hospital=hospital, period=period, start=start)
            if hospital is not None and branch is None
            else []
        )
        return Response(
            RankingSerializer(
                {"period": period, "start": start, "members": rows, "branches": branches}
            ).data
        )


class ClaimsAPI(APIView):
    """A member's own claims (GET) and a new claim (POST, multipart with an optional photo)."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(summary="我的积分申报", responses=ClaimSerializer(many=True))
    def get(self, request: Request) -> Response:
        access = request_access(request)
        rows = claim_selectors.claims_of_member(access=access)[:200]
        return Response(ClaimSerializer(rows, many=True).data)

    @extend_schema(
        summary="申报积分（文字说明或照片至少一项）",
        request=ClaimSerializer,
        responses={201: ClaimSerializer, 404: OpenApiResponse(ErrorSerializer, "积分规则不存在")},
    )
    def post(self, request: Request) -> Response:
        access, person = _me(request)
        s = ClaimSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        rule = catalogue_selectors.rule_lookup(access=access, pk=d["rule_id"])
        if rule is None:
            raise NotFound("积分规则不存在")
        claim = claim_services.claim_submit(
            access=access,
            person=person,
            rule=rule,
            occurred_on=d["occurred_on"],
            quantity=d.get("quantity", 1),
            description=d.get("description", ""),
            photo=d.get("photo"),
            request=request,  # type: ignore[arg-type]
        )
        return Response(ClaimSerializer(claim).data, status=201)


class ClaimReviewAPI(generics.ListAPIView):
    serializer_class = ClaimSerializer
    filter_backends: list[Any] = []

    @extend_schema(summary="待审核的积分申报（书记：本支部；医院党委：全院）")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return claim_selectors.claim_queue(access=request_access(self.request), status="pending")  # type: ignore[arg-type]


class ClaimDecideAPI(APIView):
    @extend_schema(
        summary="审核积分申报（通过/驳回，驳回须写理由）",
        parameters=[ID_IN_PATH],
        request=ClaimDecisionSerializer,
        responses=ClaimDecidedSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        access = request_access(request)
        claim = claim_selectors.claim_get(access=access, pk=object_id(pk))
        s = ClaimDecisionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        decision = claim_services.claim_decide(
            access=access,
            claim=claim,
            approve=s.validated_data["approve"],
            reason=s.validated_data.get("reason", ""),
            request=request,  # type: ignore[arg-type]
        )
        data = dict(ClaimSerializer(decision.claim).data)
        data["message"] = decision.message
        return Response(data)
