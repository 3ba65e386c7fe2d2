"""What the city summary of compliance sums: each branch's tally of a year."""

from __future__ import annotations

from django.db import models


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
