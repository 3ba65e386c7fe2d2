"""The org API: the people list and one person, the branches, the developments in progress.
Thin: filters are read by a query serializer (a bad value is a 400) and handed to the
selectors, which keep every row in the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics

from hongfan.core.access import request_access
from hongfan.core.api import ID_IN_PATH, object_id, query
from hongfan.org.api.serializers import (
    BranchQuerySerializer,
    BranchSerializer,
    DevelopmentQuerySerializer,
    DevelopmentSerializer,
    PersonQuerySerializer,
    PersonSerializer,
)
from hongfan.org.models import Branch, Development, Person
from hongfan.org.selectors import development as development_selectors
from hongfan.org.selectors import people as people_selectors
from hongfan.org.selectors import structure as structure_selectors


@extend_schema(summary="人员名册（身份证号、手机号已脱敏）", parameters=[PersonQuerySerializer])
class PersonListAPI(generics.ListAPIView):
    serializer_class = PersonSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Person]:
        f = query(PersonQuerySerializer, self.request)
        people = people_selectors.person_list(
            request_access(self.request),
            branch_id=f.get("branch"),
            department_id=f.get("department"),
            political_status=f.get("political_status"),
            status=f.get("status"),
        )
        if "hospital" in f:
            people = people.filter(hospital_id=f["hospital"])
        return people


@extend_schema(summary="单个人员", parameters=[ID_IN_PATH])
class PersonDetailAPI(generics.RetrieveAPIView):
    serializer_class = PersonSerializer

    def get_object(self) -> Person:
        return people_selectors.person_get(
            access=request_access(self.request), pk=object_id(self.kwargs["pk"])
        )


@extend_schema(summary="可见的党支部及党员人数", parameters=[BranchQuerySerializer])
class BranchListAPI(generics.ListAPIView):
    serializer_class = BranchSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Branch]:
        f = query(BranchQuerySerializer, self.request)
        branches = structure_selectors.branch_list(access=request_access(self.request))
        if "hospital" in f:
            branches = branches.filter(hospital_id=f["hospital"])
        if "kind" in f:
            branches = branches.filter(kind=f["kind"])
        return branches


@extend_schema(summary="进行中的发展党员记录", parameters=[DevelopmentQuerySerializer])
class DevelopmentListAPI(generics.ListAPIView):
    serializer_class = DevelopmentSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Development]:
        f = query(DevelopmentQuerySerializer, self.request)
        rows = development_selectors.development_list(access=request_access(self.request))
        for name in ("hospital", "branch"):
            if name in f:
                rows = rows.filter(**{f"{name}_id": f[name]})
        if "stage" in f:
            rows = rows.filter(stage=f["stage"])
        return rows
