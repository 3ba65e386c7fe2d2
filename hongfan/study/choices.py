from django.db import models


class ItemKind(models.TextChoices):
    ARTICLE = "article", "文章"
    VIDEO = "video", "视频"
    DOCUMENT = "document", "文档"


class LogMethod(models.TextChoices):
    """How a self-study entry came about."""

    SELF = "self", "本人登记"
    READ = "read", "读完全文"
    WATCH = "watch", "看完视频"


class LogStatus(models.TextChoices):
    PENDING = "pending", "待确认"
    CONFIRMED = "confirmed", "已确认"
    REJECTED = "rejected", "未通过"


class QuestionKind(models.TextChoices):
    SINGLE = "single", "单选题"
    MULTIPLE = "multiple", "多选题"
    JUDGE = "judge", "判断题"


class Difficulty(models.IntegerChoices):
    EASY = 1, "易"
    MEDIUM = 2, "中"
    HARD = 3, "难"


# The options of every true/false question, in this order (answer "A" is 对, "B" is 错).
JUDGE_OPTIONS = ["对", "错"]
