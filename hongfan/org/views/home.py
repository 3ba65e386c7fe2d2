"""The home page (首页): a business role's tasks of the day, collected from the apps by
``hongfan.core.todos``, and the sections the apps lend it through ``hongfan.core.panels``
(a member's points and what is new in their branch). The 三员 go to the page they work on."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from hongfan.core import panels, todos
from hongfan.core.access import request_access
from hongfan.core.dates import today
from hongfan.core.roles import Role
from hongfan.org.selectors.hospitals import home_heading


@login_required
def home(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    # An office role (护理部) is not a business role but has a home page: its tasks.
    if not (access.is_business or access.offices):
        if access.has(Role.AUDITOR):
            return redirect("audit:trail")
        if access.has(Role.SECURITY_ADMIN):
            return redirect("security:roles")
        if access.has(Role.SYSTEM_ADMIN):
            return redirect("system:users")
        return render(
            request,
            "403.html",
            {"message": "此账号尚未授予任何角色，请联系安全管理员"},
            status=403,
        )
    day = today()
    tasks = todos.todos_for(access, day)
    request.hongfan_todos = tasks  # type: ignore[attr-defined]  # the 待办 badge reuses them
    badged = {s.name for s in todos.sources() if s.badge}
    return render(
        request,
        "org/home.html",
        {
            "today": day,
            "todos": tasks,
            "waiting": [t for t in tasks if t.source in badged],
            "others": [t for t in tasks if t.source not in badged],
            "heading": home_heading(access=access),
            "manages": access.is_city or bool(access.hospital_ids or access.branch_ids),
            "panels": panels.panels_for(panels.HOME, access=access, obj=None),
        },
    )
