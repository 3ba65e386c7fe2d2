"""The city's volunteer rule as versioned data: published from a date, refused when it
makes no sense, and followed (the check-in window, the target)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hongfan.org.tests.factories import primary
from hongfan.service.models import VolunteerRule
from hongfan.service.selectors.rules import volunteer_rule_for
from hongfan.service.services.volunteer_rule import volunteer_rule_publish
from hongfan.service.tests.factories_hours import demo_access

pytestmark = pytest.mark.django_db

GOOD: dict[str, Any] = {
    "yearly_target_hours": 60,
    "young_age_max": 35,
    "star_thresholds": [50, 200, 400, 800, 1200],
    "checkin_before_minutes": 10,
    "checkin_after_minutes": 15,
    "max_hours_per_day": Decimal(10),
}


def test_the_city_publishes_a_version_that_is_in_force_from_its_date() -> None:
    authority = primary().authority
    day = timezone.localdate() - timedelta(days=1)
    volunteer_rule_publish(
        access=demo_access("city"), authority=authority, effective_from=day, values=GOOD
    )
    rule = volunteer_rule_for(authority.pk, timezone.localdate())
    assert rule.yearly_target_hours == 60 and rule.checkin_before_minutes == 10
    assert volunteer_rule_for(authority.pk, date(2001, 1, 1)).yearly_target_hours == 50


def test_only_the_city_sets_the_rule() -> None:
    with pytest.raises(PermissionDenied):
        volunteer_rule_publish(
            access=demo_access("hosp"),
            authority=primary().authority,
            effective_from=timezone.localdate(),
            values=GOOD,
        )


@pytest.mark.parametrize(
    "change",
    [
        {"star_thresholds": [300, 100, 600, 1000, 1500]},
        {"star_thresholds": [100, 300]},
        {"yearly_target_hours": 0},
        {"max_hours_per_day": Decimal(30)},
    ],
)
def test_a_rule_that_makes_no_sense_is_refused_and_nothing_is_written(change: dict) -> None:
    before = VolunteerRule.objects.count()
    with pytest.raises(ValidationError):
        volunteer_rule_publish(
            access=demo_access("city"),
            authority=primary().authority,
            effective_from=timezone.localdate(),
            values={**GOOD, **change},
        )
    assert VolunteerRule.objects.count() == before
