"""The home page (首页): a business role's tasks of the day, collected from the apps by
``hongfan.core.todos``, and the sections the apps lend it through ``hongfan.core.panels``
(a member's points and what is new in their branch). The 三员 go to the page they work on.

What the apps give is kept per process under the data stamp (``hongfan.core.datastamp``): a
second visit, by anyone whose scope no one has written to since, costs one small query
instead of every app's sources (the page itself, with its CSRF token, is drawn anew)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from hongfan.core import datastamp, panels, todos
from hongfan.core.access import Access, request_access
from hongfan.core.dates import today
from hongfan.core.panels import Shown
from hongfan.core.roles import Role
from hongfan.core.todos import Todo
from hongfan.org.selectors.hospitals import home_heading


@dataclass(frozen=True)
class Collected:
    """What the apps give the home page for one user on one day."""

    todos: list[Todo]
    waiting: list[Todo]  # the tasks that wait on this user (counted in the badge)
    others: list[Todo]
    heading: str
    panels: list[Shown]


def collect(access: Access, day: date) -> Collected:
    tasks = todos.todos_for(access, day)
    badged = {s.name for s in todos.sources() if s.badge}
    return Collected(
        todos=tasks,
        waiting=[t for t in tasks if t.source in badged],
        others=[t for t in tasks if t.source not in badged],
        heading=home_heading(access=access),
        panels=panels.panels_for(panels.HOME, access=access, obj=None),
    )


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
    got = datastamp.cached(("org.home", access, day), lambda: collect(access, day))
    request.hongfan_todos = got.todos  # type: ignore[attr-defined]  # the 待办 badge reuses them
    return render(
        request,
        "org/home.html",
        {
            "today": day,
            "todos": got.todos,
            "waiting": got.waiting,
            "others": got.others,
            "heading": got.heading,
            "manages": access.is_city or bool(access.hospital_ids or access.branch_ids),
            "panels": got.panels,
        },
    )
