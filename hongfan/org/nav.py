"""org's menu entries and the phone tabs 首页 and 我的 (collected by hongfan.core.nav)."""

from __future__ import annotations

from django.urls import reverse

from hongfan.core.nav import MenuEntry, TabEntry

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
