"""orglife's menu entries (collected by hongfan.core.nav)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.urls import reverse
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.dates import today
from hongfan.core.nav import MenuEntry
from hongfan.core.todos import INFO, NORMAL, SOON, Todo, TodoSource
from hongfan.orglife.choices import LeaveStatus

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
    from hongfan.orglife.selectors.leave import leave_waiting

    waiting = list(leave_waiting(access=access)[:200])
    if not waiting:
        return
    first = timezone.localtime(waiting[0].meeting.starts_at)
    names = "、".join(dict.fromkeys(r.person.name for r in waiting[:3]))
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


LEAVE_TODOS = [
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
            detail=f"{a.branch.name} · 优秀不超过三分之一",
            due=date(a.year, 12, 31) if a.year == day.year else None,
            urgency=NORMAL,
            action="确定等次",
        )


APPRAISAL_TODOS = [
    TodoSource("orglife.appraisal_vote_open", "member", appraisal_vote_todos),
    TodoSource("orglife.appraisal_tally_ready", "branch", appraisal_tally_todos, badge=True),
]
