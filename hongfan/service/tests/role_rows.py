"""service's rows of the role matrix (hongfan/tests/test_role_matrix.py takes them in): every
URL × every role — allowed, 403, 404 or sent to log in — and a denied write changes
nothing. One block per part of the app."""

from __future__ import annotations

from hongfan.core.testing.role_matrix import FORBIDDEN, OK, Row, only, roles  # noqa: F401

# --- activities: brand, measures, places, planning, records -------------------------------
ACTIVITY_ROWS: dict[str, Row] = {}


# --- sign-up, check-in, hours, volunteer record ------------------------------------------
HOURS_ROWS: dict[str, Row] = {}


# --- 红帆驿站 and model posts --------------------------------------------------------------
DESK_ROWS: dict[str, Row] = {}


# --- 互联网+护理服务 -------------------------------------------------------------------------
NURSING_ROWS: dict[str, Row] = {}


# --- dashboards ----------------------------------------------------------------------------
DASHBOARD_ROWS: dict[str, Row] = {}


TABLE: dict[str, Row] = {
    **ACTIVITY_ROWS,
    **HOURS_ROWS,
    **DESK_ROWS,
    **NURSING_ROWS,
    **DASHBOARD_ROWS,
}
