"""The people's side of points: members' claims with evidence, appeals against an entry,
and the quarterly star selection (季度之星) with its public notice (公示)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hongfan.points.models import PointEntry, PointRule


class ClaimStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "已驳回"


class PointClaim(models.Model):
    """A member asks for points with evidence (text and/or a photo); the secretary decides."""

    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="point_claims")
    rule = models.ForeignKey(PointRule, on_delete=models.PROTECT, related_name="claims")
    occurred_on = models.DateField("发生日期")
    quantity = models.DecimalField("数量", max_digits=6, decimal_places=1, default=1)
    description = models.TextField("情况说明", max_length=1000, blank=True)
    photo = models.FileField("佐证照片", upload_to="claims/%Y/%m/", blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField("审核意见", max_length=200, blank=True)
    entry = models.OneToOneField(
        PointEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="claim"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "积分申报"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["hospital", "status"], name="point_claim_status_idx")]
        constraints = [
            models.CheckConstraint(
                name="point_claim_has_evidence",
                condition=~Q(description="") | ~Q(photo=""),
                violation_error_message="申报须提供文字说明或照片作为佐证",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} 申报 {self.rule}"


class AppealStatus(models.TextChoices):
    PENDING = "pending", "待处理"
    UPHELD = "upheld", "申诉成立（已冲正）"
    DISMISSED = "dismissed", "申诉不成立"


class PointAppeal(models.Model):
    """A member contests an entry; the secretary decides; an upheld appeal reverses it."""

    entry = models.ForeignKey(PointEntry, on_delete=models.PROTECT, related_name="appeals")
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField("申诉理由", max_length=500)
    status = models.CharField(
        "状态", max_length=12, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField("处理意见", max_length=200, blank=True)
    reversal = models.OneToOneField(
        PointEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="appeal_reversal"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "积分申诉"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry"],
                condition=Q(status="pending"),
                name="point_appeal_one_open_per_entry",
                violation_error_message="该积分已有待处理的申诉",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} 申诉 {self.entry_id}"


class StarStatus(models.TextChoices):
    DRAFT = "draft", "草拟"
    NOTICE = "notice", "公示中"
    CONFIRMED = "confirmed", "已确认"


class QuotaMode(models.TextChoices):
    PER_BRANCH = "per_branch", "每个支部名额"
    HOSPITAL_TOTAL = "hospital_total", "全院总名额"


class StarSelection(models.Model):
    """One quarter's selection of 季度之星 in a hospital, with the eligibility rules used."""

    hospital = models.ForeignKey(
        "org.Hospital", on_delete=models.CASCADE, related_name="star_selections"
    )
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度")
    status = models.CharField(
        "状态", max_length=12, choices=StarStatus.choices, default=StarStatus.DRAFT
    )
    quota_mode = models.CharField(
        "名额方式", max_length=16, choices=QuotaMode.choices, default=QuotaMode.HOSPITAL_TOTAL
    )
    quota = models.PositiveSmallIntegerField("名额", default=9)
    min_points = models.DecimalField("最低季度积分", max_digits=8, decimal_places=1, default=0)
    min_attendance_share = models.DecimalField(
        "组织生活出勤率下限（0—1）", max_digits=4, decimal_places=2, default=0
    )
    exclude_complaints = models.BooleanField("本季度有经核实投诉扣分者不参评", default=True)
    notice_workdays = models.PositiveSmallIntegerField("公示期（工作日）", default=5)
    notice_start = models.DateField("公示开始", null=True, blank=True)
    notice_end = models.DateField("公示截止", null=True, blank=True)
    notice_fallback = models.CharField("公示期计算说明", max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "季度之星评选"
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["hospital", "year", "quarter"],
                name="star_selection_once_per_quarter",
                violation_error_message="本院该季度已有评选",
            ),
            models.CheckConstraint(
                name="star_selection_quarter_range",
                condition=Q(quarter__gte=1) & Q(quarter__lte=4),
                violation_error_message="季度应为1—4",
            ),
            models.CheckConstraint(
                name="star_selection_share_range",
                condition=Q(min_attendance_share__gte=0) & Q(min_attendance_share__lte=1),
                violation_error_message="出勤率下限应在0到1之间",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hospital} {self.year}年第{self.quarter}季度之星"


class QuarterStar(models.Model):
    selection = models.ForeignKey(StarSelection, on_delete=models.CASCADE, related_name="stars")
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="stars")
    branch = models.ForeignKey("org.Branch", null=True, on_delete=models.SET_NULL, related_name="+")
    points = models.DecimalField("季度积分", max_digits=10, decimal_places=1)
    rank = models.PositiveIntegerField("全院名次")

    class Meta:
        verbose_name = "季度之星"
        ordering = ["selection_id", "rank", "person_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["selection", "person"],
                name="quarter_star_once",
                violation_error_message="此人已在名单中",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.selection}"
