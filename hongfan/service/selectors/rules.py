"""The service rules in force: the city's version on a day, or the defaults of DOMAIN.md
(an unsaved instance) when the city has set none."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hongfan.service.choices import NurseTitle
from hongfan.service.models import ModelPostRule, NursingRule, VolunteerRule

SINCE = date(2000, 1, 1)


def volunteer_rule_for(authority_id: int, day: date) -> VolunteerRule:
    row = VolunteerRule.objects.filter(authority_id=authority_id).in_force_on(day)
    return row or VolunteerRule(authority_id=authority_id, effective_from=SINCE)


def model_post_rule_for(authority_id: int, day: date) -> ModelPostRule:
    row = ModelPostRule.objects.filter(authority_id=authority_id).in_force_on(day)
    return row or ModelPostRule(
        authority_id=authority_id,
        effective_from=SINCE,
        min_member_share=Decimal("0.30"),
        min_size=3,
    )


def nursing_rule_for(authority_id: int, day: date) -> NursingRule:
    row = NursingRule.objects.filter(authority_id=authority_id).in_force_on(day)
    return row or NursingRule(
        authority_id=authority_id,
        effective_from=SINCE,
        min_clinical_years=5,
        min_title=NurseTitle.SENIOR_NURSE,
        promise_hours=24,
    )


def star_level(cumulative_hours: Decimal, thresholds: list[int]) -> int:
    """0–5: how many thresholds (ascending) the cumulative hours reach."""
    return sum(1 for t in sorted(thresholds) if cumulative_hours >= t)
