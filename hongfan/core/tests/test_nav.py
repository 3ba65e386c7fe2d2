"""The menu is collected from the apps' nav.py (hongfan.core.nav): what each role sees, in
the order they have always seen it, and an app adds entries without editing core."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from hongfan.core import nav
from hongfan.core.access import access_for
from hongfan.core.context_processors import navigation

MINE = ["我的组织生活", "我的学习", "答题", "我的积分", "申报积分", "我的申报", "我的信息"]
MY_SERVICE = ["志愿服务报名", "我的志愿服务", "红帆驿站值班"]
SERVICE_ADMIN = [
    "为民服务统计",
    "服务品牌",
    "志愿服务活动",
    "组织活动",
    "服务地点",
    "随访事项",
    "志愿服务时长",
    "红帆驿站",
    "驿站值班统计",
    "先锋岗示范岗",
    "上门护理",
]
ADMIN = [
    "医院概况",
    ("组织", ["人员名册", "发展党员", "双培养", "组织设置", "名册导入"]),
    ("组织生活", ["会议记录", "安排会议", "落实矩阵", "请假审批"]),
    ("学习", ["学习资料", "确认学习记录", "学时统计", "题库", "考试"]),
    ("积分", ["积分排名", "积分审核", "积分规则", "季度之星"]),
    ("为民服务", SERVICE_ADMIN),
    "工作日历",
    "消息",
]
EXPECTED: dict[str, list[Any]] = {
    "city": [
        "全市医院",
        "组织规则",
        ("组织生活", ["全市落实情况", "组织生活规则"]),
        ("学习", ["学时统计", "考试", "题库", "学时目标"]),
        ("积分", ["全市积分排名", "市级积分目录", "季度之星"]),
        (
            "为民服务",
            [
                "全市为民服务统计",
                "各院服务统计",
                "服务品牌",
                "志愿服务活动",
                "服务地点",
                "志愿服务时长",
                "红帆驿站",
                "驿站值班统计",
                "先锋岗示范岗",
                "先锋岗认定规则",
                "上门护理时限",
            ],
        ),
        "工作日历",
        "消息",
    ],
    "hosp": ADMIN,
    "hosp2": ADMIN,
    "sec": [
        "本支部",
        ("组织", ["人员名册", "发展党员"]),
        ("组织生活", ["会议记录", "安排会议", "落实日历", "民主评议", "请假审批"]),
        ("学习", ["学习资料", "确认学习记录", "学时统计", "考试"]),
        ("积分", ["积分排名", "积分审核", "季度之星"]),
        (
            "为民服务",
            [*SERVICE_ADMIN[1:6], "志愿服务时长", "红帆驿站", "先锋岗示范岗", *MY_SERVICE],
        ),
        ("我的", [*MINE, "账号安全"]),
        "消息",
    ],
    # The working-day calendar is the admins' (the city keeps it, hospitals read it).
    "member": [
        ("为民服务", [*MY_SERVICE, "服务品牌"]),
        ("我的", [*MINE, "我的支部", "账号安全", "季度之星"]),
        "消息",
    ],
    "audit": ["审计日志", "数据变更", "消息"],
    "security": ["角色授权", "安全策略", "账号解锁", "批量授权", "消息"],
    "sysadmin": ["账号管理", "按花名册开通", "消息"],
}


def labels(items: list[Any]) -> list[Any]:
    return [
        label if isinstance(target, str) else (label, [x[0] for x in target])
        for label, target in items
    ]


def context_for(user: Any) -> dict[str, Any]:
    request = RequestFactory().get("/")
    request.user = user
    return navigation(request)


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_sees_its_menu_in_its_order(role: str, users: dict[str, Any]):
    assert labels(context_for(users[role])["nav_items"]) == EXPECTED[role]


def test_menu_links_point_at_the_users_own_hospital_and_branch(users: dict[str, Any]):
    items = dict(context_for(users["sec"])["nav_items"])
    branch = min(access_for(users["sec"]).branch_ids)
    assert items["本支部"] == f"/org/branches/{branch}/"
    items = dict(context_for(users["hosp"])["nav_items"])
    assert items["医院概况"] == f"/org/hospitals/{min(access_for(users['hosp']).hospital_ids)}/"


def test_the_inbox_badge_is_counted_only_when_shown(users, django_assert_num_queries):
    ctx = context_for(users["member"])
    assert ctx["nav_inbox"] == "/notices/"
    with django_assert_num_queries(1):
        str(ctx["nav_unread"])
        bool(ctx["nav_unread"])


def test_a_new_app_adds_its_entries_without_editing_core(monkeypatch, users):
    monkeypatch.setattr(nav._registry, "entries", list(nav._registry.entries))
    nav.register(
        nav.MenuEntry("志愿服务", lambda a: "/service/", "member", "我的", 10),
        nav.MenuEntry("全市志愿服务", lambda a: "/service/city/", "city", nav.HEAD, 5),
    )
    member = dict(context_for(users["member"])["nav_items"])
    assert member["我的"][-1] == ("志愿服务", "/service/")
    assert labels(context_for(users["city"])["nav_items"])[:2] == ["全市医院", "全市志愿服务"]
    assert "全市志愿服务" not in str(context_for(users["hosp"])["nav_items"])


@pytest.mark.parametrize("kw", [{"audience": "everyone"}, {"audience": "member", "place": "菜单"}])
def test_an_entry_with_an_unknown_audience_or_place_is_refused(kw: dict[str, str]):
    with pytest.raises(ValueError):
        nav.MenuEntry("x", "home", **kw)


# --- the phone's bottom tab bar -----------------------------------------------------------------


def test_a_member_gets_five_tabs_and_the_one_of_the_page_is_lit(users):
    access = access_for(users["member"])
    bar = nav.tab_bar(access, "/study/items/3/")
    assert [t.label for t in bar] == ["首页", "学习", "服务", "积分", "我的"]
    assert [t.label for t in bar if t.active] == ["学习"]
    assert [t.label for t in nav.tab_bar(access, "/")] == ["首页", "学习", "服务", "积分", "我的"]
    assert [t.label for t in nav.tab_bar(access, "/service/volunteer/") if t.active] == ["服务"]
    assert [t.label for t in nav.tab_bar(access, "/") if t.active] == ["首页"]
    assert [t.label for t in nav.tab_bar(access, "/points/claims/mine/") if t.active] == ["积分"]
    assert not any(t.active for t in nav.tab_bar(access, "/notices/"))


@pytest.mark.parametrize("name", ["hosp", "hosp2", "city", "audit", "security", "sysadmin"])
def test_a_role_without_a_person_of_its_own_as_member_gets_no_tab_bar(users, name):
    assert nav.tab_bar(access_for(users[name]), "/") == []


def test_a_tab_of_an_unknown_audience_is_refused():
    with pytest.raises(ValueError, match="unknown audience"):
        nav.TabEntry("x", "home", "nobody")


# --- the per-process memo of the bar (issue 11 §2) ------------------------------------------------


def test_a_role_granted_shows_in_the_menu_on_the_next_request(users):
    from hongfan.core.roles import Role

    member = users["member"]
    again = type(member).objects.get  # the next request loads the user again
    assert "全市医院" not in str(context_for(member)["nav_items"])
    member.role_assignments.create(role=Role.CITY_ADMIN)
    assert "全市医院" in str(context_for(again(pk=member.pk))["nav_items"])
    member.role_assignments.filter(role=Role.CITY_ADMIN).delete()
    assert "全市医院" not in str(context_for(again(pk=member.pk))["nav_items"])


def test_changing_the_menu_a_page_got_does_not_change_the_next_one(users):
    first = context_for(users["sec"])["nav_items"]
    first.clear()
    assert labels(context_for(users["sec"])["nav_items"]) == EXPECTED["sec"]


# The loop base.html had before the bar was made in Python (nav.MenuHtml): the markup must
# stay the same, letter for letter.
OLD_LOOP = (
    '{% for label, target in nav_items %}{% if target|slice:":1" == "/" %}<li class="nav-item">'
    '<a class="nav-link text-nowrap{% if request.path == target %} active{% endif %}" '
    'href="{{ target }}">{{ label }}{% if target == nav_inbox and nav_unread %} <span class="'
    'badge rounded-pill text-bg-warning" title="未读消息">{{ nav_unread }}</span>{% endif %}'
    '</a></li>{% else %}<li class="nav-item dropdown"><a class="nav-link dropdown-toggle '
    'text-nowrap" href="#" role="button" data-bs-toggle="dropdown" aria-expanded="false">'
    '{{ label }}</a><ul class="dropdown-menu">{% for l, u in target %}<li><a class="dropdown-'
    'item{% if request.path == u %} active{% endif %}" href="{{ u }}">{{ l }}</a></li>'
    "{% endfor %}</ul></li>{% endif %}{% endfor %}"
)


@pytest.mark.parametrize("role", sorted(EXPECTED))
@pytest.mark.parametrize("unread", [0, 3, 120])
def test_the_bar_made_in_python_is_the_markup_of_the_old_template_loop(users, role, unread):
    from django.template import engines

    template = engines["django"].from_string(OLD_LOOP)
    items = nav.menu(access_for(users[role]))
    paths = ["/", "/nowhere/"] + [
        u
        for _, target in items
        for u in ([target] if isinstance(target, str) else [x[1] for x in target])
    ]
    for path in paths:
        request = RequestFactory().get(path)
        request.user = users[role]
        context = navigation(request)
        context["nav_unread"] = (
            nav.UnreadCount(users[role].pk, lambda _, n=unread: n)
            if context["nav_unread"]
            else None
        )
        context["nav_menu"].unread = context["nav_unread"]
        old = template.render({**context, "request": request})
        assert str(context["nav_menu"]) == old, (role, path)
