"""orglife's menu entries (collected by hongfan.core.nav)."""

from __future__ import annotations

from django.urls import reverse

from hongfan.core.dates import today
from hongfan.core.nav import MenuEntry

ENTRIES = [
    MenuEntry("全市落实情况", "orglife:city", "city", "组织生活", 1),
    MenuEntry("频次要求", "orglife:requirements", "city", "组织生活", 2),
    MenuEntry("会议记录", "orglife:meetings", "hospital", "组织生活", 1),
    MenuEntry("安排会议", "orglife:meeting_new", "hospital", "组织生活", 2),
    MenuEntry("落实矩阵", "orglife:matrix", "hospital", "组织生活", 3),
    MenuEntry("会议记录", "orglife:meetings", "branch", "组织生活", 1),
    MenuEntry("安排会议", "orglife:meeting_new", "branch", "组织生活", 2),
    MenuEntry(
        "落实日历",
        lambda a: reverse("orglife:calendar", args=[min(a.branch_ids)]),
        "branch",
        "组织生活",
        3,
    ),
    MenuEntry(
        "民主评议",
        lambda a: reverse("orglife:appraisal", args=[min(a.branch_ids), today().year]),
        "branch",
        "组织生活",
        4,
    ),
    MenuEntry("我的组织生活", "orglife:mine", "member", "我的", 1),
]
