"""互联网+护理服务: the hospital's catalogue of home-nursing services, its qualified nurses,
and the bookings a patient or family makes from the public page, each followed from
triage to the visit and closing; "served within a day" is measured from ``requested_at``
to ``arrived_at`` against the stored deadline ``due_at``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hongfan.core.pii import EncryptedTextField
from hongfan.service.choices import (
    NurseTitle,
    NursingCategory,
    NursingStatus,
    PatientKind,
    RiskLevel,
)


class NursingService(models.Model):
    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    category = models.CharField("服务类别", max_length=10, choices=NursingCategory.choices)
    name = models.CharField("服务项目", max_length=60)
    description = models.CharField("服务说明", max_length=200, blank=True)
    active = models.BooleanField("在用", default=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "护理服务项目"
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["hospital", "name"],
                name="service_nursing_unique_name",
                violation_error_message="已有同名护理服务项目",
            )
        ]

    def __str__(self) -> str:
        return self.name


class NurseProfile(models.Model):
    """A nurse's qualification for home nursing: clinical nursing since, title."""

    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    person = models.OneToOneField(
        "org.Person", on_delete=models.CASCADE, related_name="nurse_profile"
    )
    clinical_since = models.DateField("从事临床护理起始")
    title = models.PositiveSmallIntegerField("护理职称", choices=NurseTitle.choices)
    active = models.BooleanField("可派单", default=True)

    class Meta:
        verbose_name = "上门护士资质"

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_title_display()}"


class NursingBooking(models.Model):
    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    reference = models.CharField("预约编号", max_length=20, unique=True)
    service = models.ForeignKey(
        NursingService, verbose_name="服务项目", on_delete=models.PROTECT, related_name="bookings"
    )
    patient_kind = models.CharField("服务对象", max_length=12, choices=PatientKind.choices)
    patient_name = EncryptedTextField("患者姓名")
    mobile = EncryptedTextField("联系电话")
    mobile_hash = models.CharField(max_length=64, db_index=True)
    address = EncryptedTextField("上门地址")
    note = models.CharField("病情及需求", max_length=300, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=NursingStatus.choices, default=NursingStatus.BOOKED
    )
    requested_at = models.DateTimeField("预约时间", default=timezone.now)
    # The promise's deadline: ``requested_at`` + the rule's ``promise_hours`` in force on
    # the day of booking (set at booking). "Served within the promise" is
    # ``arrived_at <= due_at``, an open booking is overdue once ``due_at`` has passed.
    due_at = models.DateTimeField("承诺上门时限")
    risk_level = models.CharField("风险等级", max_length=8, choices=RiskLevel.choices, blank=True)
    assessment = models.TextField("首次评估", blank=True)
    triaged_at = models.DateTimeField("评估时间", null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    refused_reason = models.CharField("不予受理原因", max_length=200, blank=True)
    nurse = models.ForeignKey(
        "org.Person",
        verbose_name="上门护士",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nursing_bookings",
    )
    assigned_at = models.DateTimeField("派单时间", null=True, blank=True)
    arrived_at = models.DateTimeField("到达时间", null=True, blank=True)
    what_done = models.TextField("护理内容", blank=True)
    consumables = models.CharField("使用耗材", max_length=200, blank=True)
    next_visit_on = models.DateField("下次上门", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "上门护理预约"
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["hospital", "status"], name="service_nursing_status"),
            models.Index(fields=["hospital", "requested_at"], name="service_nursing_month"),
            models.Index(fields=["hospital", "status", "due_at"], name="service_nursing_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refused_reason=""),
                name="service_nursing_refusal_has_reason",
                violation_error_message="不予受理须填写原因",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["assigned", "visited", "closed"]) | Q(nurse__isnull=False),
                name="service_nursing_assigned_has_nurse",
                violation_error_message="派单须指定护士",
            ),
        ]

    def __str__(self) -> str:
        return self.reference
