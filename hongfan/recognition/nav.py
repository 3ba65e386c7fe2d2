"""recognition's menu entries (collected by hongfan.core.nav): 季度之星 sits in the 积分 group
where it always was; and its source of today's tasks (collected by hongfan.core.todos)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.urls import reverse

from hongfan.core.access import Access
from hongfan.core.nav import MenuEntry
from hongfan.core.todos import NORMAL, Todo, TodoSource
from hongfan.recognition.selectors.stars import star_notices_open

ENTRIES = [
    MenuEntry("季度之星", "recognition:stars", "city", "积分", 3),
    MenuEntry("季度之星", "recognition:stars", "hospital", "积分", 4),
    MenuEntry("季度之星", "recognition:stars", "branch", "积分", 3),
    MenuEntry(
        "季度之星",
        "recognition:stars",
        "member",
        "我的",
        9,
        when=lambda a: not (a.hospital_ids or a.branch_ids),
    ),
]


def star_notice(access: Access, day: date) -> Iterable[Todo]:
    """The 季度之星 of the member's hospital in public notice: they may read it and object."""
    for s in star_notices_open(access=access, today=day):
        yield Todo(
            f"{s.year}年第{s.quarter}季度之星公示中",
            reverse("recognition:star_detail", args=[s.pk]),
            due=s.notice_end,
            detail="公示期内可查看名单，有异议可向医院党委反映",
            urgency=NORMAL,
        )


TASK_SOURCES = [TodoSource("recognition.star_notice", "member", star_notice, order=30)]
