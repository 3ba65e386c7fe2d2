from django.db import models


class MeetingKind(models.TextChoices):
    """三会一课 and the other kinds of organisational life (GLOSSARY.md)."""

    GENERAL = "general_meeting", "支部党员大会"
    COMMITTEE = "committee_meeting", "支委会"
    GROUP = "group_meeting", "党小组会"
    LECTURE = "party_lecture", "党课"
    THEME_DAY = "theme_day", "主题党日"
    LIFE = "life_meeting", "组织生活会"
    APPRAISAL = "appraisal", "民主评议党员"
    TALK = "talk", "谈心谈话"
    GROUP_STUDY = "group_study", "集中学习"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "已安排"
    HELD = "held", "已召开"
    CANCELLED = "cancelled", "已取消"


class AttendanceStatus(models.TextChoices):
    EXPECTED = "expected", "未签到"
    PRESENT = "present", "出席"
    LEAVE = "leave", "请假"
    ABSENT = "absent", "缺席"


class LeaveStatus(models.TextChoices):
    """A leave request (请假申请) and its answer."""

    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "未批准"


class CheckinMethod(models.TextChoices):
    QR = "qr", "扫码签到"
    ROSTER = "roster", "书记登记"


class RequirementPeriod(models.TextChoices):
    MONTH = "month", "每月"
    QUARTER = "quarter", "每季度"
    YEAR = "year", "每年"


class QuorumOf(models.TextChoices):
    """Whether a kind of meeting needs a quorum, and of whom."""

    NONE = "none", "不计法定人数"
    VOTERS = "voters", "有表决权的人员过半（支部会议为正式党员，支委会为全体支委）"
    ROSTER = "roster", "全体应到人员过半"


class Compliance(models.TextChoices):
    """A cell of the compliance calendar."""

    DONE = "done", "已完成"
    DUE = "due", "待开展"
    OVERDUE = "overdue", "已逾期"
    UPCOMING = "upcoming", "未到期"
    NOT_APPLICABLE = "na", "不适用"


class Grade(models.TextChoices):
    """民主评议党员 grades."""

    EXCELLENT = "excellent", "优秀"
    QUALIFIED = "qualified", "合格"
    BASIC = "basic", "基本合格"
    UNQUALIFIED = "unqualified", "不合格"


class AppraisalStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    FINAL = "final", "已确定"
