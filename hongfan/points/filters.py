"""One FilterSet per list: the review queues of claims and appeals (积分审核) share
ReviewFilter."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from hongfan.core.forms import TextFilter

STATUS_TABS = [("pending", "待审核"), ("decided", "已审核"), ("all", "全部")]


class ReviewFilter(django_filters.FilterSet):
    """The tab of a review queue: pending oldest first (the default, and for a value not
    known), decided newest first, or all."""

    status = TextFilter(label="状态")

    def status_value(self) -> str:
        data = self.form.cleaned_data if self.form.is_valid() else {}
        status = data.get("status") or "pending"
        return status if status in {"pending", "decided", "all"} else "pending"

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        status = self.status_value()
        if status == "pending":
            return queryset.filter(status="pending").order_by("created_at", "id")
        if status == "decided":
            return queryset.exclude(status="pending").order_by("-decided_at", "-id")
        return queryset
