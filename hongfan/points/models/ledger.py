"""The append-only ledger (``PointEntry``) and its rollup totals (``PointTotal``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hongfan.points.choices import EntryKind, Period
from hongfan.points.models.catalogue import PointRule, PointRuleVersion


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
