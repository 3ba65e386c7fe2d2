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
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

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


# The task rows are built here rather than by an ``{% include %}`` per row (each cost the
# template engine some 300 function calls): the same markup as the old
# ``org/partials/_todo.html``, line breaks included; titles and details are escaped.
def _todo_html(t: Todo, *, waiting: bool, day: date, csrf_input: str) -> str:
    url, title = escape(t.url), escape(t.title)
    badge = ""
    if t.count > 1 or waiting:
        tone = "text-bg-danger" if waiting else "text-bg-secondary"
        badge = f' <span class="badge rounded-pill {tone}">{t.count}</span>'
    line = ""
    if t.detail or t.due:
        due = ""
        if t.due:
            year = f"{t.due.year}年" if t.due.year != day.year else ""
            due = (
                (" · " if t.detail else "")
                + (
                    '<span class="text-danger">已逾期</span>，'
                    if t.urgency == todos.OVERDUE
                    else ""
                )
                + f"截止{year}{t.due.month}月{t.due.day}日"
            )
        line = f'<div class="small text-muted">{escape(t.detail)}{due}</div>'
    if t.post:
        button = (
            f'<form method="post" action="{url}" class="flex-shrink-0">{csrf_input}'
            f'<button class="btn btn-hf px-3" type="submit">{escape(t.action)}</button></form>'
        )
    elif t.action:
        button = (
            f'<a class="btn btn-hf btn-sm flex-shrink-0 px-3" href="{url}">{escape(t.action)}</a>'
        )
    else:
        button = (
            f'<a class="btn btn-outline-secondary btn-sm flex-shrink-0" href="{url}" '
            f'aria-label="去处理：{title}">去处理</a>'
        )
    return (
        f'\n<div class="hf-todo {escape(t.urgency)}" data-source="{escape(t.source)}">'
        '<span class="mark" aria-hidden="true"></span>\n'
        f'    <div class="what"><a href="{url}">{title}</a>{badge}\n'
        f"      {line}\n"
        "    </div>\n"
        f"    {button}\n"
        "  </div>\n"
    )


def todos_html(
    tasks: list[Todo], *, waiting: list[Todo], day: date, csrf_input: str = ""
) -> SafeString:
    """The rows of ``tasks``; those in ``waiting`` (counted in the badge) show their count in
    red. ``csrf_input`` is the form's token field, for a task done in one tap."""
    return mark_safe(  # noqa: S308 -- every value above is escaped
        "".join(_todo_html(t, waiting=t in waiting, day=day, csrf_input=csrf_input) for t in tasks)
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
    csrf_input = ""
    if any(t.post for t in got.todos):
        token = escape(get_token(request))
        csrf_input = f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'

    def rows(tasks: list[Todo]) -> SafeString:
        return todos_html(tasks, waiting=got.waiting, day=day, csrf_input=csrf_input)

    manages = access.is_city or bool(access.hospital_ids or access.branch_ids)
    split = manages and bool(got.waiting)  # 待我处理 above 需要关注
    return render(
        request,
        "org/home.html",
        {
            "today": day,
            "todos": got.todos,
            "waiting": got.waiting,
            "others": got.others,
            "todos_html": "" if split else rows(got.todos),
            "waiting_html": rows(got.waiting) if split else "",
            "others_html": rows(got.others) if split else "",
            "heading": got.heading,
            "manages": manages,
            "panels": got.panels,
        },
    )
