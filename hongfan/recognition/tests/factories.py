"""factory_boy builders of recognition's rows: a draft 季度之星 selection.

The session's demo city is the background: a selection belongs by default to the demo's
primary hospital, for the last finished quarter (the demo ledger starts with it). Rows are
written straight to the tables (no service, no audit row), as the services would write them;
a list is drawn with ``hongfan.recognition.services.stars.star_selection_draft``."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from hongfan.org.tests.factories import primary
from hongfan.points.periods import last_finished_quarter
from hongfan.recognition.models import StarSelection, StarStatus


class StarSelectionFactory(DjangoModelFactory):
    """A draft 季度之星 selection of the primary hospital for the last finished quarter."""

    class Meta:
        model = StarSelection

    hospital = factory.LazyFunction(primary)
    year = factory.LazyFunction(lambda: last_finished_quarter()[0])
    quarter = factory.LazyFunction(lambda: last_finished_quarter()[1])
    status = StarStatus.DRAFT
