"""The recognition factories build valid rows (moved from points' factory test with the
stars)."""

from __future__ import annotations

import pytest

from hongfan.recognition.tests.factories import StarSelectionFactory

pytestmark = pytest.mark.django_db


def test_recognition_factories_build_valid_rows():
    rows = [StarSelectionFactory()]
    for row in rows:
        row.full_clean()
