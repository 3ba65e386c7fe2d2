"""workdays' rows of the role matrix (hongfan/tests/test_role_matrix.py merges them into its
table, as it does those of study, recognition and orglife): every URL of the working-day
calendar × every demo role — allowed, 403 or sent to log in — and a denied write changes
nothing."""

from __future__ import annotations

from hongfan.core.testing.role_matrix import DONE, OK, REDIRECT, Row, only, roles

LOGGED_IN = roles(OK)

TABLE: dict[str, Row] = {
    # --- working-day calendar: national data every user reads; the city admin enters it
    # (business data: not the system admin's, 三员分立; docs/decisions/0007)
    "workdays:index": Row(get=roles(REDIRECT)),
    "workdays:year": Row(get=LOGGED_IN, args=lambda t: [2026]),
    "workdays:edit": Row(
        get=only(city=True),
        post=only(DONE, city=True),
        payload=lambda t: {"note": "", "holidays": "2031-01-01 元旦", "workdays": ""},
        args=lambda t: [2031],
    ),
}
