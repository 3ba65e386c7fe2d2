"""workdays' rows of the role matrix (hongfan/tests/test_role_matrix.py merges them into its
table, as it does those of study, recognition and orglife): every URL of the working-day
calendar × every demo role — allowed, 403 or sent to log in — and a denied write changes
nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ROLES = ["anonymous", "city", "hosp", "sec", "member", "hosp2", "audit", "security", "sysadmin"]
OK, DONE, REDIRECT, LOGIN, FORBIDDEN = "200", "done", "302", "login", "403"


def roles(default: str, **over: str) -> dict[str, str]:
    """Expected outcome per role; anonymous users are sent to log in unless said otherwise."""
    unknown = set(over) - set(ROLES)
    assert not unknown, unknown
    table = dict.fromkeys(ROLES, default)
    table["anonymous"] = LOGIN
    table.update(over)
    return table


def only(allowed: str = OK, **over: str | bool) -> dict[str, str]:
    """Everyone logged in is refused (403) except the roles named."""
    return roles(FORBIDDEN, **{r: allowed if v is True else str(v) for r, v in over.items()})


@dataclass
class Row:
    get: dict[str, str] | None = None  # expected outcome of a GET, per role
    post: dict[str, str] | None = None  # expected outcome of a POST with ``payload``
    payload: Callable[[Any], dict[str, Any]] | None = None
    args: Callable[[Any], list[Any]] = lambda t: []


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
