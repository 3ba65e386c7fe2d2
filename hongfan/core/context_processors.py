from __future__ import annotations

from functools import cached_property
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from hongfan.core.access import request_access
from hongfan.core.dates import today
from hongfan.core.roles import Role

Link = tuple[str, str]
# A menu entry: a link, or a titled group of links shown as a dropdown.
Entry = tuple[str, str | list[Link]]


class UnreadCount:
    """The 消息 badge: counted once, and only when a page renders it (one query)."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id

    @cached_property
    def count(self) -> int:
        from hongfan.notices.selectors import unread_count

        return unread_count(user_id=self.user_id)

    def __bool__(self) -> bool:
        return self.count > 0

    def __str__(self) -> str:
        return "99+" if self.count > 99 else str(self.count)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu a user sees follows their roles; pages check access again themselves.
    Entries with many links are grouped (组织 / 积分 / 我的) so the bar fits a desktop and
    collapses cleanly on a phone."""
    access = request_access(request)
    nav: list[Entry] = []
    org: list[Link] = []
    points: list[Link] = []
    life: list[Link] = []  # 组织生活
    study: list[Link] = []  # 学习教育
    mine: list[Link] = []
    if access.is_city:
        life += [
            ("全市落实情况", reverse("orglife:city")),
            ("频次要求", reverse("orglife:requirements")),
        ]
        study += [
            ("学时统计", reverse("study:hours")),
            ("考试", reverse("study:exams")),
            ("题库", reverse("study:questions")),
            ("学时目标", reverse("study:rules")),
        ]
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
        life += [
            ("会议记录", reverse("orglife:meetings")),
            ("安排会议", reverse("orglife:meeting_new")),
            ("落实矩阵", reverse("orglife:matrix")),
        ]
        study += [
            ("学习资料", reverse("study:items")),
            ("确认学习记录", reverse("study:review")),
            ("学时统计", reverse("study:hours")),
            ("题库", reverse("study:questions")),
            ("考试", reverse("study:exams")),
        ]
    elif access.branch_ids:
        nav.append(("本支部", reverse("org:branch", args=[min(access.branch_ids)])))
        org += [("人员名册", reverse("org:people")), ("发展党员", reverse("org:development"))]
        points += [
            ("积分排名", reverse("points:rankings")),
            ("积分审核", reverse("points:claim_review")),
            ("季度之星", reverse("points:stars")),
        ]
        branch_id = min(access.branch_ids)
        life += [
            ("会议记录", reverse("orglife:meetings")),
            ("安排会议", reverse("orglife:meeting_new")),
            ("落实日历", reverse("orglife:calendar", args=[branch_id])),
            ("民主评议", reverse("orglife:appraisal", args=[branch_id, today().year])),
        ]
        study += [
            ("学习资料", reverse("study:items")),
            ("确认学习记录", reverse("study:review")),
            ("学时统计", reverse("study:hours")),
            ("考试", reverse("study:exams")),
        ]
    if access.has(Role.MEMBER) and access.person_id:
        mine += [
            ("我的组织生活", reverse("orglife:mine")),
            ("我的学习", reverse("study:mine")),
            ("答题", reverse("study:exams")),
            ("我的积分", reverse("points:mine")),
            ("申报积分", reverse("points:claim_new")),
            ("我的申报", reverse("points:claims_mine")),
            ("我的信息", reverse("org:person", args=[access.person_id])),
        ]
        if access.person_branch_id and not access.branch_ids:
            mine.append(("我的支部", reverse("org:branch", args=[access.person_branch_id])))
        if not (access.hospital_ids or access.branch_ids):
            mine.append(("季度之星", reverse("points:stars")))
    groups = (("组织", org), ("组织生活", life), ("学习", study), ("积分", points), ("我的", mine))
    for title, links in groups:
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
    inbox = reverse("notices:inbox")
    unread: UnreadCount | None = None
    if access.user_id is not None:
        nav.append(("工作日历", reverse("workdays:index")))
        nav.append(("消息", inbox))
        unread = UnreadCount(access.user_id)
    role_labels = [Role(r).label for r in sorted(access.roles)]
    return {"nav_items": nav, "nav_roles": role_labels, "nav_inbox": inbox, "nav_unread": unread}
