"""A branch's meetings (组织生活) of every kind, and their photos and documents."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from hongfan.orglife.choices import MeetingKind, MeetingStatus


class Meeting(models.Model):
    """One meeting (or talk, or group study session) of a branch, planned then held."""

    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey("org.Branch", on_delete=models.CASCADE, related_name="meetings")
    party_group = models.ForeignKey(
        "org.PartyGroup",
        verbose_name="党小组",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    kind = models.CharField("会议类型", max_length=20, choices=MeetingKind.choices)
    status = models.CharField(
        "状态", max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    topic = models.CharField("主题", max_length=200)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    place = models.CharField("地点", max_length=200, blank=True)
    online = models.BooleanField("线上会议", default=False)
    host = models.ForeignKey(
        "org.Person",
        verbose_name="主持人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorder = models.ForeignKey(
        "org.Person",
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lecturer = models.ForeignKey(
        "org.Person",
        verbose_name="授课人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    agenda = models.TextField("议程", blank=True)
    minutes = models.TextField("会议记录", blank=True)  # sanitised HTML (nh3)
    resolutions = models.TextField("决议事项", blank=True)
    # Counted at closing: a 党课 whose lecturer was the branch's secretary on that day.
    by_secretary = models.BooleanField("书记讲党课", default=False)
    checkin_token = models.CharField(max_length=43)
    checkin_opens_at = models.DateTimeField("签到开始")
    checkin_closes_at = models.DateTimeField("签到截止")
    # Quorum, written when the meeting is closed (None: the kind needs none).
    voters_expected = models.PositiveIntegerField("应到有表决权人数", null=True, blank=True)
    voters_present = models.PositiveIntegerField("实到有表决权人数", null=True, blank=True)
    quorate = models.BooleanField("达到法定人数", null=True, blank=True)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField("记录完成时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "组织生活会议"
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["branch", "status", "starts_at"], name="meeting_branch_idx"),
            models.Index(fields=["hospital", "status", "starts_at"], name="meeting_hospital_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="meeting_ends_after_start",
                condition=Q(ends_at__gt=models.F("starts_at")),
                violation_error_message="结束时间必须晚于开始时间",
            ),
            models.CheckConstraint(
                name="meeting_group_meeting_has_group",
                condition=~Q(kind=MeetingKind.GROUP) | Q(party_group__isnull=False),
                violation_error_message="党小组会须选择党小组",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.get_kind_display()}：{self.topic}"

    @property
    def day(self) -> date:
        from django.utils import timezone

        return timezone.localtime(self.starts_at).date()


class MeetingFile(models.Model):
    """A photo or document of a meeting, kept privately (served through an access check)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="files")
    file = models.FileField("文件", upload_to="orglife/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "会议附件"
        ordering = ["meeting_id", "id"]

    def __str__(self) -> str:
        return self.name
