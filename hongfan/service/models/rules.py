"""The city's service rules, each versioned by date (``core.rules.EffectiveDated``): the
volunteer targets and star levels, the model-post designation rule, the home-nursing
qualification and promise. Without a version in force, the defaults of DOMAIN.md
(``hongfan.service.selectors.rules``) apply."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q

from hongfan.core.rules import EffectiveDated
from hongfan.service.choices import NurseTitle


def default_star_thresholds() -> list[int]:
    return [100, 300, 600, 1000, 1500]


class VolunteerRule(EffectiveDated):
    authority = models.ForeignKey(
        "org.Authority", on_delete=models.CASCADE, related_name="volunteer_rules"
    )
    yearly_target_hours = models.PositiveSmallIntegerField("青年职工年度目标（小时）", default=50)
    young_age_max = models.PositiveSmallIntegerField("青年职工年龄上限", default=35)
    # Cumulative hours for 1★ … 5★, ascending.
    star_thresholds = models.JSONField("星级门槛（累计小时）", default=default_star_thresholds)
    checkin_before_minutes = models.PositiveSmallIntegerField("开始前可签到（分钟）", default=30)
    checkin_after_minutes = models.PositiveSmallIntegerField("结束后可签到（分钟）", default=30)
    max_hours_per_day = models.DecimalField(
        "每日最多计时（小时）", max_digits=4, decimal_places=1, default=Decimal(12)
    )

    class Meta:
        verbose_name = "志愿服务规则"
        ordering = ["authority_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "effective_from"],
                name="service_volunteer_rule_one_per_day",
                violation_error_message="同一生效日期只能有一个版本",
            )
        ]


class ModelPostRule(EffectiveDated):
    authority = models.ForeignKey(
        "org.Authority", on_delete=models.CASCADE, related_name="model_post_rules"
    )
    min_member_share = models.DecimalField(
        "党员占岗位人数最低比例", max_digits=3, decimal_places=2, default=Decimal("0.30")
    )
    min_size = models.PositiveSmallIntegerField("岗位最少人数", default=3)

    class Meta:
        verbose_name = "先锋岗认定规则"
        ordering = ["authority_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "effective_from"],
                name="service_post_rule_one_per_day",
                violation_error_message="同一生效日期只能有一个版本",
            ),
            models.CheckConstraint(
                condition=Q(min_member_share__gte=0) & Q(min_member_share__lte=1),
                name="service_post_rule_share_range",
                violation_error_message="比例须在0到1之间",
            ),
        ]


class NursingRule(EffectiveDated):
    authority = models.ForeignKey(
        "org.Authority", on_delete=models.CASCADE, related_name="nursing_rules"
    )
    min_clinical_years = models.PositiveSmallIntegerField("临床护理最少年限", default=5)
    min_title = models.PositiveSmallIntegerField(
        "最低职称", choices=NurseTitle.choices, default=NurseTitle.SENIOR_NURSE
    )
    promise_hours = models.PositiveSmallIntegerField("承诺上门时限（小时）", default=24)

    class Meta:
        verbose_name = "上门护理规则"
        ordering = ["authority_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "effective_from"],
                name="service_nursing_rule_one_per_day",
                violation_error_message="同一生效日期只能有一个版本",
            )
        ]
