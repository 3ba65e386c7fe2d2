from __future__ import annotations

from typing import Any

import chinese_calendar
import pytest

from hongfan.workdays.services.holidays import seed_from_library

UNKNOWN_YEAR = 2027  # not covered by the pinned chinesecalendar (1.11.0 stops at 2026)


@pytest.fixture(autouse=True)
def seeded_calendar(db: Any) -> None:
    """Migration 0002 seeds the calendar; a transactional test elsewhere may have flushed
    it, so make sure (idempotent, inside this test's transaction)."""
    assert max(chinese_calendar.holidays).year < UNKNOWN_YEAR, (
        f"chinesecalendar now covers {UNKNOWN_YEAR}: move the fallback tests to a later year"
    )
    seed_from_library()
