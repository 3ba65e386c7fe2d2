from django.db import models


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "休息日"
    WORKDAY = "workday", "调休上班日"


class DaySource(models.TextChoices):
    SEEDED = "seeded", "内置数据"
    ADMIN = "admin", "管理员录入"


class YearSource(models.TextChoices):
    LIBRARY = "library", "系统内置"
    ADMIN = "admin", "管理员录入"
