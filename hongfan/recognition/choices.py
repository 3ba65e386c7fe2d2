"""Choices of recognition: TextChoices with Chinese labels (names from docs/glossary.md)."""

from django.db import models


class StarStatus(models.TextChoices):
    DRAFT = "draft", "草拟"
    NOTICE = "notice", "公示中"
    CONFIRMED = "confirmed", "已确认"


class QuotaMode(models.TextChoices):
    PER_BRANCH = "per_branch", "每个支部名额"
    HOSPITAL_TOTAL = "hospital_total", "全院总名额"
