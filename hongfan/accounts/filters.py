"""One FilterSet per list: the system admin's account list (账号管理) reads UserFilter; the
auditor's two lists sort by the columns named here (core.tables)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from hongfan.core import tables
from hongfan.core.audit_text import change_action, describe_changes, describe_text
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


def _actor_name(user: Any, username: str = "") -> str:
    """Who acted, by name (the user name in brackets when it differs), or 系统."""
    if user is None:
        return username or "系统"
    name = user.display_name
    return f"{name}（{user.username}）" if name != user.username else name


# 安全审计日志 (core's AuditEvent)
AUDIT_COLUMNS = (
    tables.Column("at", "时间", value=lambda e: e.at),
    tables.Column(
        "user", "用户", order=("username",), value=lambda e: _actor_name(e.user, e.username)
    ),
    tables.Column("ip", "来源", value=lambda e: e.ip or ""),
    tables.Column("action", "操作", value=lambda e: e.get_action_display()),
    tables.Column("target", "对象", sortable=False, value=lambda e: e.target_repr),
    tables.Column("detail", "详情", sortable=False, value=lambda e: describe_text(e.detail)),
    tables.Column("success", "结果", value=lambda e: "成功" if e.success else "失败"),
)


def _changes_text(entry: Any) -> str:
    model = entry.content_type.model_class() if entry.content_type_id else None
    return "；".join(f"{k}：{v}" for k, v in describe_changes(model, entry.changes_dict))


# 业务数据变更记录 (django-auditlog's LogEntry)
CHANGE_COLUMNS = (
    tables.Column("timestamp", "时间", value=lambda e: e.timestamp),
    tables.Column(
        "actor", "操作人", order=("actor__first_name",), value=lambda e: _actor_name(e.actor)
    ),
    tables.Column("remote_addr", "来源", value=lambda e: e.remote_addr or ""),
    tables.Column(
        "kind",
        "数据类型",
        order=("content_type__model",),
        value=lambda e: e.content_type.name if e.content_type_id else "",
    ),
    tables.Column("object", "对象", order=("object_repr",), value=lambda e: e.object_repr),
    tables.Column("action", "动作", value=change_action),
    tables.Column("changes", "变更内容", sortable=False, value=_changes_text),
)
