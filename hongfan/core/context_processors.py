from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from hongfan.accounts.choices import Role
from hongfan.core.access import request_access


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu a user sees follows their roles; pages check access again themselves."""
    access = request_access(request)
    items: list[tuple[str, str]] = []
    if access.is_city:
        items.append(("全市医院", reverse("org:hospitals")))
        items.append(("组织规则", reverse("org:rules")))
        items.append(("积分排名", reverse("points:rankings") + "?scope=city"))
        items.append(("积分目录", reverse("points:rules") + "?scope=city"))
        items.append(("季度之星", reverse("points:stars")))
    if access.hospital_ids:
        hid = min(access.hospital_ids)
        items += [
            ("医院概况", reverse("org:hospital", args=[hid])),
            ("人员名册", reverse("org:people")),
            ("发展党员", reverse("org:development")),
            ("双培养", reverse("org:cultivation")),
            ("组织设置", reverse("org:structure", args=[hid])),
            ("积分排名", reverse("points:rankings")),
            ("积分审核", reverse("points:claim_review")),
            ("积分规则", reverse("points:rules")),
            ("季度之星", reverse("points:stars")),
            ("名册导入", reverse("org:roster_import")),
        ]
    elif access.branch_ids:
        bid = min(access.branch_ids)
        items += [
            ("本支部", reverse("org:branch", args=[bid])),
            ("人员名册", reverse("org:people")),
            ("发展党员", reverse("org:development")),
            ("积分排名", reverse("points:rankings")),
            ("积分审核", reverse("points:claim_review")),
            ("季度之星", reverse("points:stars")),
        ]
    if access.has(Role.MEMBER) and access.person_id:
        items.append(("我的积分", reverse("points:mine")))
        items.append(("申报积分", reverse("points:claim_new")))
        items.append(("我的申报", reverse("points:claims_mine")))
        if not (access.hospital_ids or access.branch_ids):
            items.append(("季度之星", reverse("points:stars")))
        items.append(("我的信息", reverse("org:person", args=[access.person_id])))
        if access.person_branch_id and not access.branch_ids:
            items.append(("我的支部", reverse("org:branch", args=[access.person_branch_id])))
    if access.has(Role.AUDITOR):
        items += [("审计日志", reverse("audit:trail")), ("数据变更", reverse("audit:changes"))]
    if access.has(Role.SECURITY_ADMIN):
        items += [
            ("角色授权", reverse("security:roles")),
            ("安全策略", reverse("security:policy")),
            ("账号解锁", reverse("security:unlock")),
        ]
    if access.has(Role.SYSTEM_ADMIN):
        items.append(("账号管理", reverse("system:users")))
    if access.user_id is not None:
        items.append(("工作日历", reverse("workdays:index")))
    role_labels = [Role(r).label for r in sorted(access.roles)]
    return {"nav_items": items, "nav_roles": role_labels}
