from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hongfan.core.access import request_access
from hongfan.org.selectors import people as org_people_selectors
from hongfan.points.api.serializers import (
    BranchRankRowSerializer,
    ClaimDecisionSerializer,
    ClaimSerializer,
    EntrySerializer,
    MyPointsSerializer,
    RankRowSerializer,
)
from hongfan.points.filters import RankingQuery
from hongfan.points.models import PointClaim, PointEntry
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
    queryset = PointEntry.objects.none()  # the model, for the schema; rows come from get_queryset

    @extend_schema(summary="我的积分流水（最新在前）")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        access, person = _me(self.request)  # type: ignore[arg-type]
        return ledger_selectors.entry_list(access=access, person=person)


PERIOD_PARAMS = [
    OpenApiParameter(
        "period",
        OpenApiTypes.STR,
        enum=["month", "quarter", "year"],
        description="统计期间，默认季度",
    ),
    OpenApiParameter("at", OpenApiTypes.DATE, description="期间内任一日期，默认今天"),
    OpenApiParameter("hospital", OpenApiTypes.INT, description="医院（市卫健委可选）"),
    OpenApiParameter("branch", OpenApiTypes.INT, description="支部"),
    OpenApiParameter("scope", OpenApiTypes.STR, enum=["hospital", "city"]),
]


class RankingAPI(APIView):
    @extend_schema(
        summary="党员积分排名（前100）与支部人均排名",
        parameters=PERIOD_PARAMS,
        responses={200: OpenApiTypes.OBJECT},
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
            {
                "period": period,
                "start": start,
                "members": RankRowSerializer(rows, many=True).data,
                "branches": BranchRankRowSerializer(branches, many=True).data,
            }
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
        responses={201: ClaimSerializer},
    )
    def post(self, request: Request) -> Response:
        from rest_framework.exceptions import ValidationError

        access, person = _me(request)
        s = ClaimSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        rule = catalogue_selectors.rule_lookup(access=access, pk=d["rule_id"])
        if rule is None:
            raise ValidationError({"rule": "积分规则不存在"})
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
    queryset = PointClaim.objects.none()  # the model, for the schema; rows come from get_queryset

    @extend_schema(summary="待审核的积分申报（书记：本支部；医院党委：全院）")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return claim_selectors.claim_queue(access=request_access(self.request), status="pending")  # type: ignore[arg-type]


class ClaimDecideAPI(APIView):
    @extend_schema(
        summary="审核积分申报（通过/驳回，驳回须写理由）",
        request=ClaimDecisionSerializer,
        responses=ClaimSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        access = request_access(request)
        claim = claim_selectors.claim_get(access=access, pk=pk)
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
