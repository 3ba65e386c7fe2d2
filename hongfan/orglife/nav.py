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
from hongfan.orglife.choices import AttendanceStatus, Compliance, LeaveStatus
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


# --- 请假 (issue 10): the menu entry and the to-do sources (collected by hongfan.core.todos) ---

LEAVE_ENTRIES = [
    MenuEntry("请假审批", "orglife:leave_list", "hospital", "组织生活", 5),
    MenuEntry("请假审批", "orglife:leave_list", "branch", "组织生活", 5),
]


def leave_waiting_todos(access: Access, day: date) -> Iterable[Todo]:
    """Leave requests waiting for the secretary's answer, one task for all of them, due on
    the day of the soonest meeting."""
    from hongfan.orglife.selectors.leave import leave_waiting_brief

    waiting = leave_waiting_brief(access=access)
    if not waiting:
        return
    first = timezone.localtime(waiting[0][0])
    names = "、".join(dict.fromkeys(name for _, name in waiting[:3]))
    yield Todo(
        title="待审批的请假申请",
        url=reverse("orglife:leave_list"),
        count=len(waiting),
        due=first.date(),
        detail=f"{names}{'等' if len(waiting) > 3 else ''} · 最近的会议{first:%m月%d日 %H:%M}",
        urgency=SOON if (first.date() - day).days <= 1 else NORMAL,
        action="审批",
    )


def leave_answered_todos(access: Access, day: date) -> Iterable[Todo]:
    """A member's leave requests answered lately, for meetings still ahead."""
    from hongfan.orglife.selectors.leave import leave_answered_for_member

    for r in leave_answered_for_member(access=access, now=timezone.now()):
        start = timezone.localtime(r.meeting.starts_at)
        approved = r.status == LeaveStatus.APPROVED
        yield Todo(
            title=f"请假{'已批准' if approved else '未获批准'}：{r.meeting.topic}",
            url=reverse("orglife:meeting", args=[r.meeting_id]),
            due=start.date(),
            detail=(f"书记意见：{r.note} · " if r.note else "")
            + ("" if approved else "请按时参加 · ")
            + f"{start:%m月%d日 %H:%M}",
            urgency=INFO if approved else NORMAL,
        )


LEAVE_TASKS = [
    TodoSource("orglife.leave_waiting", "branch", leave_waiting_todos, badge=True),
    TodoSource("orglife.leave_answered", "member", leave_answered_todos),
]


# --- 民主评议 online (issue 10): the vote open for a member, the tally ready for the secretary


def appraisal_vote_todos(access: Access, day: date) -> Iterable[Todo]:
    from hongfan.orglife.selectors.appraisal import appraisals_voting_for_member

    for a, ballot in appraisals_voting_for_member(access=access):
        left = sum(1 for line in ballot.lines if not line.my_grade)
        if not left and ballot.my_text:
            continue
        parts = [] if ballot.my_text else ["自我评价未填写"]
        if left:
            parts.append(f"还有{left}名党员待评价")
        yield Todo(
            title=f"{a.year}年民主评议：请参加测评",
            url=reverse("orglife:appraisal_vote", args=[a.pk]),
            count=max(left, 1),
            detail="，".join(parts) + " · 不记名",
            urgency=NORMAL,
            action="去评议",
        )


def appraisal_tally_todos(access: Access, day: date) -> Iterable[Todo]:
    from hongfan.orglife.selectors.appraisal import appraisals_tally_ready

    for a in appraisals_tally_ready(access=access):
        yield Todo(
            title=f"{a.year}年民主测评结果已出，待确定等次",
            url=reverse("orglife:appraisal", args=[a.branch_id, a.year]),
            detail=f"{a.branch.name} · 优秀按规定比例确定",
            due=date(a.year, 12, 31) if a.year == day.year else None,
            urgency=NORMAL,
            action="确定等次",
        )


APPRAISAL_TASKS = [
    TodoSource("orglife.appraisal_vote_open", "member", appraisal_vote_todos),
    TodoSource("orglife.appraisal_tally_ready", "branch", appraisal_tally_todos, badge=True),
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
    if checkin_open(m, now) and not m.online:
        # In the room, presence is proved by scanning the QR code shown there: the home page
        # never carries the check-in token (it would let a member check in from anywhere).
        yield Todo(
            f"会议签到：{m.topic}",
            reverse("orglife:meeting", args=[m.pk]),
            detail=f"{detail} · 请用微信“扫一扫”扫描会场二维码签到",
            urgency=SOON,
        )
        return
    if checkin_open(m, now):
        yield Todo(
            f"会议签到：{m.topic}",
            reverse("orglife:checkin", args=[m.pk, m.checkin_token]),
            detail=detail,
            urgency=SOON,
            action="签到",
            post=True,  # an online meeting: one tap checks in (the QR page's own POST)
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


TASK_SOURCES = [
    TodoSource("orglife.next_meeting", "member", next_meeting, order=1),
    TodoSource("orglife.unrecorded", "branch", meetings_unrecorded, order=10),
    TodoSource("orglife.unrecorded_hospital", "hospital", meetings_unrecorded, order=10),
    TodoSource("orglife.unrecorded_city", "city", meetings_unrecorded, order=10),
    TodoSource("orglife.compliance", "branch", compliance_due, order=11),
    TodoSource("orglife.compliance_hospital", "hospital", compliance_due, order=11),
    TodoSource("orglife.compliance_city", "city", compliance_city, order=11),
]
