"""points' menu entries and phone tab (collected by hongfan.core.nav) and its sources of
today's tasks (collected by hongfan.core.todos)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from hongfan.core.access import Access
from hongfan.core.nav import MenuEntry, TabEntry
from hongfan.core.todos import INFO, NORMAL, Todo, TodoSource
from hongfan.points.selectors.claims import decided_since, pending_by_hospital, pending_counts

ENTRIES = [
    MenuEntry(
        "全市积分排名", lambda a: reverse("points:rankings") + "?scope=city", "city", "积分", 1
    ),
    MenuEntry("市级积分目录", lambda a: reverse("points:rules") + "?scope=city", "city", "积分", 2),
    MenuEntry("积分排名", "points:rankings", "hospital", "积分", 1),
    MenuEntry("积分审核", "points:claim_review", "hospital", "积分", 2),
    MenuEntry("积分规则", "points:rules", "hospital", "积分", 3),
    MenuEntry("积分排名", "points:rankings", "branch", "积分", 1),
    MenuEntry("积分审核", "points:claim_review", "branch", "积分", 2),
    MenuEntry("我的积分", "points:mine", "member", "我的", 4),
    MenuEntry("申报积分", "points:claim_new", "member", "我的", 5),
    MenuEntry("我的申报", "points:claims_mine", "member", "我的", 6),
]

TABS = [TabEntry("积分", "points:mine", "member", 30, icon="points", match="/points/")]

# How long a decided claim or appeal stays on the member's home page.
DECIDED_DAYS = 7


def waiting(access: Access, day: date) -> Iterable[Todo]:
    """Claims and appeals waiting for this secretary's or hospital admin's decision."""
    pending = pending_counts(access=access)
    if pending.claims:
        yield Todo("待审核的积分申报", reverse("points:claim_review"), count=pending.claims)
    if pending.appeals:
        yield Todo("待处理的积分申诉", reverse("points:appeal_review"), count=pending.appeals)


def waiting_in_city(access: Access, day: date) -> Iterable[Todo]:
    """For the city: what waits on the hospitals' reviewers, per hospital."""
    rows = pending_by_hospital(access=access)
    claims = sum(c for _, c, _ in rows)
    appeals = sum(a for _, _, a in rows)
    if claims or appeals:
        shown = "、".join(f"{name} {c + a}" for name, c, a in rows[:4])
        more = f" 等{len(rows)}家" if len(rows) > 4 else ""
        yield Todo(
            "各医院待审核的积分申报和申诉",
            reverse("org:hospitals"),
            count=claims + appeals,
            detail=f"申报{claims}件、申诉{appeals}件：{shown}{more}",
            urgency=INFO,
        )


def decided(access: Access, day: date) -> Iterable[Todo]:
    """The member's claims and appeals decided in the last week."""
    got = decided_since(access=access, since=timezone.now() - timedelta(days=DECIDED_DAYS))
    url = reverse("points:claims_mine")
    if got.claims:
        parts = [
            f"通过{got.approved}件" if got.approved else "",
            f"驳回{got.rejected}件" if got.rejected else "",
        ]
        yield Todo(
            "积分申报有了结果",
            url,
            count=got.claims,
            detail="，".join(p for p in parts if p),
            urgency=NORMAL,
        )
    if got.appeals:
        parts = [
            f"成立{got.upheld}件" if got.upheld else "",
            f"不成立{got.dismissed}件" if got.dismissed else "",
        ]
        yield Todo(
            "积分申诉有了结果",
            url,
            count=got.appeals,
            detail="，".join(p for p in parts if p),
            urgency=NORMAL,
        )


TASK_SOURCES = [
    TodoSource("points.waiting", "branch", waiting, order=5, badge=True),
    TodoSource("points.waiting_hospital", "hospital", waiting, order=5, badge=True),
    TodoSource("points.waiting_city", "city", waiting_in_city, order=5),
    TodoSource("points.decided", "member", decided, order=5),
]
