"""core.rules: one "in force on a day" query for every versioned rule. Core imports no app,
so the concrete models are looked up by name."""

from __future__ import annotations

from datetime import date

import pytest
from django.apps import apps

from hongfan.core.rules import EffectiveDated, EffectiveDatedQuerySet

# Versioned models that still compute "in force" by hand (issue 9): adopt, then remove here.
PENDING: set[str] = set()  # every versioned rule inherits the base since issue 9


def _versioned_models() -> set[str]:
    return {
        m._meta.label_lower
        for m in apps.get_models()
        if any(f.name == "effective_from" for f in m._meta.get_fields())
    }


def test_every_versioned_model_is_effective_dated_or_pending():
    dated = {m._meta.label_lower for m in apps.get_models() if issubclass(m, EffectiveDated)}
    assert _versioned_models() - dated == PENDING & _versioned_models()
    assert not PENDING & dated, "adopted: remove from PENDING"


def test_the_base_field_is_the_one_the_models_had():
    field = apps.get_model("org", "OrgRule")._meta.get_field("effective_from")
    assert field.verbose_name == "生效日期" and not field.null and not field.blank


@pytest.fixture
def city_rules(db):
    authority = apps.get_model("org", "Authority").objects.create(name="测试卫健委", city="测试")
    other = apps.get_model("org", "Authority").objects.create(name="别的卫健委", city="别处")
    rule = apps.get_model("org", "OrgRule")
    for day, minimum in ((date(2024, 1, 1), 3), (date(2025, 7, 1), 4), (date(2026, 1, 1), 5)):
        rule.objects.create(authority=authority, effective_from=day, min_full_members=minimum)
    rule.objects.create(authority=other, effective_from=date(2025, 12, 1), min_full_members=9)
    return rule, authority, other


def test_the_version_in_force_is_the_latest_begun_on_or_before_the_day(city_rules):
    rule, authority, _ = city_rules
    versions = rule.objects.filter(authority=authority)
    assert isinstance(versions, EffectiveDatedQuerySet)
    assert versions.in_force_on(date(2023, 12, 31)) is None
    assert versions.in_force_on(date(2024, 1, 1)).min_full_members == 3
    assert versions.in_force_on(date(2025, 6, 30)).min_full_members == 3
    assert versions.in_force_on(date(2025, 7, 1)).min_full_members == 4
    assert versions.in_force_on(date(2025, 12, 31)).min_full_members == 4
    assert versions.in_force_on(date(2030, 1, 1)).min_full_members == 5


def test_in_force_lists_the_begun_versions_newest_first(city_rules):
    rule, authority, _ = city_rules
    days = rule.objects.filter(authority=authority).in_force(date(2025, 8, 1))
    assert [v.effective_from for v in days] == [date(2025, 7, 1), date(2024, 1, 1)]


def test_the_version_in_force_is_one_query(city_rules, django_assert_num_queries):
    rule, authority, _ = city_rules
    with django_assert_num_queries(1):
        rule.objects.filter(authority=authority).in_force_on(date(2025, 8, 1))


def test_in_force_by_gives_each_key_its_version_in_one_query(city_rules, django_assert_num_queries):
    rule, authority, other = city_rules
    with django_assert_num_queries(1):
        by_city = rule.objects.filter(authority__in=[authority, other]).in_force_by(
            date(2025, 12, 15), "authority_id"
        )
    assert {k: v.min_full_members for k, v in by_city.items()} == {
        authority.pk: 4,
        other.pk: 9,
    }
    by_pair = rule.objects.filter(authority=authority).in_force_by(
        date(2025, 8, 1), "authority_id", "min_full_members"
    )
    assert set(by_pair) == {(authority.pk, 3), (authority.pk, 4)}
    with pytest.raises(ValueError, match="key"):
        rule.objects.in_force_by(date(2025, 8, 1))


def test_related_managers_speak_the_same_query(db):
    # PointRule.versions: the related manager of an EffectiveDated model.
    version = apps.get_model("points", "PointRuleVersion")
    assert isinstance(version.objects.none(), EffectiveDatedQuerySet)
    manager = apps.get_model("points", "PointRule").versions.related_manager_cls
    assert hasattr(manager, "in_force_on")
