"""The landing page: each role goes to the page it works on."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from hongfan.core.access import request_access
from hongfan.core.roles import Role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    if access.is_city:
        return redirect("org:hospitals")
    if access.hospital_ids:
        return redirect("org:hospital", pk=min(access.hospital_ids))
    if access.branch_ids:
        return redirect("org:branch", pk=min(access.branch_ids))
    if access.has(Role.MEMBER) and access.person_id:
        return redirect("org:person", pk=access.person_id)
    if access.has(Role.AUDITOR):
        return redirect("audit:trail")
    if access.has(Role.SECURITY_ADMIN):
        return redirect("security:roles")
    if access.has(Role.SYSTEM_ADMIN):
        return redirect("system:users")
    return render(
        request, "403.html", {"message": "此账号尚未授予任何角色，请联系安全管理员"}, status=403
    )
