from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics

from hongfan.core.access import request_access
from hongfan.org.api.serializers import BranchSerializer, DevelopmentSerializer, PersonSerializer
from hongfan.org.models import Branch, Development, Person
from hongfan.org.selectors import development as development_selectors
from hongfan.org.selectors import people as people_selectors
from hongfan.org.selectors import structure as structure_selectors


@extend_schema(summary="人员名册（身份证号、手机号已脱敏）")
class PersonListAPI(generics.ListAPIView):
    serializer_class = PersonSerializer
    queryset = Person.objects.none()  # the model, for the schema; rows come from get_queryset
    filterset_fields = ["hospital", "branch", "department", "political_status", "status"]

    def get_queryset(self) -> QuerySet[Person]:
        access = request_access(self.request)
        return people_selectors.person_list(access, status=None)


@extend_schema(summary="单个人员")
class PersonDetailAPI(generics.RetrieveAPIView):
    serializer_class = PersonSerializer

    def get_object(self) -> Person:
        return people_selectors.person_get(
            access=request_access(self.request), pk=int(self.kwargs["pk"])
        )


@extend_schema(summary="可见的党支部及党员人数")
class BranchListAPI(generics.ListAPIView):
    serializer_class = BranchSerializer
    queryset = Branch.objects.none()  # the model, for the schema; rows come from get_queryset
    filterset_fields = ["hospital", "kind"]

    def get_queryset(self) -> QuerySet[Branch]:
        return structure_selectors.branch_list(access=request_access(self.request))


@extend_schema(summary="进行中的发展党员记录")
class DevelopmentListAPI(generics.ListAPIView):
    serializer_class = DevelopmentSerializer
    queryset = Development.objects.none()  # the model, for the schema; rows come from get_queryset
    filterset_fields = ["hospital", "branch", "stage"]

    def get_queryset(self) -> QuerySet[Development]:
        return development_selectors.development_list(access=request_access(self.request))
