"""notices' rows of the role matrix (hongfan/tests/test_role_matrix.py merges them into its
table, as it does those of study, recognition and orglife): every 消息 URL × every demo
role — allowed, 404 or sent to log in — and a denied write changes nothing.

The target is a notification to the demo member, made on first use inside the test's
transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hongfan.accounts.models import User
from hongfan.notices.models import Notification

ROLES = ["anonymous", "city", "hosp", "sec", "member", "hosp2", "audit", "security", "sysadmin"]
OK, DONE, LOGIN, FORBIDDEN, MISSING = "200", "done", "login", "403", "404"


def roles(default: str, **over: str) -> dict[str, str]:
    """Expected outcome per role; anonymous users are sent to log in unless said otherwise."""
    unknown = set(over) - set(ROLES)
    assert not unknown, unknown
    table = dict.fromkeys(ROLES, default)
    table["anonymous"] = LOGIN
    table.update(over)
    return table


def only(allowed: str = OK, **over: str | bool) -> dict[str, str]:
    """Everyone logged in is refused (403) except the roles named."""
    return roles(FORBIDDEN, **{r: allowed if v is True else str(v) for r, v in over.items()})


@dataclass
class Row:
    get: dict[str, str] | None = None  # expected outcome of a GET, per role
    post: dict[str, str] | None = None  # expected outcome of a POST with ``payload``
    payload: Callable[[Any], dict[str, Any]] | None = None
    args: Callable[[Any], list[Any]] = lambda t: []


def member_notification(t: Any) -> Notification:
    if "notification" not in t.values:
        t.values["notification"] = Notification.objects.create(
            recipient=User.objects.get(username="member"), title="提醒", link="/points/me/"
        )
    return t.values["notification"]


LOGGED_IN = roles(OK)

TABLE: dict[str, Row] = {
    "notices:inbox": Row(get=LOGGED_IN),
    "notices:read": Row(
        post=roles(MISSING, member=DONE),
        payload=lambda t: {},
        args=lambda t: [member_notification(t).pk],
    ),
    "notices:read_all": Row(post=roles(DONE), payload=lambda t: {}),
}
