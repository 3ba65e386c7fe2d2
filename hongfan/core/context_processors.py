from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from hongfan.core.access import request_access
from hongfan.core.nav import inbox_url, menu, unread_counter
from hongfan.core.roles import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu (collected from the apps' nav.py by ``hongfan.core.nav``), the user's roles
    and the 消息 badge."""
    access = request_access(request)
    return {
        "nav_items": menu(access),
        "nav_roles": [Role(r).label for r in sorted(access.roles)],
        "nav_inbox": inbox_url(),
        "nav_unread": unread_counter(access.user_id),
    }
