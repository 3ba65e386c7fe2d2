"""The city's rules of 组织生活, each versioned by date: how often a kind of meeting must be
held (``MeetingRequirement``) and how it is run (``MeetingRule``)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from hongfan.core.rules import EffectiveDated
from hongfan.orglife.choices import MeetingKind, QuorumOf, RequirementPeriod


class MeetingRequirement(EffectiveDated):
    """How often a kind of meeting must be held (DOMAIN.md), per city, versioned by date:
    the version in force for a kind is the latest with ``effective_from`` on or before the
    day. ``by_secretary``: only 党课 given by the branch's secretary count (once a year)."""

    authority = models.ForeignKey(
        "org.Authority", on_delete=models.CASCADE, related_name="meeting_requirements"
    )
    kind = models.CharField("会议类型", max_length=20, choices=MeetingKind.choices)
    by_secretary = models.BooleanField("须由书记讲授", default=False)
    period = models.CharField("周期", max_length=8, choices=RequirementPeriod.choices)
    min_count = models.PositiveSmallIntegerField("每周期至少（次）", default=1)
    active = models.BooleanField("要求在用", default=True)

    class Meta:
        verbose_name = "组织生活频次要求"
        ordering = ["authority_id", "kind", "by_secretary", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "kind", "by_secretary", "effective_from"],
                name="meeting_requirement_one_version_per_day",
                violation_error_message="同一会议类型在同一生效日期只能有一个版本",
            ),
            models.CheckConstraint(
                name="meeting_requirement_min_count_positive",
                condition=Q(min_count__gte=1),
                violation_error_message="每周期至少1次",
            ),
        ]

    def __str__(self) -> str:
        who = "（书记讲）" if self.by_secretary else ""
        return f"{self.get_kind_display()}{who}{self.get_period_display()}至少{self.min_count}次"


class MeetingRule(EffectiveDated):
    """How one kind of meeting is run, per city, versioned by date: the QR check-in window
    around it and whether it needs a quorum, and of whom. The version in force on the
    meeting's day applies; without one, the defaults of DOMAIN.md
    (``hongfan.orglife.selectors.rules.DEFAULT_MEETING_RULES``)."""

    authority = models.ForeignKey(
        "org.Authority", on_delete=models.CASCADE, related_name="meeting_rules"
    )
    kind = models.CharField("会议类型", max_length=20, choices=MeetingKind.choices)
    checkin_before_minutes = models.PositiveSmallIntegerField("开始前可签到（分钟）", default=30)
    checkin_after_minutes = models.PositiveSmallIntegerField("结束后可签到（分钟）", default=30)
    quorum_of = models.CharField(
        "法定人数", max_length=8, choices=QuorumOf.choices, default=QuorumOf.NONE
    )

    class Meta:
        verbose_name = "会议规则"
        ordering = ["authority_id", "kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "kind", "effective_from"],
                name="meeting_rule_one_version_per_day",
                violation_error_message="同一会议类型在同一生效日期只能有一个版本",
            ),
            models.CheckConstraint(
                name="meeting_rule_checkin_window_bounded",
                condition=Q(checkin_before_minutes__lte=240) & Q(checkin_after_minutes__lte=240),
                violation_error_message="签到时间窗口不能超过4小时",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()}：开始前{self.checkin_before_minutes}分钟至结束后"
            f"{self.checkin_after_minutes}分钟签到，{self.get_quorum_of_display()}"
        )
