"""One FilterSet per list: the meeting book's page and its API share MeetingFilter."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from hongfan.core.access import request_access
from hongfan.core.dates import year_bounds
from hongfan.core.forms import IdChoiceFilter
from hongfan.org.models import Branch
from hongfan.orglife.choices import MeetingKind, MeetingStatus
from hongfan.orglife.models import Meeting
from hongfan.orglife.selectors.meetings import managed_branches

YEAR_MIN = 2000


class MeetingFilter(django_filters.FilterSet):
    """The filters of 组织生活记录. A value that is not valid (another hospital's branch, an
    unknown kind, a year out of range, text) is ignored, as the page always did."""

    branch = IdChoiceFilter(label="支部", queryset=Branch.objects.none(), empty_label="全部")
    kind = django_filters.ChoiceFilter(
        label="类型", choices=MeetingKind.choices, empty_label="全部"
    )
    status = django_filters.ChoiceFilter(
        label="状态", choices=MeetingStatus.choices, empty_label="全部"
    )
    year = django_filters.NumberFilter(
        label="年度", method="in_year", min_value=YEAR_MIN, max_value=9999
    )

    class Meta:
        model = Meeting
        fields = ["branch", "kind", "status", "year"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the branches offered (and accepted) are the user's own
        access = request_access(self.request) if self.request is not None else None
        branches = (
            managed_branches(access=access).order_by("pk") if access else Branch.objects.none()
        )
        self.filters["branch"].queryset = branches  # type: ignore[attr-defined]
        self.form.fields["branch"].queryset = branches  # type: ignore[attr-defined]

    def in_year(self, queryset: QuerySet[Meeting], name: str, value: Any) -> QuerySet[Meeting]:
        start, end = year_bounds(int(value))
        return queryset.filter(starts_at__gte=start, starts_at__lt=end)
