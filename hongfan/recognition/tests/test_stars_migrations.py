"""The move of 季度之星 from points into recognition loses nothing: migrating recognition back
to zero (which takes points' 0006 with it) gives points its models on their old tables with
every row, and migrating forward again gives them back to recognition, renamed, with every
row — and their content types follow them both ways.

Database notes (as in hongfan/points/tests/test_concurrency.py): migrations run outside a
transaction, so these tests run with ``transaction=True``; the database is flushed at their
teardown, which also deletes the session's demo city, rebuilt once after the module.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.apps.registry import Apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from hongfan.core.testing.demo import restore_after_module
from hongfan.org.models import Person
from hongfan.org.tests.factories import primary
from hongfan.recognition.models import QuarterStar, StarSelection, StarStatus
from hongfan.recognition.tests.factories import StarSelectionFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_MOVE = ("points", "0005_rule_rollups_count_caps_only")


@pytest.fixture(scope="module", autouse=True)
def _restore_demo_city(django_db_blocker: Any) -> Iterator[None]:
    yield from restore_after_module(django_db_blocker)


def migrate(*targets: tuple[str, str | None]) -> Apps:
    """Migrate to ``targets`` (the latest of every app when none) and return the models as
    they stand there."""
    executor = MigrationExecutor(connection)
    nodes = list(targets) or executor.loader.graph.leaf_nodes()
    executor.migrate(nodes)
    ContentType.objects.clear_cache()
    state_nodes = [BEFORE_MOVE] if targets == (("recognition", None),) else nodes
    return MigrationExecutor(connection).loader.project_state(state_nodes).apps


def rows(apps: Apps, app: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    selections = apps.get_model(app, "StarSelection").objects.order_by("pk").values()
    stars = apps.get_model(app, "QuarterStar").objects.order_by("pk").values()
    return list(selections), list(stars)


def tables() -> set[str]:
    """The tables of the two moved models (later models, such as the tie picks, aside)."""
    names = connection.introspection.table_names()
    return {t for t in names if t.endswith(("_starselection", "_quarterstar"))}


def content_types() -> set[tuple[str, str]]:
    return set(
        ContentType.objects.filter(model__in=["starselection", "quarterstar"]).values_list(
            "app_label", "model"
        )
    )


def test_the_move_runs_backwards_and_forwards_on_data():
    selection = StarSelectionFactory(
        status=StarStatus.NOTICE, quota=3, min_points=Decimal("12.5"), notice_fallback="说明"
    )
    people = list(Person.objects.filter(hospital=primary()).order_by("pk")[:2])
    for rank, person in enumerate(people, start=1):
        QuarterStar.objects.create(
            selection=selection, person=person, branch=person.branch, points=40 - rank, rank=rank
        )
    ContentType.objects.get_for_model(StarSelection)
    ContentType.objects.get_for_model(QuarterStar)
    before = (
        list(StarSelection.objects.order_by("pk").values()),
        list(QuarterStar.objects.order_by("pk").values()),
    )
    assert len(before[0]) == 1 and len(before[1]) == 2
    assert tables() == {"recognition_starselection", "recognition_quarterstar"}

    old = migrate(("recognition", None))
    assert rows(old, "points") == before
    assert tables() == {"points_starselection", "points_quarterstar"}
    assert content_types() == {("points", "starselection"), ("points", "quarterstar")}

    new = migrate()
    assert rows(new, "recognition") == before
    assert tables() == {"recognition_starselection", "recognition_quarterstar"}
    assert content_types() == {("recognition", "starselection"), ("recognition", "quarterstar")}
    # And the code's own models read them.
    assert list(StarSelection.objects.order_by("pk").values()) == before[0]
    assert QuarterStar.objects.filter(selection=selection).count() == 2
