"""The points factories build valid rows; what they make shows where a user looks for it (the
rules page, the secretary's review queue), and the review queue costs the same however many
claims wait."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hongfan.points.tests.factories import (
    PointClaimFactory,
    PointRuleFactory,
    PointRuleVersionFactory,
)

pytestmark = pytest.mark.django_db

REVIEW_URL = reverse("points:claim_review")
RULES_URL = reverse("points:rules")


def _queued(response) -> list[int]:  # type: ignore[no-untyped-def]
    return [c.pk for c in response.context["page"].paginator.object_list]


def test_points_factories_build_valid_rows():
    rule = PointRuleFactory()
    assert rule.versions.count() == 1
    rows = [
        rule,
        *rule.versions.all(),
        PointRuleVersionFactory(),
        PointClaimFactory(),
    ]
    for row in rows:
        row.full_clean()


def test_a_factory_rule_is_listed_on_its_hospitals_rules_page(client_for):
    PointRuleFactory(name="参加无偿献血")
    assert "参加无偿献血" in client_for("hosp").get(RULES_URL).content.decode()
    assert "参加无偿献血" not in client_for("hosp2").get(RULES_URL).content.decode()


def test_a_factory_claim_waits_for_the_secretary_and_not_another_hospitals_admin(client_for):
    claim = PointClaimFactory(description="周末参加社区义诊")
    response = client_for("sec").get(REVIEW_URL)
    assert response.status_code == 200
    assert claim.pk in _queued(response)
    assert response.context["counts"].claims >= 1
    other = client_for("hosp2").get(REVIEW_URL)
    assert other.status_code == 200
    assert claim.pk not in _queued(other)
    assert "周末参加社区义诊" not in other.content.decode()


def test_the_claim_review_queue_costs_the_same_with_twenty_more_claims(
    client_for, django_assert_max_num_queries
):
    PointClaimFactory.create_batch(3)
    client = client_for("sec")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(REVIEW_URL).status_code == 200
        return len(ctx)

    count()  # warm up (the first request of a session does a few more)
    before = count()
    PointClaimFactory.create_batch(20)
    assert count() == before
    with django_assert_max_num_queries(15):
        client.get(REVIEW_URL)
