"""The service app's choices, with their Chinese labels (docs/glossary.md)."""

from __future__ import annotations

from django.db import models


class ActivityKind(models.TextChoices):
    FREE_CLINIC = "free_clinic", "义诊"
    HOME_VISIT = "home_visit", "送医上门"
    HEALTH_PATROL = "health_patrol", "健康巡诊"
    HEALTH_TALK = "health_talk", "健康讲座"
    FESTIVAL = "festival", "节日活动"
    DESK_DUTY = "desk_duty", "红帆驿站值守"
    OTHER = "other", "其他"


# Kinds whose record counts people served by service, referrals and materials.
FIELD_KINDS = frozenset(
    {ActivityKind.FREE_CLINIC, ActivityKind.HEALTH_PATROL, ActivityKind.HEALTH_TALK}
)


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "报名中"
    CANCELLED = "cancelled", "已取消"
    CLOSED = "closed", "已结束"


class PlaceKind(models.TextChoices):
    VILLAGE = "village", "村"
    COMMUNITY = "community", "社区"
    SCHOOL = "school", "学校"
    WARD = "ward", "病区"
    INSTITUTION = "institution", "机关企业"
    OTHER = "other", "其他"


class SignupStatus(models.TextChoices):
    SIGNED = "signed", "已报名"
    WAITLISTED = "waitlisted", "候补"
    CANCELLED = "cancelled", "已取消"
    NO_SHOW = "no_show", "缺席"


# A sign-up that holds (or waits for) a place.
LIVE_SIGNUP = (SignupStatus.SIGNED, SignupStatus.WAITLISTED)


class CheckInMethod(models.TextChoices):
    QR = "qr", "扫码签到"
    LEAD = "lead", "带队人签到"


class HourKind(models.TextChoices):
    SERVICE = "service", "服务时长"
    TRAINING = "training", "培训时长"


class ServedKind(models.TextChoices):
    BLOOD_PRESSURE = "blood_pressure", "测血压"
    GLUCOSE = "glucose", "测血糖"
    ECG = "ecg", "心电图"
    CONSULTATION = "consultation", "健康咨询"
    HEALTH_EDUCATION = "health_education", "健康宣教"
    PHYSICAL_EXAM = "physical_exam", "查体"
    MEDICINE = "medicine", "送药"
    OTHER = "other", "其他"


class SwapStatus(models.TextChoices):
    REQUESTED = "requested", "待对方确认"
    ACCEPTED = "accepted", "已换班"
    DECLINED = "declined", "已拒绝"
    WITHDRAWN = "withdrawn", "已撤回"


class HelpKind(models.TextChoices):
    GUIDANCE = "guidance", "导诊指引"
    ACCOMPANY = "accompany", "陪诊陪检"
    PRINTING = "printing", "打印复印"
    CHARGING = "charging", "手机充电"
    COMPLAINT = "complaint", "意见投诉受理"
    CONSULTATION = "consultation", "健康咨询"
    OTHER = "other", "其他"


class ItemKind(models.TextChoices):
    WHEELCHAIR = "wheelchair", "轮椅"
    UMBRELLA = "umbrella", "雨伞"
    CHARGER = "charger", "充电宝"
    GLASSES = "glasses", "老花镜"
    STRETCHER = "stretcher", "平车"
    OTHER = "other", "其他"


class LoanStatus(models.TextChoices):
    LENT = "lent", "借出中"
    RETURNED = "returned", "已归还"
    LOST = "lost", "遗失"


class PostKind(models.TextChoices):
    PIONEER = "pioneer", "党员先锋岗"
    MODEL = "model", "党员示范岗"


class PostReviewResult(models.TextChoices):
    PASSED = "passed", "合格"
    IMPROVE = "improve", "限期整改"
    REVOKED = "revoked", "撤销"


class NursingCategory(models.TextChoices):
    BASIC = "basic", "基础护理"
    TUBE = "tube", "管道护理"
    REHAB = "rehab", "康复护理"
    WOUND = "wound", "伤口造口护理"
    MATERNAL = "maternal", "母婴护理"
    TCM = "tcm", "中医护理"
    OTHER = "other", "其他"


class PatientKind(models.TextChoices):
    ELDERLY = "elderly", "高龄或失能老人"
    DISABLED = "disabled", "残疾人"
    RECOVERING = "recovering", "康复期患者"
    TERMINAL = "terminal", "终末期患者"
    MATERNAL = "maternal", "孕产妇及婴幼儿"
    OTHER = "other", "其他行动不便者"


class NursingStatus(models.TextChoices):
    BOOKED = "booked", "待评估"
    ACCEPTED = "accepted", "待派单"
    REFUSED = "refused", "未受理"
    ASSIGNED = "assigned", "已派单"
    VISITED = "visited", "已上门"
    CLOSED = "closed", "已办结"
    CANCELLED = "cancelled", "已取消"


OPEN_NURSING = (NursingStatus.BOOKED, NursingStatus.ACCEPTED, NursingStatus.ASSIGNED)


class RiskLevel(models.TextChoices):
    LOW = "low", "低风险"
    MEDIUM = "medium", "中风险"
    HIGH = "high", "高风险"


class NurseTitle(models.IntegerChoices):
    """Nursing titles in rank order: a rule's minimum compares by value."""

    NURSE = 1, "护士"
    SENIOR_NURSE = 2, "护师"
    SUPERVISOR = 3, "主管护师"
    ASSOCIATE_CHIEF = 4, "副主任护师"
    CHIEF = 5, "主任护师"
