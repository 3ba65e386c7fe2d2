"""积分量化: a versioned rule catalogue, an append-only ledger and rollup totals.

Every module awards or deducts through ``services.points_award``; totals shown anywhere
are read from ``PointTotal`` rows that the same transaction updates, and
``manage.py checkpoints`` proves they equal the ledger.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hongfan.points.choices import EntryKind, Period, RuleCategory


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
        return f"{self.code} {self.name}"


class PointRuleVersion(models.Model):
    """The numbers of a rule from a date on. Entries keep the version they were earned under."""

    rule = models.ForeignKey(PointRule, on_delete=models.CASCADE, related_name="versions")
    effective_from = models.DateField("生效日期")
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


class PointEntry(models.Model):
    """One line of the append-only ledger."""

    # Indexes are few on purpose (every award writes them): (person, occurred_on) serves a
    # person's ledger and (hospital, occurred_on) a hospital's; neither column has its own.
    hospital = models.ForeignKey(
        "org.Hospital", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    person = models.ForeignKey(
        "org.Person", on_delete=models.CASCADE, related_name="point_entries", db_index=False
    )
    # RESTRICT, not PROTECT: a rule, a version or a reversed entry cannot be deleted while
    # the ledger points at it, yet a whole hospital or person (with their ledger) can be.
    rule = models.ForeignKey(PointRule, on_delete=models.RESTRICT, related_name="entries")
    rule_version = models.ForeignKey(
        PointRuleVersion, on_delete=models.RESTRICT, related_name="entries"
    )
    kind = models.CharField("类型", max_length=12, choices=EntryKind.choices)
    points = models.DecimalField("积分", max_digits=8, decimal_places=1)
    requested = models.DecimalField("申请积分", max_digits=8, decimal_places=1)
    occurred_on = models.DateField("发生日期")
    reason = models.CharField("事由", max_length=200)
    source_type = models.CharField("来源", max_length=40, blank=True)
    source_id = models.CharField("来源编号", max_length=64, blank=True)
    source_key = models.CharField(max_length=120, null=True, blank=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.RESTRICT, related_name="reversed_by"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "积分流水"
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["person", "occurred_on"], name="point_entry_person_day_idx"),
            models.Index(fields=["hospital", "occurred_on"], name="point_entry_hosp_day_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["hospital", "source_key"],
                condition=Q(source_key__isnull=False),
                name="point_entry_source_once",
                violation_error_message="同一来源只能计分一次",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.points:+} {self.reason}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise PermissionError("积分流水只能追加，更正请使用冲正")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("积分流水只能追加，更正请使用冲正")


class PointTotal(models.Model):
    """Rollup of a person's ledger for a period (day, month, quarter, year), updated in the
    transaction that writes the entry, so that rankings and caps do not read the ledger.

    - Overall rows (rule null): ``points`` (standings, rankings) and ``earned``.
    - A rule's rows (rule set): the cap counter ``earned`` only; their ``points`` stay 0.
      An award then leaves every indexed column of them unchanged (``points`` is in
      ``point_total_rank_idx``), so on PostgreSQL their updates are HOT: no new index
      entries, room kept on the page by the table's fillfactor (migration 0005). Points
      per rule, when wanted, are a GROUP BY over the ledger."""

    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    # No index of its own: the unique constraints below start with person.
    person = models.ForeignKey(
        "org.Person", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    rule = models.ForeignKey(
        PointRule, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    period = models.CharField(max_length=8, choices=Period.choices)
    period_start = models.DateField()
    points = models.DecimalField(max_digits=10, decimal_places=1, default=0)
    # What caps count: the size of the points awarded or deducted under the rule; a reversal
    # takes its entry's size off again (so it frees room under the cap).
    earned = models.DecimalField(max_digits=10, decimal_places=1, default=0)

    class Meta:
        verbose_name = "积分汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["person", "rule", "period", "period_start"],
                condition=Q(rule__isnull=False),
                name="point_total_rule_unique",
            ),
            models.UniqueConstraint(
                fields=["person", "period", "period_start"],
                condition=Q(rule__isnull=True),
                name="point_total_overall_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["hospital", "period", "period_start", "points"],
                name="point_total_rank_idx",
                condition=Q(rule__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.period} {self.period_start} {self.points}"


# The workflow models (claims, appeals, quarterly stars) live beside this module.
from hongfan.points.models_workflow import (  # noqa: E402, F401
    AppealStatus,
    ClaimStatus,
    PointAppeal,
    PointClaim,
    QuarterStar,
    QuotaMode,
    StarSelection,
    StarStatus,
)
