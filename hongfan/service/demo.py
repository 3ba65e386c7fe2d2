"""The service app's part of the demo city (steps of ``builddemo``, registered in apps.py),
one function per part of the app, run in this order: activities before the sign-ups and
hours on them, then desks and posts, then home nursing. Figures from the reports (305
activities, 20,000+ hours and 200 villages a year for a large hospital)."""

from __future__ import annotations

from typing import Any


# --- activities: brand, measures, places, planning, records -------------------------------
def build_city_activities(authority: Any) -> None:
    """Every hospital's brand and measures, its villages, and a year of activities."""


# --- sign-up, check-in, hours, volunteer record ------------------------------------------
def build_city_hours(authority: Any) -> None:
    """Sign-ups, check-ins and confirmed hours (with their points) on those activities."""


# --- 红帆驿站 and model posts --------------------------------------------------------------
def build_city_desks(authority: Any) -> None:
    """Desks with rosters, help given and loans; model posts with members and reviews."""


# --- 互联网+护理服务 -------------------------------------------------------------------------
def build_city_nursing(authority: Any) -> None:
    """Catalogues, qualified nurses and a year of bookings."""
