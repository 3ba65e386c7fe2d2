"""orglife's menu entries (collected by hongfan.core.nav) and its sources of today's tasks
(collected by hongfan.core.todos)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.dates import today
from hongfan.core.nav import MenuEntry
from hongfan.core.todos import INFO, NORMAL, OVERDUE, SOON, Todo, TodoSource
from hongfan.orglife.choices import AttendanceStatus, Compliance
from hongfan.orglife.selectors.attendance import attendance_next, checkin_open
from hongfan.orglife.selectors.compliance import compliance_alerts, compliance_counts
from hongfan.orglife.selectors.meetings import meetings_to_record

ENTRIES = [
    MenuEntry("全市落实情况", "orglife:city", "city", "组织生活", 1),
    MenuEntry("组织生活规则", "orglife:requirements", "city", "组织生活", 2),
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


# --- today's tasks (collected by hongfan.core.todos) ---------------------------------------------


def _when(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def next_meeting(access: Access, day: date) -> Iterable[Todo]:
    """The member's next meeting, with the one-tap 签到 while its check-in window is open."""
    now = timezone.now()
    row = attendance_next(access=access, now=now)
    if row is None:
        return
    m = row.meeting
    where = f" · {m.place}" if m.place else (" · 线上" if m.online else "")
    detail = f"{m.get_kind_display()} · {_when(m.starts_at)}{where}"
    if row.status == AttendanceStatus.PRESENT:
        yield Todo(
            f"今天的会议：{m.topic}",
            reverse("orglife:meeting", args=[m.pk]),
            detail=f"{detail} · 已签到",
            urgency=INFO,
        )
        return
    if row.status == AttendanceStatus.LEAVE:
        yield Todo(
            f"会议：{m.topic}",
            reverse("orglife:meeting", args=[m.pk]),
            detail=f"{detail} · 已请假",
            urgency=INFO,
        )
        return
    if checkin_open(m, now):
        yield Todo(
            f"会议签到：{m.topic}",
            reverse("orglife:checkin", args=[m.pk, m.checkin_token]),
            detail=detail,
            urgency=SOON,
            action="签到",
            post=True,  # one tap checks in (the QR page's own POST), its page says how it went
        )
        return
    soon = (m.day - day).days <= 1
    yield Todo(
        f"会议：{m.topic}",
        reverse("orglife:meeting", args=[m.pk]),
        detail=detail,
        urgency=SOON if soon else NORMAL,
    )


def _per_hospital(rows: list[tuple[str, int]]) -> str:
    shown = [f"{name} {n}" for name, n in rows if n][:4]
    more = len([1 for _, n in rows if n]) - len(shown)
    return "、".join(shown) + (f" 等{len(shown) + more}家" if more > 0 else "")


def meetings_unrecorded(access: Access, day: date) -> Iterable[Todo]:
    """Meetings held but not yet recorded (补录会议记录), in the user's scope."""
    rows = meetings_to_record(access=access, now=timezone.now())
    total = sum(r.count for r in rows)
    if not total:
        return
    if total == 1 and rows[0].first_pk:
        url = reverse("orglife:meeting", args=[rows[0].first_pk])
    else:
        url = reverse("orglife:meetings") + "?status=planned"
    oldest = min(r.since for r in rows)
    late = (day - timezone.localdate(oldest)).days > 7
    detail = (
        _per_hospital([(r.hospital, r.count) for r in rows])
        if access.is_city
        else f"最早一次于{_when(oldest)}结束"
    )
    yield Todo(
        "会议已召开，待完成记录", url, count=total, detail=detail, urgency=OVERDUE if late else SOON
    )


def compliance_due(access: Access, day: date) -> Iterable[Todo]:
    """Requirements overdue, or due and ending within the month: a secretary's (named, to
    their calendar) or a hospital's (counted by branch, to the matrix)."""
    alerts = compliance_alerts(access=access, today=day)
    if not alerts:
        return
    overdue = [a for a in alerts if a.status == Compliance.OVERDUE]
    due = [a for a in alerts if a.status != Compliance.OVERDUE]
    if access.hospital_ids:
        url = reverse("orglife:matrix")

        def detail(found: list[Any]) -> str:
            return f"涉及{len({a.branch.pk for a in found})}个支部"
    else:
        url = reverse("orglife:calendar", args=[alerts[0].branch.pk])

        def detail(found: list[Any]) -> str:
            return "、".join(a.label for a in found[:3]) + ("等" if len(found) > 3 else "")

    if overdue:
        yield Todo(
            "组织生活已逾期", url, count=len(overdue), detail=detail(overdue), urgency=OVERDUE
        )
    if due:
        yield Todo(
            "组织生活即将到期",
            url,
            count=len(due),
            detail=detail(due),
            due=due[0].ends,
            urgency=SOON if (due[0].ends - day).days <= 10 else NORMAL,
        )


def compliance_city(access: Access, day: date) -> Iterable[Todo]:
    """For the city: the hospitals' branches with requirements overdue, per hospital."""
    rows = compliance_counts(access=access, year=day.year)
    overdue = sum(r.overdue for r in rows)
    if overdue:
        detail = _per_hospital([(r.hospital, r.branches_overdue) for r in rows]) + " 个支部"
        yield Todo(
            "组织生活逾期事项",
            reverse("orglife:city"),
            count=overdue,
            detail=detail,
            urgency=OVERDUE,
        )


TODOS = [
    TodoSource("orglife.next_meeting", "member", next_meeting, order=1),
    TodoSource("orglife.unrecorded", "branch", meetings_unrecorded, order=10),
    TodoSource("orglife.unrecorded_hospital", "hospital", meetings_unrecorded, order=10),
    TodoSource("orglife.unrecorded_city", "city", meetings_unrecorded, order=10),
    TodoSource("orglife.compliance", "branch", compliance_due, order=11),
    TodoSource("orglife.compliance_hospital", "hospital", compliance_due, order=11),
    TodoSource("orglife.compliance_city", "city", compliance_city, order=11),
]
