"""One FilterSet per list: the system admin's account list (账号管理) reads UserFilter."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from hongfan.core.forms import TextFilter


class UserFilter(django_filters.FilterSet):
    """``q``: part of the user name or the display name (surrounding spaces ignored)."""

    q = TextFilter(label="用户名或姓名")

    def text(self) -> str:
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return (data.get("q") or "").strip()

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        q = self.text()
        if q:
            return queryset.filter(username__icontains=q) | queryset.filter(first_name__icontains=q)
        return queryset
