"""请假: a member asks to be excused from a meeting; the branch's secretary answers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hongfan.orglife.choices import LeaveStatus
from hongfan.orglife.models.meetings import Meeting


class LeaveRequest(models.Model):
    """A member's request to be excused from an upcoming meeting, with a reason. Approved,
    the member's roster row becomes 请假 (excused: no absence deduction); refused, it stays
    as it was. One request waits at a time for a member and a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="leave_requests")
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField("请假事由", max_length=200)
    status = models.CharField(
        "状态", max_length=10, choices=LeaveStatus.choices, default=LeaveStatus.PENDING
    )
    asked_at = models.DateTimeField("申请时间", auto_now_add=True)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField("书记意见", max_length=200, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "请假申请"
        ordering = ["-asked_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                condition=Q(status="pending"),
                name="leave_request_one_waiting",
                violation_error_message="你对本次会议的请假申请正在等待书记审批",
            ),
        ]
        indexes = [models.Index(fields=["status", "meeting"], name="leave_request_status_idx")]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.person_id} {self.status}"
