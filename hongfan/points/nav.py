"""points' menu entries (collected by hongfan.core.nav)."""

from __future__ import annotations

from django.urls import reverse

from hongfan.core.nav import MenuEntry

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
