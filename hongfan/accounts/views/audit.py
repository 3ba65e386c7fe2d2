"""The auditor's pages: the security audit trail and the data changes, each a table of
records (core.tables): filter, sort, page and an audited export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from hongfan.accounts import selectors
from hongfan.accounts.filters import AUDIT_COLUMNS, CHANGE_COLUMNS
from hongfan.accounts.forms import AuditFilterForm, DataChangeFilterForm
from hongfan.core import tables
from hongfan.core.access import request_access


@login_required
def audit_trail(request: HttpRequest) -> HttpResponseBase:
    """安全审计日志: filter, sort, page, export (the export itself is audited)."""
    access = request_access(request)
    form = AuditFilterForm(request.GET or None)
    return tables.table_response(
        request,
        "accounts/audit_trail.html",
        table=tables.Table(request, AUDIT_COLUMNS, default="-at", label="审计日志"),
        rows=selectors.audit_event_list(access=access, filters=form.valid_filters()),
        context={"form": form},
        filename="安全审计日志_{date}.xlsx",
        fallback="audit_trail.xlsx",
        audit={"what": "audit_trail"},
    )


@login_required
def audit_changes(request: HttpRequest) -> HttpResponseBase:
    """业务数据变更记录 (django-auditlog): filter, sort, page, export (audited)."""
    access = request_access(request)
    form = DataChangeFilterForm(request.GET or None, models=selectors.data_change_models())
    return tables.table_response(
        request,
        "accounts/audit_changes.html",
        table=tables.Table(request, CHANGE_COLUMNS, default="-timestamp", label="数据变更"),
        rows=selectors.data_change_list(access=access, filters=form.valid_filters()),
        context={"form": form},
        filename="数据变更记录_{date}.xlsx",
        fallback="data_changes.xlsx",
        audit={"what": "data_changes"},
    )
