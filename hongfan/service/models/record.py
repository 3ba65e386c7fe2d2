"""What an activity did: people served by service, referrals, materials, photos; for a
home visit, the households visited (personal data encrypted, masked on screen)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hongfan.core.pii import EncryptedTextField
from hongfan.service.choices import ServedKind


class ServiceRecord(models.Model):
    activity = models.OneToOneField(
        "service.Activity", on_delete=models.CASCADE, related_name="record"
    )
    people_served = models.PositiveIntegerField("服务人数", default=0)
    referrals = models.PositiveIntegerField("转诊人数", default=0)
    materials = models.PositiveIntegerField("发放资料（份）", default=0)
    medicine_value = models.DecimalField(
        "赠送药品价值（元）", max_digits=10, decimal_places=2, default=0
    )
    summary = models.TextField("服务小结", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "服务记录"

    def __str__(self) -> str:
        return f"服务记录 {self.activity_id}"


class ServedCount(models.Model):
    record = models.ForeignKey(ServiceRecord, on_delete=models.CASCADE, related_name="counts")
    kind = models.CharField("服务项目", max_length=20, choices=ServedKind.choices)
    count = models.PositiveIntegerField("人次")

    class Meta:
        verbose_name = "服务项目人次"
        constraints = [
            models.UniqueConstraint(fields=["record", "kind"], name="service_served_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.count}"


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(
        "service.Activity", on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField("照片", upload_to="service/photos/%Y/%m/")
    caption = models.CharField("说明", max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "活动照片"

    def __str__(self) -> str:
        return self.caption or str(self.file.name or "")


class Household(models.Model):
    """A household visited on a 送医上门 / 健康巡诊: who (encrypted), what was done, and
    whether it needs a follow-up."""

    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(
        "service.Activity", on_delete=models.CASCADE, related_name="households"
    )
    name = EncryptedTextField("户主姓名")
    mobile = EncryptedTextField("联系电话", blank=True)
    mobile_hash = models.CharField(max_length=64, blank=True, db_index=True)
    address = EncryptedTextField("住址", blank=True)
    what_done = models.TextField("服务内容")
    follow_up_needed = models.BooleanField("需要随访", default=False)
    follow_up_note = models.CharField("随访事项", max_length=200, blank=True)
    follow_up_due = models.DateField("随访日期", null=True, blank=True)
    followed_up_at = models.DateTimeField("已随访", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "走访家庭"
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_needed=True) | Q(follow_up_due__isnull=True),
                name="service_household_due_needs_followup",
                violation_error_message="不需要随访时不能填写随访日期",
            )
        ]

    def __str__(self) -> str:
        return f"走访家庭 {self.pk}"
