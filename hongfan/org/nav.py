"""org's menu entries, the phone tabs 首页 and 我的 (collected by hongfan.core.nav) and
its task sources (core.todos)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.urls import reverse

from hongfan.core.access import Access
from hongfan.core.nav import MenuEntry, TabEntry
from hongfan.core.todos import OVERDUE, SOON, Todo, TodoSource

ENTRIES = [
    MenuEntry("全市医院", "org:hospitals", "city"),
    MenuEntry("组织规则", "org:rules", "city", "组织"),
    MenuEntry(
        "医院概况", lambda a: reverse("org:hospital", args=[min(a.hospital_ids)]), "hospital"
    ),
    MenuEntry("人员名册", "org:people", "hospital", "组织", 1),
    MenuEntry("发展党员", "org:development", "hospital", "组织", 2),
    MenuEntry("双培养", "org:cultivation", "hospital", "组织", 3),
    MenuEntry(
        "组织设置",
        lambda a: reverse("org:structure", args=[min(a.hospital_ids)]),
        "hospital",
        "组织",
        4,
    ),
    MenuEntry("名册导入", "org:roster_import", "hospital", "组织", 5),
    MenuEntry("本支部", lambda a: reverse("org:branch", args=[min(a.branch_ids)]), "branch"),
    MenuEntry("人员名册", "org:people", "branch", "组织", 1),
    MenuEntry("发展党员", "org:development", "branch", "组织", 2),
    MenuEntry("我的信息", lambda a: reverse("org:person", args=[a.person_id]), "member", "我的", 7),
    MenuEntry(
        "我的支部",
        lambda a: reverse("org:branch", args=[a.person_branch_id]),
        "member",
        "我的",
        8,
        when=lambda a: bool(a.person_branch_id) and not a.branch_ids,
    ),
]


def development_steps_due(access: Access, today: date) -> Iterator[Todo]:
    """发展党员 steps due within 14 days or overdue: a secretary's branches, an admin's
    hospital; one task for the overdue, one for those coming due, each with its count."""
    from hongfan.org.selectors.development import development_steps_due as due_steps

    due = due_steps(access=access, day=today)
    overdue = [d for d in due if d.plan.overdue]
    soon = [d for d in due if not d.plan.overdue]
    for rows, title, urgency in (
        (overdue, "发展党员步骤已逾期", OVERDUE),
        (soon, "发展党员步骤即将到期", SOON),
    ):
        if not rows:
            continue
        first = rows[0]
        url = (
            reverse("org:development_edit", args=[first.development.pk])
            if len({r.development.pk for r in rows}) == 1
            else reverse("org:development") + f"?hospital={first.development.hospital_id}"
        )
        shown = "；".join(
            f"{r.development.person.name}·{r.plan.rule.label}（{r.plan.latest:%m月%d日}）"
            for r in rows[:3]
        )
        yield Todo(
            title=title,
            url=url,
            count=len(rows),
            due=first.plan.latest,
            detail=shown + ("等" if len(rows) > 3 else ""),
            urgency=urgency,
            action="去登记" if len(rows) == 1 else "",
        )


# On the home page, not in the 待办 badge of every page (the badge counts what others wait
# on; a step coming due is the secretary's own calendar, and reading it costs a few queries).
TASK_SOURCES = [
    TodoSource("org.development_steps", "branch", development_steps_due),
    TodoSource("org.development_steps_hospital", "hospital", development_steps_due),
]

TABS = [
    TabEntry("首页", "home", "member", 10, icon="home"),
    TabEntry(
        "我的",
        lambda a: reverse("org:person", args=[a.person_id]),
        "member",
        40,
        icon="me",
        match="/org/people/",
    ),
]
