"""Volunteer hours as a ledger (like points): an entry is written when the organiser
confirms a sign-up's hours; a correction is a reversing entry, never an edit. The yearly
rollup keeps a person's year and cumulative figures one indexed read away."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hongfan.service.choices import HourKind


class HourEntry(models.Model):
    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="hour_entries")
    # The branch the person was in when the hours were served (for branch figures).
    branch = models.ForeignKey(
        "org.Branch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField("类别", max_length=10, choices=HourKind.choices)
    hours = models.DecimalField("时长", max_digits=6, decimal_places=2)
    occurred_on = models.DateField("服务日期")
    activity = models.ForeignKey(
        "service.Activity",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hour_entries",
    )
    signup = models.ForeignKey(
        "service.Signup",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hour_entries",
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    # A correction: the new entry that replaces one reversed (its chain stays in the ledger).
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrected_by"
    )
    reason = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "志愿服务时长"
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["person", "occurred_on"], name="service_hours_person"),
            models.Index(fields=["hospital", "occurred_on"], name="service_hours_hospital"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(hours=0),
                name="service_hours_not_zero",
                violation_error_message="时长不能为0",
            ),
            models.UniqueConstraint(
                fields=["signup"],
                condition=Q(signup__isnull=False, reverses__isnull=True, corrects__isnull=True),
                name="service_hours_once_per_signup",
                violation_error_message="该报名的时长已确认",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.hours}h {self.occurred_on}"


class HourTotal(models.Model):
    """A person's confirmed hours of one kind in one year (the sum of their entries),
    written in the same transaction as the entries."""

    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("类别", max_length=10, choices=HourKind.choices)
    hours = models.DecimalField("时长", max_digits=8, decimal_places=2, default=0)
    activities = models.PositiveIntegerField("参加活动次数", default=0)

    class Meta:
        verbose_name = "年度志愿服务时长"
        constraints = [
            models.UniqueConstraint(
                fields=["person", "year", "kind"], name="service_hourtotal_unique"
            )
        ]
        indexes = [models.Index(fields=["hospital", "year", "kind"], name="service_hourtotal_hosp")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year} {self.hours}h"


class HourTally(models.Model):
    """Hours of one kind served in a hospital's branch (``branch`` empty: people in no
    branch) in one month — the sum of the ledger's entries of that month, written in the
    same transaction as the entries, so that the dashboards read at most 12 rows per branch
    instead of a year of entries. ``manage.py checkhours`` compares it with the ledger and
    rebuilds it (``--fix``)."""

    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    # PROTECT: a branch with served hours is not deleted out of the figures.
    branch = models.ForeignKey(
        "org.Branch", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    kind = models.CharField("类别", max_length=10, choices=HourKind.choices)
    hours = models.DecimalField("时长", max_digits=10, decimal_places=2, default=0)

    class Meta:
        verbose_name = "月度志愿服务时长"
        constraints = [
            models.UniqueConstraint(
                fields=["hospital", "branch", "year", "month", "kind"],
                condition=Q(branch__isnull=False),
                name="service_hourtally_unique",
            ),
            models.UniqueConstraint(
                fields=["hospital", "year", "month", "kind"],
                condition=Q(branch__isnull=True),
                name="service_hourtally_unique_nobranch",
            ),
        ]
        indexes = [
            models.Index(fields=["hospital", "year", "kind"], name="service_hourtally_hosp"),
            models.Index(fields=["year", "kind"], name="service_hourtally_year"),
        ]

    def __str__(self) -> str:
        return f"{self.hospital_id}/{self.branch_id} {self.year}-{self.month} {self.hours}h"
