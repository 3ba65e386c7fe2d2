"""The versioned rule catalogue: a rule (owned by the city or one hospital) and the numbers
of each of its versions."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from hongfan.core.rules import EffectiveDated
from hongfan.points.choices import Period, RuleCategory

# Every points figure (rule, cap, entry, total) has one decimal place (decimal_places=1).
POINT_STEP = Decimal("0.1")


class PointRule(models.Model):
    """A rule of the catalogue. Owned by the city (the default catalogue hospitals copy)
    or by one hospital. Its numbers live in versions."""

    authority = models.ForeignKey(
        "org.Authority", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    hospital = models.ForeignKey(
        "org.Hospital", null=True, blank=True, on_delete=models.CASCADE, related_name="point_rules"
    )
    code = models.CharField("编码", max_length=32)
    name = models.CharField("名称", max_length=60)
    category = models.CharField("类别", max_length=16, choices=RuleCategory.choices)
    active = models.BooleanField("启用", default=True)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "积分规则"
        ordering = ["category", "code"]
        constraints = [
            models.CheckConstraint(
                name="point_rule_one_owner",
                condition=(Q(authority__isnull=True) & Q(hospital__isnull=False))
                | (Q(authority__isnull=False) & Q(hospital__isnull=True)),
                violation_error_message="积分规则须属于市卫健委或一家医院",
            ),
            models.UniqueConstraint(
                fields=["hospital", "code"],
                condition=Q(hospital__isnull=False),
                name="point_rule_code_unique_in_hospital",
                violation_error_message="本院已有相同编码的积分规则",
            ),
            models.UniqueConstraint(
                fields=["authority", "code"],
                condition=Q(authority__isnull=False),
                name="point_rule_code_unique_in_city",
                violation_error_message="市级目录已有相同编码的积分规则",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PointRuleVersion(EffectiveDated):
    """The numbers of a rule from a date on. Entries keep the version they were earned under."""

    rule = models.ForeignKey(PointRule, on_delete=models.CASCADE, related_name="versions")
    points = models.DecimalField("分值", max_digits=7, decimal_places=1)
    daily_cap = models.DecimalField(
        "每日上限", max_digits=8, decimal_places=1, null=True, blank=True
    )
    monthly_cap = models.DecimalField(
        "每月上限", max_digits=8, decimal_places=1, null=True, blank=True
    )
    quarterly_cap = models.DecimalField(
        "每季度上限", max_digits=8, decimal_places=1, null=True, blank=True
    )
    yearly_cap = models.DecimalField(
        "每年上限", max_digits=8, decimal_places=1, null=True, blank=True
    )
    needs_approval = models.BooleanField("申报需审核", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "积分规则版本"
        ordering = ["rule_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "effective_from"],
                name="point_rule_one_version_per_day",
                violation_error_message="同一生效日期只能有一个版本",
            ),
            models.CheckConstraint(
                name="point_rule_caps_not_negative",
                condition=(Q(daily_cap__isnull=True) | Q(daily_cap__gte=0))
                & (Q(monthly_cap__isnull=True) | Q(monthly_cap__gte=0))
                & (Q(quarterly_cap__isnull=True) | Q(quarterly_cap__gte=0))
                & (Q(yearly_cap__isnull=True) | Q(yearly_cap__gte=0)),
                violation_error_message="上限不能为负数",
            ),
            models.CheckConstraint(
                name="point_rule_points_not_zero",
                condition=~Q(points=0),
                violation_error_message="分值不能为0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.points:+}（{self.effective_from}起）"

    def cap_for(self, period: str):  # type: ignore[no-untyped-def]
        return {
            Period.DAY: self.daily_cap,
            Period.MONTH: self.monthly_cap,
            Period.QUARTER: self.quarterly_cap,
            Period.YEAR: self.yearly_cap,
        }[Period(period)]
