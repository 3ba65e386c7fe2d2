"""service's menu entries and phone tab (collected by hongfan.core.nav) and its sources of
today's tasks (collected by hongfan.core.todos). One block per part of the app."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.nav import TAIL, MenuEntry, TabEntry
from hongfan.core.todos import NORMAL, OVERDUE, SOON, Todo, TodoSource
from hongfan.service.choices import SignupStatus
from hongfan.service.selectors.signup import pending_confirmation, signups_on

# --- activities: brand, measures, places, planning, records -------------------------------
ACTIVITY_ENTRIES: list[MenuEntry] = []
ACTIVITY_TASKS: list[TodoSource] = []


# --- sign-up, check-in, hours, volunteer record ------------------------------------------
def _signed_soon(access: Access, day: date) -> Iterable[Todo]:
    """The member's volunteer shifts today and tomorrow."""
    for s in signups_on(access=access, days=(day, day + timedelta(days=1))):
        start = timezone.localtime(s.shift.starts_at)
        when = "今天" if start.date() == day else "明天"
        waiting = s.status == SignupStatus.WAITLISTED
        yield Todo(
            f"志愿服务：{s.activity.title}",
            reverse("service:volunteer"),
            due=start.date(),
            detail=f"{when} {start:%H:%M}"
            + (f" · {s.shift.label}" if s.shift.label else "")
            + (" · 候补中" if waiting else ""),
            urgency=SOON,
        )


def _hours_waiting(access: Access, day: date) -> Iterable[Todo]:
    """Activities the organiser ran whose hours wait to be confirmed."""
    rows = list(pending_confirmation(access=access)[:50])
    if not rows:
        return
    first = rows[0]
    one = len(rows) == 1
    yield Todo(
        f"确认志愿服务时长：{first.title}" if one else "志愿服务时长待确认",
        reverse("service:confirm", args=[first.pk]) if one else reverse("service:hours_pending"),
        count=len(rows),
        detail=f"{len(rows)}项活动已结束，待确认参加人员的服务时长" if not one else "",
        urgency=OVERDUE if (day - timezone.localtime(first.ends_at).date()).days > 7 else NORMAL,
        action="去确认",
    )


HOURS_ENTRIES: list[MenuEntry] = [
    # One entry per admin audience (the table links to the hours waiting and the rule).
    MenuEntry("志愿服务时长", "service:hours_table", "city", TAIL, 50),
    MenuEntry("志愿服务时长", "service:hours_table", "hospital", TAIL, 50),
    MenuEntry("志愿服务时长", "service:hours_table", "branch", TAIL, 50),
    MenuEntry("志愿服务报名", "service:volunteer", "member", "我的", 6),
    MenuEntry("我的志愿服务", "service:my_record", "member", "我的", 6),
]
HOURS_TASKS: list[TodoSource] = [
    TodoSource("service.signed_soon", "member", _signed_soon, order=4),
    TodoSource("service.hours_waiting", "hospital", _hours_waiting, order=25, badge=True),
    TodoSource("service.hours_waiting_branch", "branch", _hours_waiting, order=25, badge=True),
]
HOURS_TABS: list[TabEntry] = [
    TabEntry("服务", "service:volunteer", "member", 25, icon="service", match="/service/volunteer/")
]


# --- 红帆驿站 and model posts --------------------------------------------------------------
DESK_ENTRIES: list[MenuEntry] = []
DESK_TASKS: list[TodoSource] = []


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
