"""个人自学: a member's self-study entries, which count towards their study hours once
confirmed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hongfan.study.choices import LogMethod, LogStatus
from hongfan.study.models.items import StudyItem


class StudyLog(models.Model):
    """One self-study entry (个人自学): time a member spent on an item. It counts towards the
    member's study hours once confirmed — by reading an article to its end (``read``) or
    by the secretary confirming what the member logged (``self``)."""

    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="study_logs")
    item = models.ForeignKey(StudyItem, on_delete=models.CASCADE, related_name="logs")
    method = models.CharField("方式", max_length=8, choices=LogMethod.choices)
    status = models.CharField(
        "状态", max_length=10, choices=LogStatus.choices, default=LogStatus.PENDING
    )
    minutes = models.PositiveSmallIntegerField("学习时长（分钟）")
    studied_on = models.DateField("学习日期")
    note = models.CharField("学习体会", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)
    decision_reason = models.CharField("意见", max_length=200, blank=True)

    class Meta:
        verbose_name = "个人自学记录"
        ordering = ["-studied_on", "-id"]
        indexes = [
            models.Index(fields=["person", "studied_on"], name="study_log_person_day_idx"),
            models.Index(fields=["hospital", "status", "created_at"], name="study_log_queue_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="study_log_minutes_range",
                condition=Q(minutes__gte=1) & Q(minutes__lte=600),
                violation_error_message="学习时长应为1—600分钟",
            ),
            # Reading an article or watching a video to its end is recorded once per
            # member and item: a double click or a second tab cannot log it twice.
            models.UniqueConstraint(
                fields=["person", "item"],
                condition=Q(method__in=["read", "watch"]),
                name="study_log_finished_once",
                violation_error_message="该学习内容已记录完成",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.item_id} {self.minutes}分钟"
