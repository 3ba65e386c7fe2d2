"""Who was expected at a meeting and whether they came (the roster)."""

from __future__ import annotations

from django.db import models

from hongfan.orglife.choices import AttendanceStatus, CheckinMethod
from hongfan.orglife.models.meetings import Meeting


class Attendance(models.Model):
    """Who was expected at a meeting and whether they came."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(
        "org.Person", on_delete=models.CASCADE, related_name="meeting_attendance"
    )
    status = models.CharField(
        "出勤", max_length=10, choices=AttendanceStatus.choices, default=AttendanceStatus.EXPECTED
    )
    reason = models.CharField("请假事由", max_length=200, blank=True)
    method = models.CharField("签到方式", max_length=8, choices=CheckinMethod.choices, blank=True)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    # Who counts for the quorum, as they were when the roster was drawn up: full members
    # vote in a general meeting; the committee's members in a committee meeting.
    voting = models.BooleanField("有表决权", default=False)
    points_entry = models.ForeignKey(
        "points.PointEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "出勤"
        ordering = ["meeting_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                name="attendance_once_per_meeting",
                violation_error_message="此人已在本次会议名单中",
            ),
        ]
        indexes = [models.Index(fields=["person", "status"], name="attendance_person_idx")]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.person_id} {self.status}"
