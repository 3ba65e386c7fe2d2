"""The auditor's pages: the security audit trail and the data changes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hongfan.accounts import selectors
from hongfan.accounts.forms import AuditFilterForm
from hongfan.core.access import request_access


@login_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_event_list(access=access, filters=filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_trail.html", {"form": form, "page": page})


@login_required
def audit_changes(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    entries = selectors.data_change_list(access=access)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_changes.html", {"page": page})
