from django.db import models


class RuleCategory(models.TextChoices):
    ORG_LIFE = "org_life", "组织生活"
    STUDY = "study", "学习"
    VOLUNTEER = "volunteer", "志愿服务"
    POST = "post", "岗位建功"
    PUBLIC = "public", "群众评价"
    DEDUCTION = "deduction", "扣分"
    OTHER = "other", "其他"


class EntryKind(models.TextChoices):
    AWARD = "award", "加分"
    DEDUCTION = "deduction", "扣分"
    REVERSAL = "reversal", "冲正"


class Period(models.TextChoices):
    DAY = "day", "日"
    MONTH = "month", "月"
    QUARTER = "quarter", "季度"
    YEAR = "year", "年"
