"""service's menu entries and phone tab (collected by hongfan.core.nav) and its sources of
today's tasks (collected by hongfan.core.todos). One block per part of the app."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.urls import reverse

from hongfan.core.access import Access
from hongfan.core.nav import MenuEntry, TabEntry
from hongfan.core.todos import OVERDUE, SOON, Todo, TodoSource

# --- activities: brand, measures, places, planning, records -------------------------------
SERVICE_GROUP = "为民服务"

ACTIVITY_ENTRIES: list[MenuEntry] = [
    MenuEntry("服务品牌", "service:brand", "city", SERVICE_GROUP, 10),
    MenuEntry("志愿服务活动", "service:activities", "city", SERVICE_GROUP, 11),
    MenuEntry("服务地点", "service:places", "city", SERVICE_GROUP, 12),
    MenuEntry("服务品牌", "service:brand", "hospital", SERVICE_GROUP, 10),
    MenuEntry("志愿服务活动", "service:activities", "hospital", SERVICE_GROUP, 11),
    MenuEntry("组织活动", "service:activity_new", "hospital", SERVICE_GROUP, 12),
    MenuEntry("服务地点", "service:places", "hospital", SERVICE_GROUP, 13),
    MenuEntry("随访事项", "service:follow_ups", "hospital", SERVICE_GROUP, 14),
    MenuEntry("志愿服务活动", "service:activities", "branch", SERVICE_GROUP, 11),
    MenuEntry("组织活动", "service:activity_new", "branch", SERVICE_GROUP, 12),
    MenuEntry("服务地点", "service:places", "branch", SERVICE_GROUP, 13),
    MenuEntry("随访事项", "service:follow_ups", "branch", SERVICE_GROUP, 14),
    MenuEntry("服务品牌", "service:brand", "branch", SERVICE_GROUP, 10),
    MenuEntry(
        "服务品牌",
        "service:brand",
        "member",
        SERVICE_GROUP,
        30,
        when=lambda a: not (a.branch_ids or a.hospital_ids or a.is_city),
    ),
]


def follow_ups_due(access: Access, day: date) -> Iterable[Todo]:
    """Households of the user's home visits whose follow-up is due within three days or
    overdue (one task for all of them, linking to the follow-up list)."""
    from hongfan.service.selectors.record import follow_ups_due as due

    rows = list(due(access=access, today=day)[:200])
    if not rows:
        return
    first = rows[0].follow_up_due
    late = sum(1 for r in rows if r.follow_up_due and r.follow_up_due < day)
    yield Todo(
        title="送医上门待随访",
        url=reverse("service:follow_ups"),
        count=len(rows),
        due=first,
        detail=(f"已逾期{late}户 · " if late else "") + f"最早{first:%m月%d日}到期",
        urgency=OVERDUE if late else SOON,
        action="去随访",
    )


ACTIVITY_TASKS: list[TodoSource] = [
    TodoSource("service.follow_ups", "branch", follow_ups_due, order=20, badge=True),
    TodoSource("service.follow_ups_hospital", "hospital", follow_ups_due, order=20, badge=True),
]


# --- sign-up, check-in, hours, volunteer record ------------------------------------------
HOURS_ENTRIES: list[MenuEntry] = []
HOURS_TASKS: list[TodoSource] = []
HOURS_TABS: list[TabEntry] = []


# --- 红帆驿站 and model posts --------------------------------------------------------------
DESK_ENTRIES: list[MenuEntry] = []
DESK_TASKS: list[TodoSource] = []


# --- 互联网+护理服务 -------------------------------------------------------------------------
NURSING_ENTRIES: list[MenuEntry] = []
NURSING_TASKS: list[TodoSource] = []


# --- dashboards ----------------------------------------------------------------------------
DASHBOARD_ENTRIES: list[MenuEntry] = [
    MenuEntry("全市为民服务统计", "service:dashboard_city", "city", "为民服务", 1),
    MenuEntry("各院服务统计", "service:dashboard", "city", "为民服务", 2),
    MenuEntry("为民服务统计", "service:dashboard", "hospital", "为民服务", 1),
]


ENTRIES = [
    *ACTIVITY_ENTRIES,
    *HOURS_ENTRIES,
    *DESK_ENTRIES,
    *NURSING_ENTRIES,
    *DASHBOARD_ENTRIES,
]
TABS = [*HOURS_TABS]
TASK_SOURCES = [*ACTIVITY_TASKS, *HOURS_TASKS, *DESK_TASKS, *NURSING_TASKS]
