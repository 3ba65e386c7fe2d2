"""The audit trail in words: an audit event's detail (``audit_log(**detail)``) as Chinese
"label：value" lines for the auditor, without ``key=value``, internal ids or codes.

Every detail key written anywhere has a label here (a test reads every ``audit_log`` call
of the project and checks it). Keys that hold an internal id (``*_id``, ``entry``…) are
not shown; codes (``roster``, ``points_ranking``, ``wrong_old_password``) are shown by
their Chinese names; true/false as 是/否; lists joined with 、."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

# key → label. None: an internal id or a technical value, never shown.
LABELS: dict[str, str | None] = {
    "added": "新增",
    "branch": "支部",
    "cancelled": "已取消",
    "capped": "封顶",
    "change": "变更",
    "changed": "修改",
    "changes": "修改内容",
    "checkin_after_minutes": "开始后可签到（分钟）",
    "checkin_before_minutes": "开始前可签到（分钟）",
    "cleared": "清除",
    "closed": "已结束",
    "copied_rules": "复制的规则数",
    "count": "条数",
    "created": "新建",
    "decision": "决定",
    "deleted": "删除",
    "departments": "科室",
    "drawn": "抽取",
    "effective_from": "生效日期",
    "entry": None,
    "errors": "错误数",
    "exam": "考试",
    "excellent": "优秀",
    "exclude_complaints": "排除被投诉者",
    "expected": "应到",
    "failures": "失败次数",
    "fallback": "备用方式",
    "field": "字段",
    "fields": "字段",
    "file": "文件",
    "active": "在用",
    "corrects": None,
    "followed_up": "已随访",
    "from_person": None,
    "hours_entries": "时长记录数",
    "mark": "标记",
    "no_shows": "缺席人数",
    "moved": "时间或地点变更",
    "people_served": "服务人数",
    "published": "已发布",
    "result": "结果",
    "shifts": "班次数",
    "staff": "人数",
    "swap": None,
    "sha256": "校验值",
    "encrypted": "已加密",
    "chain_head": "审计链序号",
    "backup_created_at": "备份时间",
    "migrated": "已升级数据库",
    "filters": "筛选条件",
    "final": "最终",
    "from_branch": "原支部",
    "graded": "已评定",
    "holidays": "节假日",
    "hospital": "医院",
    "item": "学习资料",
    "kind": "内容",
    "library": None,
    "masked": "已脱敏",
    "method": "方式",
    "min_attendance_share": "最低出勤率",
    "min_count": "最少次数",
    "min_points": "最低积分",
    "minutes": "分钟",
    "notice_end": "公示结束",
    "notice_start": "公示开始",
    "notice_workdays": "公示工作日",
    "number": "编号",
    "outcome": "结果",
    "passed": "通过",
    "path": None,
    "period": "周期",
    "person_id": None,
    "photo": "照片",
    "points": "积分",
    "political_status": "政治面貌",
    "present": "实到",
    "q": "搜索",
    "quantity": "数量",
    "quarter": "季度",
    "questions": "题目数",
    "quorate": "达到法定人数",
    "quorum_of": "应到人数",
    "quota": "名额",
    "quota_mode": "名额方式",
    "reason": "原因",
    "removed": "移除",
    "required": "要求",
    "reversal": "冲正",
    "reverses": None,
    "role": "角色",
    "rows": "行数",
    "rule": "规则",
    "scope": "范围",
    "score": "得分",
    "seats": "委员数",
    "seconds": "秒",
    "sort": "排序",
    "source_before": "原来源",
    "stage": "阶段",
    "stars": "之星人数",
    "start": "起始日期",
    "status": "状态",
    "step": "步骤",
    "target": None,
    "to_branch": "转入支部",
    "topics_created": "新建主题数",
    "unlocked": "解锁",
    "updated": "更新",
    "version": "版本",
    "via": "途径",
    "wait_seconds": "等待秒数",
    "what": "内容",
    "window_minutes": "时间窗（分钟）",
    "workdays": "工作日",
    "year": "年度",
    "department": "科室",
    "approved": "批准",
    "chosen": "选定",
    "mobile": "手机号（脱敏）",
    "notification_preferences": "消息设置条数",
    "places": "名额",
    "purpose": "用途",
    "skipped": "跳过",
    "tied": "并列人选",
    "vote_closed": "结束投票",
    "vote_opened": "开始投票",
    "votes": "票数",
    "where": "位置",
    "document": "材料",
    "done_on": "办理日期",
    "late": "逾期办理",
    "months": "月数",
    "steps": "步骤",
}

# Codes written as values, by their Chinese names.
VALUES: dict[str, str] = {
    "introducers": "入党介绍人",
    "extension": "延长预备期",
    "development_step_rules": "发展党员步骤规则",
    "activist_notice": "入党积极分子公示",
    "candidate_notice": "发展对象公示",
    "volunteer_cover": "入党志愿书封面及基本信息",
    "roster": "人员名册",
    "questions": "题库",
    "points_ranking": "积分排名",
    "study_hours": "学习学时",
    "audit_trail": "安全审计日志",
    "data_changes": "数据变更记录",
    "compliance_matrix": "组织生活落实矩阵",
    "compliance_city": "全市组织生活落实情况",
    "at": "时间",
    "timestamp": "时间",
    "user": "用户",
    "actor": "操作人",
    "action": "操作",
    "hospital": "医院",
    "branch": "支部",
    "department": "科室",
    "birth_date": "出生日期",
    "gender": "性别",
    "political_status": "政治面貌",
    "post": "岗位/职称",
    "overdue": "逾期",
    "done": "已完成",
    "yearbook_docx": "年度组织生活记录（Word）",
    "roster_export": "导出名册",
    "roster_errors": "名册导入错误标注文件",
    "login": "短信登录",
    "reset": "找回密码",
    "activate": "激活账号",
    "created": "新建",
    "enabled": "启用",
    "disabled": "停用",
    "unlocked": "解锁",
    "left": "离开",
    "stopped": "终止",
    "transfer": "组织关系转接",
    "throttled": "请求过于频繁",
    "wrong_old_password": "原密码错误",
    "confirm": "确认",
    "draft": "草稿",
    "publish": "公示",
    "remove": "移除",
    "read": "阅读",
    "month": "月",
    "quarter": "季度",
    "year": "年",
    "active": "在职",
    "all": "全部",
    "members": "党员（含预备）",
    "id_number": "身份证号",
    "mobile": "手机号",
    "approved": "通过",
    "rejected": "驳回",
    "pending": "待审核",
    "rank": "名次",
    "name": "姓名",
    "points": "积分",
}


def _value(value: Any, key: str = "") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "、".join(t for t in (_value(v) for v in value) if t)
    if isinstance(value, dict):
        return "；".join(f"{label}：{text}" for label, text in describe(value))
    text = str(value)
    if key == "sort" and text:
        descending = text.startswith("-")
        column = VALUES.get(text.lstrip("-"), "")
        return f"按{column}{'降序' if descending else '升序'}" if column else "自定义"
    return VALUES.get(text, text)


# Keys that hold the id of a row when their value is a number (a name when it is text).
ID_VALUED = frozenset(
    {
        "branch",
        "department",
        "hospital",
        "from_branch",
        "to_branch",
        "item",
        "exam",
        "rule",
        "version",
        "role",
    }
)


def describe(detail: dict[str, Any] | None) -> list[tuple[str, str]]:
    """The detail as (label, text) pairs, in the order written; internal ids, empty values
    and keys without a label left out."""
    out: list[tuple[str, str]] = []
    for key, value in (detail or {}).items():
        label = LABELS.get(key)
        if label is None or key.endswith("_id") or key.endswith("_ids"):
            continue
        if key in ID_VALUED and isinstance(value, int) and not isinstance(value, bool):
            continue
        text = _value(value, key)
        if text:
            out.append((label, text))
    return out


def describe_text(detail: dict[str, Any] | None) -> str:
    """``describe`` on one line (the export's 详情 column)."""
    return "；".join(f"{label}：{text}" for label, text in describe(detail))


# django-auditlog's actions (it has no Chinese translation of its own)
CHANGE_ACTIONS = {0: "新增", 1: "修改", 2: "删除", 3: "查看"}


def change_action(entry: Any) -> str:
    """A django-auditlog entry's action in Chinese."""
    action = getattr(entry, "action", None)
    return CHANGE_ACTIONS.get(action, "其他") if isinstance(action, int) else "其他"


def describe_changes(model: Any, changes: dict[str, Any] | None) -> list[tuple[str, str]]:
    """A django-auditlog entry's changes (``{field: [old, new]}``) as (field's Chinese name,
    "old → new"); a choice by its label; a link to another row (an id) as 已修改; fields
    without a Chinese name (internal columns) left out."""
    out: list[tuple[str, str]] = []
    for name, pair in (changes or {}).items():
        try:
            field = model._meta.get_field(name) if model is not None else None
        except Exception:  # noqa: BLE001 - a field since removed
            field = None
        if field is None:
            continue
        label = str(getattr(field, "verbose_name", "") or "")
        if not label or label == name.replace("_", " ") or label.isascii():
            continue
        if getattr(field, "is_relation", False):
            out.append((label, "已修改"))
            continue
        old, new = (
            (list(pair) + [None, None])[:2] if isinstance(pair, list | tuple) else (None, pair)
        )
        choices = {str(k): str(v) for k, v in (getattr(field, "flatchoices", None) or [])}
        out.append((label, f"{_shown(old, choices)} → {_shown(new, choices)}"))
    return out


def _shown(value: Any, choices: dict[str, str]) -> str:
    """One side of a change: a choice by its label, true/false as 是/否, empty as （空）."""
    if value in (None, "", "None"):
        return "（空）"
    text = str(value)
    if text in choices:
        return choices[text]
    if text in ("True", "False"):
        return "是" if text == "True" else "否"
    return text[:60]
