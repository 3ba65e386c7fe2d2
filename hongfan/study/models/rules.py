"""学时目标: the yearly study-hour targets of a city, versioned by date."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hongfan.core.rules import EffectiveDated


class StudyRule(EffectiveDated):
    """Yearly study-hour targets of a city (DOMAIN.md: 32 h for members, 56 h for branch
    secretaries and committee members), versioned by date like ``org.OrgRule``."""

    authority = models.ForeignKey(
        "org.Authority", on_delete=models.CASCADE, related_name="study_rules"
    )
    member_target_hours = models.PositiveSmallIntegerField("党员年度学习目标（学时）", default=32)
    committee_target_hours = models.PositiveSmallIntegerField(
        "支部书记、支委年度学习目标（学时）", default=56
    )
    read_min_seconds = models.PositiveSmallIntegerField(
        "读完全文最短停留（秒）",
        default=60,
        help_text="读完全文记为完成所需的最短阅读时间（不超过该资料的预计学习时长）",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "学习学时规则"
        ordering = ["authority_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "effective_from"],
                name="study_rule_one_version_per_day",
                violation_error_message="同一生效日期只能有一个规则版本",
            ),
            models.CheckConstraint(
                name="study_rule_targets_positive",
                condition=Q(member_target_hours__gte=1) & Q(committee_target_hours__gte=1),
                violation_error_message="年度学习目标至少1学时",
            ),
        ]

    def __str__(self) -> str:
        return f"学习学时规则（{self.effective_from}起）"
