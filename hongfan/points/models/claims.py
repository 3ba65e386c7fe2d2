"""The people's side of the ledger: members' claims with evidence and appeals against an
entry."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hongfan.points.models.catalogue import PointRule
from hongfan.points.models.ledger import PointEntry


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
