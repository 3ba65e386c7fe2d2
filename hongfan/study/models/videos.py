"""观看进度: how much of a video a member has watched, reported by the player."""

from __future__ import annotations

from django.db import models

from hongfan.study.models.items import StudyItem


class VideoProgress(models.Model):
    """How much of a video a member has watched, as the player reports it: only forward,
    and never faster than the time that passed on the server between two reports."""

    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        "org.Person", on_delete=models.CASCADE, related_name="video_progress"
    )
    item = models.ForeignKey(StudyItem, on_delete=models.CASCADE, related_name="video_progress")
    watched_seconds = models.PositiveIntegerField("已观看（秒）", default=0)
    duration_seconds = models.PositiveIntegerField("视频时长（秒）", null=True, blank=True)
    started_at = models.DateTimeField("开始观看", auto_now_add=True)
    reported_at = models.DateTimeField("最近上报")

    class Meta:
        verbose_name = "视频观看进度"
        constraints = [
            models.UniqueConstraint(
                fields=["person", "item"],
                name="video_progress_once",
                violation_error_message="观看进度已存在",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.item_id} {self.watched_seconds}秒"
