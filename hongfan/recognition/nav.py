"""recognition's menu entries (collected by hongfan.core.nav): 季度之星 sits in the 积分 group
where it always was."""

from __future__ import annotations

from hongfan.core.nav import MenuEntry

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
