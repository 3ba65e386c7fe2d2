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
    # The online part: members write their self-assessments and vote on their peers between
    # the opening and the closing of the vote (民主测评).
    vote_opened_at = models.DateTimeField("测评开始", null=True, blank=True)
    vote_closed_at = models.DateTimeField("测评结束", null=True, blank=True)

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


class SelfAssessment(models.Model):
    """A member's 自我评价 for the branch's appraisal of a year."""

    appraisal = models.ForeignKey(
        Appraisal, on_delete=models.CASCADE, related_name="self_assessments"
    )
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    text = models.TextField("自我评价")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "自我评价"
        ordering = ["appraisal_id", "person_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "person"],
                name="self_assessment_once",
                violation_error_message="本年度已填写自我评价",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appraisal_id} {self.person_id}"


class AppraisalVote(models.Model):
    """One member's anonymous vote (民主测评) on a peer of their branch. The voter is kept
    only as a keyed hash of (appraisal, voter) — enough to refuse a second vote on the same
    peer and to tell a member what they have done, never enough to show who voted what —
    and no time is kept that could give them away."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="votes")
    voter_key = models.CharField(max_length=64)
    peer = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    grade = models.CharField("测评等次", max_length=12, choices=Grade.choices)

    class Meta:
        verbose_name = "民主测评票"
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "voter_key", "peer"],
                name="appraisal_vote_once_per_peer",
                violation_error_message="你已对此人投过票，不能重复投票",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appraisal_id} → {self.peer_id}"
