"""The rule catalogue's reads: current and upcoming versions, by who may read them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from hongfan.core.access import access_for
from hongfan.core.dates import today
from hongfan.core.roles import Role
from hongfan.points.selectors.catalogue import rule_catalogue
from hongfan.points.services.catalogue import point_rule_revise
from hongfan.points.tests.conftest import make_access

pytestmark = pytest.mark.django_db


def test_the_catalogue_shows_current_and_upcoming_versions(world, users):
    w = world
    rule = w.rule(2)
    later = today() + timedelta(days=30)
    point_rule_revise(access=w.admin, rule=rule, effective_from=later, values={"points": 4})
    me = make_access("pts_m1", person=w.a[1], roles=[(Role.MEMBER, None, None)])
    for access in (w.admin, w.sec_a, me, access_for(users["city"])):
        rules = {r.pk: r for r in rule_catalogue(access=access, hospital=w.hospital)}
        assert {"ORG-MEETING", "DED-COMPLAINT", rule.code} <= {r.code for r in rules.values()}
        shown = rules[rule.pk]
        assert (shown.current.points, shown.upcoming.points, len(shown.history)) == (2, 4, 2)
    with pytest.raises(Http404):
        rule_catalogue(access=access_for(users["hosp2"]), hospital=w.hospital)
    city_rules = rule_catalogue(access=w.admin, hospital=None)
    assert city_rules and all(r.hospital_id is None for r in city_rules)
    with pytest.raises(PermissionDenied):
        rule_catalogue(access=me, hospital=None)
