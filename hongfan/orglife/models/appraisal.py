"""民主评议党员: a branch's yearly appraisal and its members' grades."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from hongfan.orglife.choices import AppraisalStatus, Grade
from hongfan.orglife.models.meetings import Meeting


class Appraisal(models.Model):
    """民主评议党员 of a branch for a year, decided by the branch meeting."""

    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey("org.Branch", on_delete=models.CASCADE, related_name="appraisals")
    year = models.PositiveSmallIntegerField("年度")
    meeting = models.ForeignKey(
        Meeting,
        verbose_name="评议会议",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appraisals",
    )
    status = models.CharField(
        "状态", max_length=8, choices=AppraisalStatus.choices, default=AppraisalStatus.DRAFT
    )
    decided_on = models.DateField("确定日期", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "民主评议党员"
        ordering = ["-year", "branch_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "year"],
                name="appraisal_once_per_branch_year",
                violation_error_message="本支部该年度已有民主评议",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch} {self.year}年民主评议"


class AppraisalGrade(models.Model):
    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="grades")
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="appraisals")
    grade = models.CharField("评议等次", max_length=12, choices=Grade.choices)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "评议等次"
        ordering = ["appraisal_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "person"],
                name="appraisal_grade_once",
                violation_error_message="此人已有评议等次",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.grade}"
