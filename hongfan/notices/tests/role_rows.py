"""notices' rows of the role matrix (hongfan/tests/test_role_matrix.py merges them into its
table, as it does those of study, recognition and orglife): every 消息 URL × every demo
role — allowed, 404 or sent to log in — and a denied write changes nothing.

The target is a notification to the demo member, made on first use inside the test's
transaction."""

from __future__ import annotations

from typing import Any

from hongfan.accounts.models import User
from hongfan.core.testing.role_matrix import DONE, MISSING, OK, Row, roles
from hongfan.notices.models import Notification


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
    # 消息设置: everyone their own (the inbox is always on; nothing to choose without an
    # SMS or WeChat backend, and then a POST only says so)
    "notices:preferences": Row(get=LOGGED_IN, post=roles(DONE), payload=lambda t: {}),
}
