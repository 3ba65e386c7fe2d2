"""The city's yearly study-hour targets, versioned by date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from hongfan.core.access import access_for
from hongfan.core.dates import today
from hongfan.core.roles import Role
from hongfan.study.services import rules as rule_services
from hongfan.study.tests.conftest import make_user, refused

pytestmark = pytest.mark.django_db


# --- the city's targets ---------------------------------------------------------------------------


def test_the_city_admin_publishes_a_new_version_of_the_targets(world, demo_authority):
    city = access_for(make_user("study_city", roles=[(Role.CITY_ADMIN, None, None)]))
    rule = rule_services.study_rule_publish(
        access=city,
        authority=demo_authority,
        effective_from=today() + timedelta(days=400),
        values={"member_target_hours": 40, "committee_target_hours": 60, "read_min_seconds": 90},
    )
    assert rule.member_target_hours == 40
    refused(
        lambda: rule_services.study_rule_publish(
            access=city,
            authority=demo_authority,
            effective_from=today() + timedelta(days=400),
            values={
                "member_target_hours": 40,
                "committee_target_hours": 60,
                "read_min_seconds": 90,
            },
        ),
        says="该生效日期已有",
    )
    refused(
        lambda: rule_services.study_rule_publish(
            access=city,
            authority=demo_authority,
            effective_from=today() + timedelta(days=500),
            values={
                "member_target_hours": 60,
                "committee_target_hours": 40,
                "read_min_seconds": 60,
            },
        ),
        says="不应低于普通党员",
    )
    refused(
        lambda: rule_services.study_rule_publish(
            access=world.admin,
            authority=demo_authority,
            effective_from=today(),
            values={
                "member_target_hours": 40,
                "committee_target_hours": 60,
                "read_min_seconds": 90,
            },
        ),
        says="由市卫健委设定",
        exc=PermissionDenied,
    )
