from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from hongfan.accounts.choices import Role
from hongfan.core.access import request_access

Link = tuple[str, str]
# A menu entry: a link, or a titled group of links shown as a dropdown.
Entry = tuple[str, str | list[Link]]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu a user sees follows their roles; pages check access again themselves.
    Entries with many links are grouped (组织 / 积分 / 我的) so the bar fits a desktop and
    collapses cleanly on a phone."""
    access = request_access(request)
    nav: list[Entry] = []
    org: list[Link] = []
    points: list[Link] = []
    mine: list[Link] = []
    if access.is_city:
        nav.append(("全市医院", reverse("org:hospitals")))
        org.append(("组织规则", reverse("org:rules")))
        points += [
            ("全市积分排名", reverse("points:rankings") + "?scope=city"),
            ("市级积分目录", reverse("points:rules") + "?scope=city"),
            ("季度之星", reverse("points:stars")),
        ]
    if access.hospital_ids:
        hid = min(access.hospital_ids)
        nav.append(("医院概况", reverse("org:hospital", args=[hid])))
        org += [
            ("人员名册", reverse("org:people")),
            ("发展党员", reverse("org:development")),
            ("双培养", reverse("org:cultivation")),
            ("组织设置", reverse("org:structure", args=[hid])),
            ("名册导入", reverse("org:roster_import")),
        ]
        points += [
            ("积分排名", reverse("points:rankings")),
            ("积分审核", reverse("points:claim_review")),
            ("积分规则", reverse("points:rules")),
            ("季度之星", reverse("points:stars")),
        ]
    elif access.branch_ids:
        nav.append(("本支部", reverse("org:branch", args=[min(access.branch_ids)])))
        org += [("人员名册", reverse("org:people")), ("发展党员", reverse("org:development"))]
        points += [
            ("积分排名", reverse("points:rankings")),
            ("积分审核", reverse("points:claim_review")),
            ("季度之星", reverse("points:stars")),
        ]
    if access.has(Role.MEMBER) and access.person_id:
        mine += [
            ("我的积分", reverse("points:mine")),
            ("申报积分", reverse("points:claim_new")),
            ("我的申报", reverse("points:claims_mine")),
            ("我的信息", reverse("org:person", args=[access.person_id])),
        ]
        if access.person_branch_id and not access.branch_ids:
            mine.append(("我的支部", reverse("org:branch", args=[access.person_branch_id])))
        if not (access.hospital_ids or access.branch_ids):
            mine.append(("季度之星", reverse("points:stars")))
    for title, links in (("组织", org), ("积分", points), ("我的", mine)):
        if len(links) == 1:
            nav.append(links[0])
        elif links:
            nav.append((title, links))
    if access.has(Role.AUDITOR):
        nav += [("审计日志", reverse("audit:trail")), ("数据变更", reverse("audit:changes"))]
    if access.has(Role.SECURITY_ADMIN):
        nav += [
            ("角色授权", reverse("security:roles")),
            ("安全策略", reverse("security:policy")),
            ("账号解锁", reverse("security:unlock")),
        ]
    if access.has(Role.SYSTEM_ADMIN):
        nav.append(("账号管理", reverse("system:users")))
    if access.user_id is not None:
        nav.append(("工作日历", reverse("workdays:index")))
    role_labels = [Role(r).label for r in sorted(access.roles)]
    return {"nav_items": nav, "nav_roles": role_labels}
