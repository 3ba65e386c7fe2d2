"""The vocabulary of the role matrix (hongfan/tests/test_role_matrix.py), shared by every
app's ``tests/role_rows.py``: the roles, the outcomes, and a ``Row`` of expected outcomes.

It imports no app, so an app's rows may use it whatever its layer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ROLES = [
    "anonymous",
    "city",
    "hosp",
    "sec",
    "member",
    "hosp2",
    "nursing",  # 护理部 of the main hospital (an office role: home nursing only)
    "audit",
    "security",
    "sysadmin",
]

OK = "200"  # the page or result
CREATED = "201"  # an API create
DONE = "done"  # a write that succeeded and redirected
REDIRECT = "302"  # sent somewhere else (home page, login after logout…)
LOGIN = "login"  # sent to the login page with ?next=
FORBIDDEN = "403"
MISSING = "404"


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
    json: bool = False  # the POST sends ``payload`` as JSON (an API)
