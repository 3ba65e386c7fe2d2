"""学习资料: study material of a hospital or a branch, its topics, and a member's
finishing of an item (once)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hongfan.study.choices import ItemKind, LogMethod


class StudyTopic(models.Model):
    """A topic of a hospital's study material and questions (党的理论、医德医风…)."""

    hospital = models.ForeignKey(
        "org.Hospital", on_delete=models.CASCADE, related_name="study_topics"
    )
    name = models.CharField("主题", max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "学习主题"
        ordering = ["hospital_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["hospital", "name"],
                name="study_topic_name_unique_in_hospital",
                violation_error_message="本院已有同名学习主题",
            )
        ]

    def __str__(self) -> str:
        return self.name


class StudyItem(models.Model):
    """学习资料: an article (sanitised HTML), a video (a link) or a document (PDF/DOCX kept
    privately), for the whole hospital (branch empty) or one branch."""

    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey(
        "org.Branch",
        verbose_name="面向支部",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="study_items",
        help_text="留空为全院",
    )
    topic = models.ForeignKey(
        StudyTopic, verbose_name="主题", on_delete=models.PROTECT, related_name="items"
    )
    kind = models.CharField("类型", max_length=10, choices=ItemKind.choices)
    title = models.CharField("标题", max_length=100)
    summary = models.CharField("简介", max_length=200, blank=True)
    body = models.TextField("正文", blank=True)  # sanitised HTML (nh3), articles only
    video_url = models.URLField("视频链接", max_length=500, blank=True)
    document = models.FileField("文档", upload_to="study/%Y/%m/", blank=True)
    document_type = models.CharField(max_length=8, blank=True)  # "pdf" | "docx"
    document_size = models.PositiveIntegerField(null=True, blank=True)
    required = models.BooleanField("必学", default=False)
    due_on = models.DateField("完成期限", null=True, blank=True)
    expected_minutes = models.PositiveSmallIntegerField("预计学习时长（分钟）", default=20)
    published_at = models.DateTimeField("发布时间", default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "学习资料"
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["hospital", "branch", "published_at"], name="study_item_scope_idx")
        ]
        constraints = [
            models.CheckConstraint(
                name="study_item_expected_minutes_range",
                condition=Q(expected_minutes__gte=1) & Q(expected_minutes__lte=600),
                violation_error_message="预计学习时长应为1—600分钟",
            ),
            models.CheckConstraint(
                name="study_item_has_content",
                condition=(Q(kind=ItemKind.ARTICLE) & ~Q(body=""))
                | (Q(kind=ItemKind.VIDEO) & ~Q(video_url=""))
                | (Q(kind=ItemKind.DOCUMENT) & ~Q(document="")),
                violation_error_message="文章须有正文，视频须有链接，文档须上传文件",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def scope_label(self) -> str:
        return self.branch.name if self.branch_id and self.branch else "全院"


class StudyCompletion(models.Model):
    """A member finished an item (once): the moment the points are awarded."""

    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        "org.Person", on_delete=models.CASCADE, related_name="study_completions"
    )
    item = models.ForeignKey(StudyItem, on_delete=models.CASCADE, related_name="completions")
    method = models.CharField("方式", max_length=8, choices=LogMethod.choices)
    log = models.ForeignKey(
        "study.StudyLog", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_on = models.DateField("完成日期")
    completed_at = models.DateTimeField(auto_now_add=True)
    points_entry = models.ForeignKey(
        "points.PointEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    points_note = models.CharField("积分说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "学习完成"
        ordering = ["-completed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "item"],
                name="study_completion_once",
                violation_error_message="该学习内容已完成",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.item_id}"
