"""One FilterSet per list: the people page (人员名册) and its .xlsx export share PersonFilter."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

from hongfan.org.choices import PersonStatus, PoliticalStatus
from hongfan.org.models import Person
from hongfan.org.selectors.people import IS_MEMBER, people_matching
from hongfan.org.services.roster import RosterFilters

Q_MAX = 50


class LenientText(forms.CharField):
    """Text as typed, never refused: a NUL byte is dropped (the database would refuse it),
    surrounding spaces kept as the page always kept them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("strip", False)
        super().__init__(*args, **kwargs)
        self.validators = []

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value) or "").replace("\x00", "")


class TextFilter(django_filters.CharFilter):
    field_class = LenientText


PK_MAX = 2**63 - 1  # the largest id a column holds (SQLite overflows beyond it)


def _number(raw: str) -> int | None:
    """An id, or None for text, a sign, non-ASCII digits or a number too big to be one."""
    if not (raw.isascii() and raw.isdigit()):
        return None
    value = int(raw)
    return value if value <= PK_MAX else None


class PersonFilter(django_filters.FilterSet):
    """The people page's filters. A value that is not valid (text for a branch, an unknown
    status) is ignored, as the page always did; without ``status`` only those in post show."""

    q = TextFilter(label="姓名 / 完整身份证号 / 手机号")
    branch = TextFilter(label="支部")
    department = TextFilter(label="科室")
    political_status = TextFilter(label="政治面貌")
    status = TextFilter(label="状态")

    class Meta:
        model = Person
        fields = ["q", "branch", "department", "political_status", "status"]

    def roster_filters(self) -> RosterFilters:
        """The filters as the roster export takes them."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        status = data.get("status") or PersonStatus.ACTIVE
        if status not in PersonStatus.values and status != "all":
            status = PersonStatus.ACTIVE
        pol = data.get("political_status") or None
        if pol and pol not in PoliticalStatus.values and pol != "members":
            pol = None
        return RosterFilters(
            branch_id=_number(data.get("branch") or ""),
            department_id=_number(data.get("department") or ""),
            political_status=pol,
            status=None if status == "all" else status,
            q=(data.get("q") or "")[:Q_MAX],
        )

    def filter_queryset(self, queryset: QuerySet[Person]) -> QuerySet[Person]:
        f = self.roster_filters()
        if f.branch_id:
            queryset = queryset.filter(branch_id=f.branch_id)
        if f.department_id:
            queryset = queryset.filter(department_id=f.department_id)
        if f.political_status == "members":
            queryset = queryset.filter(IS_MEMBER)
        elif f.political_status:
            queryset = queryset.filter(political_status=f.political_status)
        if f.status:
            queryset = queryset.filter(status=f.status)
        return people_matching(queryset, f.q)
