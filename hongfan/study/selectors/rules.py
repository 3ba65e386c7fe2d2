"""Reads of the yearly study-hour targets (学时目标): the version in force, the versions."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied

from hongfan.core.access import Access
from hongfan.core.dates import today
from hongfan.study.models import StudyRule

DEFAULT_RULE_FROM = date(2000, 1, 1)


def study_rule_for(authority_id: int, day: date | None = None) -> StudyRule:
    """The rule version in force on ``day`` (the DOMAIN.md defaults if none is stored)."""
    day = day or today()
    rule = StudyRule.objects.filter(authority_id=authority_id).in_force_on(day)
    return rule or StudyRule(authority_id=authority_id, effective_from=DEFAULT_RULE_FROM)


def rule_day(year: int) -> date:
    """The day whose rule sets a year's target: today for this year, the year's end before."""
    return min(today(), date(year, 12, 31))


def rule_list(*, access: Access, authority_id: int) -> list[StudyRule]:
    if not access.is_city:
        raise PermissionDenied("学习学时规则由市卫健委设定")
    return list(
        StudyRule.objects.filter(authority_id=authority_id)
        .select_related("created_by")
        .order_by("-effective_from")
    )
