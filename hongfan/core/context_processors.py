from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from hongfan.core.access import request_access
from hongfan.core.dates import today
from hongfan.core.nav import MenuHtml, inbox_url, menu, tab_bar, unread_counter
from hongfan.core.roles import Role
from hongfan.core.todos import waiting_counter


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu (collected from the apps' nav.py by ``hongfan.core.nav``), the user's roles,
    the 消息 and 待办 badges (counted only if drawn) and the phone's bottom bar. A page that
    has collected the user's tasks already leaves them on ``request.hongfan_todos``."""
    access = request_access(request)
    known = getattr(request, "hongfan_todos", None)
    items = menu(access)
    inbox = inbox_url()
    unread = unread_counter(access.user_id)
    return {
        "nav_todo": waiting_counter(access, today(), known=known),
        "nav_tabs": tab_bar(access, request.path),
        "nav_items": items,
        "nav_menu": MenuHtml(access, request.path, inbox, unread),
        "nav_roles": [Role(r).label for r in sorted(access.roles)],
        "nav_inbox": inbox,
        "nav_unread": unread,
    }
