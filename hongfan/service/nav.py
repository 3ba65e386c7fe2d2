"""service's menu entries and phone tab (collected by hongfan.core.nav) and its sources of
today's tasks (collected by hongfan.core.todos). One block per part of the app."""

from __future__ import annotations

from hongfan.core.nav import MenuEntry, TabEntry
from hongfan.core.todos import TodoSource

# --- activities: brand, measures, places, planning, records -------------------------------
ACTIVITY_ENTRIES: list[MenuEntry] = []
ACTIVITY_TASKS: list[TodoSource] = []


# --- sign-up, check-in, hours, volunteer record ------------------------------------------
HOURS_ENTRIES: list[MenuEntry] = []
HOURS_TASKS: list[TodoSource] = []
HOURS_TABS: list[TabEntry] = []


# --- 红帆驿站 and model posts --------------------------------------------------------------
from collections.abc import Iterable  # noqa: E402
from datetime import date  # noqa: E402

from django.urls import reverse  # noqa: E402

from hongfan.core.access import Access  # noqa: E402
from hongfan.core.todos import OVERDUE, SOON, Todo  # noqa: E402
from hongfan.service.selectors.desk import swaps_for_me  # noqa: E402
from hongfan.service.selectors.loan import overdue_by_desk  # noqa: E402


def _desk_overdue(access: Access, day: date) -> Iterable[Todo]:
    """The hospital admin's to-do: loans overdue at a desk, one task per desk."""
    for desk_id, name, n in overdue_by_desk(access.hospital_ids):
        yield Todo(
            f"{name}：借用逾期未还",
            reverse("service:ledger", args=[desk_id]) + "?overdue=1",
            count=n,
            detail=f"{n}件物品超过应还时间",
            urgency=OVERDUE,
        )


def _swaps_waiting(access: Access, day: date) -> Iterable[Todo]:
    """A member's to-do: colleagues asking them to take a duty shift."""
    swaps = swaps_for_me(access=access)
    if swaps:
        first = swaps[0]
        yield Todo(
            "同事请你代班",
            reverse("service:desks") + "#swaps",
            count=len(swaps),
            detail=f"{first.signup.person.name}：{first.signup.activity.title}",
            urgency=SOON,
        )


DESK_ENTRIES: list[MenuEntry] = [
    MenuEntry("红帆驿站", "service:desks", "city", "组织生活", 60),
    MenuEntry("驿站值班统计", "service:desk_fill", "city", "组织生活", 61),
    MenuEntry("先锋岗示范岗", "service:posts", "city", "组织生活", 62),
    MenuEntry("先锋岗认定规则", "service:post_rules", "city", "组织生活", 63),
    MenuEntry("红帆驿站", "service:desks", "hospital", "组织生活", 60),
    MenuEntry("驿站值班统计", "service:desk_fill", "hospital", "组织生活", 61),
    MenuEntry("先锋岗示范岗", "service:posts", "hospital", "组织生活", 62),
    MenuEntry("红帆驿站", "service:desks", "branch", "组织生活", 60),
    MenuEntry("先锋岗示范岗", "service:posts", "branch", "组织生活", 62),
    MenuEntry("红帆驿站值班", "service:desks", "member", "我的", 60),
]
DESK_TASKS: list[TodoSource] = [
    TodoSource("service.desk_overdue", "hospital", _desk_overdue, order=60, badge=True),
    TodoSource("service.swaps_waiting", "member", _swaps_waiting, order=61, badge=True),
]


# --- 互联网+护理服务 -------------------------------------------------------------------------
NURSING_ENTRIES: list[MenuEntry] = []
NURSING_TASKS: list[TodoSource] = []


# --- dashboards ----------------------------------------------------------------------------
DASHBOARD_ENTRIES: list[MenuEntry] = []


ENTRIES = [
    *ACTIVITY_ENTRIES,
    *HOURS_ENTRIES,
    *DESK_ENTRIES,
    *NURSING_ENTRIES,
    *DASHBOARD_ENTRIES,
]
TABS = [*HOURS_TABS]
TASK_SOURCES = [*ACTIVITY_TASKS, *HOURS_TASKS, *DESK_TASKS, *NURSING_TASKS]
