"""service's menu entries and phone tab (collected by hongfan.core.nav) and its sources of
today's tasks (collected by hongfan.core.todos). One block per part of the app."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.urls import reverse
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.nav import HEAD, TAIL, MenuEntry, TabEntry
from hongfan.core.todos import OVERDUE, SOON, Todo, TodoSource

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
def _is_home_nurse(access: Access) -> bool:
    from hongfan.service.selectors.nursing import is_home_nurse

    return access.person_id is not None and is_home_nurse(person_id=access.person_id)


NURSING_ENTRIES: list[MenuEntry] = [
    MenuEntry("上门护理", "service:nursing_queue", "nursing", HEAD, 1),
    MenuEntry("服务项目", "service:nursing_services", "nursing", HEAD, 2),
    MenuEntry("上门护士", "service:nursing_nurses", "nursing", HEAD, 3),
    MenuEntry("时限统计", "service:nursing_promise", "nursing", HEAD, 4),
    MenuEntry("上门护理", "service:nursing_queue", "hospital", TAIL, 40),
    MenuEntry("上门护理时限", "service:nursing_city", "city", TAIL, 40),
    MenuEntry("上门护理任务", "service:nursing_mine", "member", "我的", 40, when=_is_home_nurse),
]


def nursing_overdue(access: Access, day: date) -> Iterable[Todo]:
    """Open bookings past the promise, and new ones waiting for a first assessment, for
    the nursing office of each hospital it keeps."""
    from hongfan.service.selectors.nursing import office_waiting

    for w in office_waiting(access=access, now=timezone.now()):
        url = reverse("service:nursing_queue")
        if w.late:
            yield Todo(
                f"{w.late} 个上门护理预约已超过承诺时限",
                url,
                count=w.late,
                detail=f"承诺预约后{w.promise_hours}小时内上门",
                urgency=OVERDUE,
                action="去处理",
            )
        if w.new:
            yield Todo("上门护理预约待评估", url, count=w.new, urgency=SOON, action="去评估")


def nursing_assigned(access: Access, day: date) -> Iterable[Todo]:
    """The nurse's visits assigned and not yet recorded."""
    from hongfan.service.selectors.nursing import assigned_count

    n = assigned_count(access=access)
    if n:
        yield Todo("上门护理任务待上门", reverse("service:nursing_mine"), count=n, urgency=SOON)


NURSING_TASKS: list[TodoSource] = [
    TodoSource("service.nursing_overdue", "nursing", nursing_overdue, order=5, badge=True),
    TodoSource(
        "service.nursing_assigned",
        "member",
        nursing_assigned,
        order=6,
        badge=True,
        when=_is_home_nurse,
    ),
]


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
