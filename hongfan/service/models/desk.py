"""红帆驿站: the lobby help desks, the help they give and the items they lend. A desk's duty
roster is an activity of kind ``desk_duty`` (its shifts are the duty shifts, so duty hours
are volunteer hours like any other)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from hongfan.core.pii import EncryptedTextField
from hongfan.service.choices import HelpKind, ItemKind, LoanStatus


class ServiceDesk(models.Model):
    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    name = models.CharField("驿站名称", max_length=60)
    location = models.CharField("位置", max_length=100)
    opening_hours = models.CharField("开放时间", max_length=100)
    phone = models.CharField("服务电话", max_length=30, blank=True)
    active = models.BooleanField("在用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "红帆驿站"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["hospital", "name"],
                name="service_desk_unique_name",
                violation_error_message="已有同名驿站",
            )
        ]

    def __str__(self) -> str:
        return self.name


class DeskHelp(models.Model):
    """Help given at a desk (one line may count several alike, e.g. 12 phones charged)."""

    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    desk = models.ForeignKey(ServiceDesk, on_delete=models.CASCADE, related_name="help_given")
    kind = models.CharField("服务类型", max_length=16, choices=HelpKind.choices)
    count = models.PositiveIntegerField("人次", default=1)
    note = models.CharField("说明", max_length=200, blank=True)
    occurred_at = models.DateTimeField("时间")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "驿站服务记录"
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["desk", "occurred_at"], name="service_help_desk"),
            # Covering, for the dashboards' sums per month and per hospital (bench/README.md).
            models.Index(fields=["hospital", "occurred_at", "count"], name="service_help_hospital"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(count__gte=1),
                name="service_help_count_positive",
                violation_error_message="人次至少为1",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ×{self.count}"


class LendItem(models.Model):
    """An item a desk lends, with how many the desk owns (``stock``); on loan and lost are
    counted from the loans."""

    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    desk = models.ForeignKey(ServiceDesk, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField("物品类型", max_length=12, choices=ItemKind.choices)
    name = models.CharField("物品名称", max_length=40)
    stock = models.PositiveSmallIntegerField("库存总数")
    deposit = models.DecimalField("押金（元）", max_digits=8, decimal_places=2, default=0)
    loan_hours = models.PositiveSmallIntegerField("借用时限（小时）", default=24)
    active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = "借用物品"
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["desk", "name"],
                name="service_item_unique_name",
                violation_error_message="该驿站已有同名物品",
            ),
            models.CheckConstraint(
                condition=Q(deposit__gte=0),
                name="service_item_deposit_not_negative",
                violation_error_message="押金不能为负数",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Loan(models.Model):
    """One lend of one item: to whom (encrypted, masked on screen), the deposit, when due
    back; then returned, or lost."""

    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(LendItem, on_delete=models.PROTECT, related_name="loans")
    borrower = EncryptedTextField("借用人")
    mobile = EncryptedTextField("手机号")
    mobile_hash = models.CharField(max_length=64, db_index=True)
    deposit = models.DecimalField("押金（元）", max_digits=8, decimal_places=2, default=0)
    status = models.CharField(
        "状态", max_length=10, choices=LoanStatus.choices, default=LoanStatus.LENT
    )
    lent_at = models.DateTimeField("借出时间")
    due_at = models.DateTimeField("应还时间")
    returned_at = models.DateTimeField("归还时间", null=True, blank=True)
    deposit_refunded = models.BooleanField("押金已退", default=False)
    note = models.CharField("备注", max_length=200, blank=True)
    lent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "借用登记"
        ordering = ["-lent_at", "-id"]
        indexes = [
            models.Index(fields=["item", "status"], name="service_loan_item_status"),
            # For the dashboards' counts per month and per hospital (bench/README.md).
            models.Index(fields=["hospital", "lent_at"], name="service_loan_hospital_lent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_at__gt=F("lent_at")),
                name="service_loan_due_after_lent",
                violation_error_message="应还时间必须晚于借出时间",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | Q(returned_at__isnull=False),
                name="service_loan_returned_has_time",
                violation_error_message="归还须记录归还时间",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.get_status_display()}"
