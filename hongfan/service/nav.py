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
