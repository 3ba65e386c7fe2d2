"""组织生活: meetings of every kind with their attendance, the rules of how often each kind
must be held, and 民主评议党员 (the yearly appraisal)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from hongfan.orglife.choices import (
    AppraisalStatus,
    AttendanceStatus,
    CheckinMethod,
    Grade,
    MeetingKind,
    MeetingStatus,
    QuorumOf,
    RequirementPeriod,
)


class MeetingRequirement(models.Model):
    """How often a kind of meeting must be held (DOMAIN.md), per city, versioned by date:
    the version in force for a kind is the latest with ``effective_from`` on or before the
    day. ``by_secretary``: only 党课 given by the branch's secretary count (once a year)."""

    authority = models.ForeignKey(
        "org.Authority", on_delete=models.CASCADE, related_name="meeting_requirements"
    )
    kind = models.CharField("会议类型", max_length=20, choices=MeetingKind.choices)
    by_secretary = models.BooleanField("须由书记讲授", default=False)
    period = models.CharField("周期", max_length=8, choices=RequirementPeriod.choices)
    min_count = models.PositiveSmallIntegerField("每周期至少（次）", default=1)
    effective_from = models.DateField("生效日期")
    active = models.BooleanField("要求在用", default=True)

    class Meta:
        verbose_name = "组织生活频次要求"
        ordering = ["authority_id", "kind", "by_secretary", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "kind", "by_secretary", "effective_from"],
                name="meeting_requirement_one_version_per_day",
                violation_error_message="同一会议类型在同一生效日期只能有一个版本",
            ),
            models.CheckConstraint(
                name="meeting_requirement_min_count_positive",
                condition=Q(min_count__gte=1),
                violation_error_message="每周期至少1次",
            ),
        ]

    def __str__(self) -> str:
        who = "（书记讲）" if self.by_secretary else ""
        return f"{self.get_kind_display()}{who}{self.get_period_display()}至少{self.min_count}次"


class MeetingRule(models.Model):
    """How one kind of meeting is run, per city, versioned by date: the QR check-in window
    around it and whether it needs a quorum, and of whom. The version in force on the
    meeting's day applies; without one, the defaults of DOMAIN.md
    (``hongfan.orglife.selectors.DEFAULT_MEETING_RULES``)."""

    authority = models.ForeignKey(
        "org.Authority", on_delete=models.CASCADE, related_name="meeting_rules"
    )
    kind = models.CharField("会议类型", max_length=20, choices=MeetingKind.choices)
    checkin_before_minutes = models.PositiveSmallIntegerField("开始前可签到（分钟）", default=30)
    checkin_after_minutes = models.PositiveSmallIntegerField("结束后可签到（分钟）", default=30)
    quorum_of = models.CharField(
        "法定人数", max_length=8, choices=QuorumOf.choices, default=QuorumOf.NONE
    )
    effective_from = models.DateField("生效日期")

    class Meta:
        verbose_name = "会议规则"
        ordering = ["authority_id", "kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "kind", "effective_from"],
                name="meeting_rule_one_version_per_day",
                violation_error_message="同一会议类型在同一生效日期只能有一个版本",
            ),
            models.CheckConstraint(
                name="meeting_rule_checkin_window_bounded",
                condition=Q(checkin_before_minutes__lte=240) & Q(checkin_after_minutes__lte=240),
                violation_error_message="签到时间窗口不能超过4小时",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()}：开始前{self.checkin_before_minutes}分钟至结束后"
            f"{self.checkin_after_minutes}分钟签到，{self.get_quorum_of_display()}"
        )


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


class Appraisal(models.Model):
    """民主评议党员 of a branch for a year, decided by the branch meeting."""

    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey("org.Branch", on_delete=models.CASCADE, related_name="appraisals")
    year = models.PositiveSmallIntegerField("年度")
    meeting = models.ForeignKey(
        Meeting,
        verbose_name="评议会议",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appraisals",
    )
    status = models.CharField(
        "状态", max_length=8, choices=AppraisalStatus.choices, default=AppraisalStatus.DRAFT
    )
    decided_on = models.DateField("确定日期", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "民主评议党员"
        ordering = ["-year", "branch_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "year"],
                name="appraisal_once_per_branch_year",
                violation_error_message="本支部该年度已有民主评议",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch} {self.year}年民主评议"


class AppraisalGrade(models.Model):
    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="grades")
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="appraisals")
    grade = models.CharField("评议等次", max_length=12, choices=Grade.choices)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "评议等次"
        ordering = ["appraisal_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "person"],
                name="appraisal_grade_once",
                violation_error_message="此人已有评议等次",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.grade}"


class ComplianceTally(models.Model):
    """A branch's compliance for a year, counted in cells (requirement × period) by status:
    the city summary sums these instead of judging 1,000 branches on every request.

    Refreshed for a branch when one of its meetings is closed, for every branch by the daily
    reminder run, and on read for any tally not computed today (statuses move from due to
    overdue as days pass); dropped when the city changes its requirements."""

    branch = models.ForeignKey(
        "org.Branch", on_delete=models.CASCADE, related_name="compliance_tallies"
    )
    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    computed_on = models.DateField()
    done = models.PositiveIntegerField(default=0)
    due = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    upcoming = models.PositiveIntegerField(default=0)
    not_applicable = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "组织生活落实统计"
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "year"], name="compliance_tally_once_per_branch_year"
            )
        ]
        indexes = [models.Index(fields=["year", "hospital"], name="compliance_tally_year_idx")]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.year}: {self.done}/{self.overdue}"
