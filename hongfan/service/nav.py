"""service's menu entries and phone tab (collected by hongfan.core.nav) and its sources of
today's tasks (collected by hongfan.core.todos). One block per part of the app."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.nav import HEAD, MenuEntry, TabEntry
from hongfan.core.todos import NORMAL, OVERDUE, SOON, Todo, TodoSource
from hongfan.service.choices import SignupStatus
from hongfan.service.selectors.signup import pending_confirmation, signups_on

# The service app's to-dos show on the home page but do not count in the 待办 badge of every
# page (each badge source is a query on every page of its audience; issue 11 §2): what is
# urgent also arrives as a message. Only the nursing office's promise clock is a badge.

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
    TodoSource("service.follow_ups", "branch", follow_ups_due, order=20),
    TodoSource("service.follow_ups_hospital", "hospital", follow_ups_due, order=20),
]


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
    MenuEntry("志愿服务时长", "service:hours_table", "city", SERVICE_GROUP, 50),
    MenuEntry("志愿服务时长", "service:hours_table", "hospital", SERVICE_GROUP, 50),
    MenuEntry("志愿服务时长", "service:hours_table", "branch", SERVICE_GROUP, 50),
    MenuEntry("志愿服务报名", "service:volunteer", "member", SERVICE_GROUP, 1),
    MenuEntry("我的志愿服务", "service:my_record", "member", SERVICE_GROUP, 2),
]
HOURS_TASKS: list[TodoSource] = [
    TodoSource("service.signed_soon", "member", _signed_soon, order=4),
    TodoSource("service.hours_waiting", "hospital", _hours_waiting, order=25),
    TodoSource("service.hours_waiting_branch", "branch", _hours_waiting, order=25),
]
HOURS_TABS: list[TabEntry] = [
    TabEntry("服务", "service:volunteer", "member", 25, icon="service", match="/service/volunteer/")
]


# --- 红帆驿站 and model posts --------------------------------------------------------------


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
    MenuEntry("红帆驿站", "service:desks", "city", "为民服务", 60),
    MenuEntry("驿站值班统计", "service:desk_fill", "city", "为民服务", 61),
    MenuEntry("先锋岗示范岗", "service:posts", "city", "为民服务", 62),
    MenuEntry("先锋岗认定规则", "service:post_rules", "city", "为民服务", 63),
    MenuEntry("红帆驿站", "service:desks", "hospital", "为民服务", 60),
    MenuEntry("驿站值班统计", "service:desk_fill", "hospital", "为民服务", 61),
    MenuEntry("先锋岗示范岗", "service:posts", "hospital", "为民服务", 62),
    MenuEntry("红帆驿站", "service:desks", "branch", "为民服务", 60),
    MenuEntry("先锋岗示范岗", "service:posts", "branch", "为民服务", 62),
    MenuEntry("红帆驿站值班", "service:desks", "member", SERVICE_GROUP, 3),
]
DESK_TASKS: list[TodoSource] = [
    TodoSource("service.desk_overdue", "hospital", _desk_overdue, order=60),
    TodoSource("service.swaps_waiting", "member", _swaps_waiting, order=61),
]


# --- 互联网+护理服务 -------------------------------------------------------------------------
NURSING_ENTRIES: list[MenuEntry] = [
    MenuEntry("上门护理", "service:nursing_queue", "nursing", HEAD, 1),
    MenuEntry("服务项目", "service:nursing_services", "nursing", HEAD, 2),
    MenuEntry("上门护士", "service:nursing_nurses", "nursing", HEAD, 3),
    MenuEntry("时限统计", "service:nursing_promise", "nursing", HEAD, 4),
    MenuEntry("上门护理", "service:nursing_queue", "hospital", "为民服务", 70),
    MenuEntry("上门护理时限", "service:nursing_city", "city", "为民服务", 70),
    # A nurse reaches 上门护理任务 from the home page's to-do and from the message sent on
    # each assignment: a menu entry shown only to nurses would cost every member's every
    # page a query (issue 11 §2).
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
    # On the home page only (a badge would cost every member's every page a query).
    TodoSource("service.nursing_assigned", "member", nursing_assigned, order=6),
]


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
