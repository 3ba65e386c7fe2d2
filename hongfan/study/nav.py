"""study's menu entries and phone tab (collected by hongfan.core.nav) and its sources of
today's tasks (collected by hongfan.core.todos)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.urls import reverse
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.nav import MenuEntry, TabEntry
from hongfan.core.todos import NORMAL, OVERDUE, SOON, Todo, TodoSource
from hongfan.study.selectors.exams import exams_waiting
from hongfan.study.selectors.hours import behind_counts
from hongfan.study.selectors.items import required_undone

ENTRIES = [
    MenuEntry("学时统计", "study:hours", "city", "学习", 1),
    MenuEntry("考试", "study:exams", "city", "学习", 2),
    MenuEntry("题库", "study:questions", "city", "学习", 3),
    MenuEntry("学时目标", "study:rules", "city", "学习", 4),
    MenuEntry("学习资料", "study:items", "hospital", "学习", 1),
    MenuEntry("确认学习记录", "study:review", "hospital", "学习", 2),
    MenuEntry("学时统计", "study:hours", "hospital", "学习", 3),
    MenuEntry("题库", "study:questions", "hospital", "学习", 4),
    MenuEntry("考试", "study:exams", "hospital", "学习", 5),
    MenuEntry("学习资料", "study:items", "branch", "学习", 1),
    MenuEntry("确认学习记录", "study:review", "branch", "学习", 2),
    MenuEntry("学时统计", "study:hours", "branch", "学习", 3),
    MenuEntry("考试", "study:exams", "branch", "学习", 4),
    MenuEntry("我的学习", "study:mine", "member", "我的", 2),
    MenuEntry("答题", "study:exams", "member", "我的", 3),
]

TABS = [TabEntry("学习", "study:mine", "member", 20, icon="study", match="/study/")]

# A required item or an exam is "soon" when due within this many days.
SOON_DAYS = 7


def _urgency(due: date | None, day: date) -> str:
    if due is None:
        return NORMAL
    if due < day:
        return OVERDUE
    return SOON if (due - day).days <= SOON_DAYS else NORMAL


def required_study(access: Access, day: date) -> Iterable[Todo]:
    """The member's required items not finished: one task, the earliest due named."""
    items = required_undone(access=access)
    if not items:
        return
    first = items[0]
    url = reverse("study:item", args=[first.pk]) if len(items) == 1 else reverse("study:mine")
    yield Todo(
        f"必学：{first.title}" if len(items) == 1 else "必学资料待完成",
        url,
        count=len(items),
        due=first.due_on,
        detail="" if len(items) == 1 else f"最早到期：{first.title}",
        urgency=_urgency(first.due_on, day),
    )


def open_exams(access: Access, day: date) -> Iterable[Todo]:
    """Each open exam the member has not passed and may still attempt."""
    for w in exams_waiting(access=access, now=timezone.now()):
        due = timezone.localtime(w.exam.closes_at).date()
        left = w.exam.max_attempts - w.used
        yield Todo(
            f"考试：{w.exam.title}",
            reverse("study:exam", args=[w.exam.pk]),
            due=due,
            detail=f"合格线{w.exam.pass_mark}分，还可答题{left}次",
            urgency=_urgency(due, day),
            action="去答题",
        )


def behind(access: Access, day: date) -> Iterable[Todo]:
    """Members behind on study hours in the user's scope (per hospital for the city)."""
    rows = [r for r in behind_counts(access=access, year=day.year) if r.behind]
    total = sum(r.behind for r in rows)
    if not total:
        return
    url = reverse("study:hours")
    if access.is_city:
        shown = "、".join(f"{r.hospital} {r.behind}" for r in rows[:4])
        detail = shown + (f" 等{len(rows)}家" if len(rows) > 4 else "")
    else:
        members = sum(r.members for r in rows)
        detail = f"共{members}名党员，{total}名低于全年学时目标的进度"
        if not access.hospital_ids and rows[0].branch_id is not None:
            url += f"?branch={rows[0].branch_id}"
    yield Todo("学时进度落后的党员", url, count=total, detail=detail, urgency=NORMAL)


TASK_SOURCES = [
    TodoSource("study.required", "member", required_study, order=2),
    TodoSource("study.exams", "member", open_exams, order=3),
    TodoSource("study.behind", "branch", behind, order=20),
    TodoSource("study.behind_hospital", "hospital", behind, order=20),
    TodoSource("study.behind_city", "city", behind, order=20),
]
