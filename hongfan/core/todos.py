"""Today's tasks (待办), collected from the apps as ``hongfan.core.nav`` collects the menu.

Each app declares, in its own ``nav.py``, the sources of the tasks it knows about and
registers them in ``AppConfig.ready``; the home page and the badge ask core for the acting
user's tasks, and core imports no app. Adding an app that creates work for someone means
adding a source, never editing the home page.

    todos.register(
        TodoSource(
            name="points.claims_waiting",
            audience="branch",           # one of core.nav.AUDIENCES
            provider=claims_waiting,     # (access, today) -> iterable of Todo
            badge=True,                  # counts in the 待办 badge of the menu bar
        )
    )

A ``Todo`` says what waits, until when, how many, and links to the one page that does it.
Sources run their reads scoped by the acting user (the ``Access`` they are given), as any
selector does; a source with nothing to do yields nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date

from hongfan.core import datastamp
from hongfan.core.access import Access
from hongfan.core.nav import AUDIENCES

logger = logging.getLogger(__name__)

# How pressing a task is; the home page orders and colours by it.
OVERDUE, SOON, NORMAL, INFO = "overdue", "soon", "normal", "info"
URGENCIES = (OVERDUE, SOON, NORMAL, INFO)


@dataclass(frozen=True)
class Todo:
    title: str  # what waits, in Chinese: "待审核的积分申报"
    url: str  # the one page that does it
    count: int = 1  # how many items wait behind this task (shown as a number when > 1)
    due: date | None = None  # until when
    detail: str = ""  # one more line: "支部党员大会 · 12月5日 14:30"
    urgency: str = NORMAL
    action: str = ""  # the button's words when the task is one tap away: "签到"
    source: str = ""  # filled in by core: the registering source's name (for tests)
    post: bool = False  # the action is done by posting to ``url`` (one tap), not by opening it

    def __post_init__(self) -> None:
        if self.urgency not in URGENCIES:
            raise ValueError(f"unknown urgency {self.urgency!r}")
        if self.post and not self.action:
            raise ValueError("a task done by posting needs its button's words")
        if not self.title or not self.url:
            raise ValueError("a task needs a title and a link")


Provider = Callable[[Access, date], Iterable[Todo]]


@dataclass(frozen=True)
class TodoSource:
    name: str  # unique, "<app>.<what>"
    audience: str  # who is asked: one of core.nav.AUDIENCES
    provider: Provider
    order: int = 0
    badge: bool = False  # counted in the 待办 badge (work that waits on this user)
    when: Callable[[Access], bool] | None = None  # asked only if this also holds

    def __post_init__(self) -> None:
        if self.audience not in AUDIENCES:
            raise ValueError(f"unknown audience {self.audience!r}")

    def applies(self, access: Access) -> bool:
        return AUDIENCES[self.audience](access) and (self.when is None or self.when(access))


_sources: dict[str, TodoSource] = {}


def register(*sources: TodoSource) -> None:
    """Called by an app's ``AppConfig.ready``; a name registered twice is replaced (tests
    and autoreload import apps again)."""
    for source in sources:
        _sources[source.name] = source


def sources() -> list[TodoSource]:
    return sorted(_sources.values(), key=lambda s: (s.order, s.name))


_RANK = {u: i for i, u in enumerate(URGENCIES)}


def _sort_key(todo: Todo) -> tuple[int, date, str]:
    return (_RANK[todo.urgency], todo.due or date.max, todo.title)


def todos_for(access: Access, today: date, *, badge_only: bool = False) -> list[Todo]:
    """The acting user's tasks, most pressing first (overdue, then soon, by due date)."""
    found: list[Todo] = []
    for source in sources():
        if badge_only and not source.badge:
            continue
        if not source.applies(access):
            continue
        try:
            got = [replace(t, source=source.name) for t in source.provider(access, today)]
        except Exception:
            # One app's failing source costs its own tasks, not the page: the badge is drawn
            # on every page. The error goes to the log (and to the error reports).
            logger.exception("to-do source %s failed", source.name)
            continue
        found += [t for t in got if t.count > 0]
    return sorted(found, key=_sort_key)


def waiting_count(access: Access, today: date) -> int:
    """The number on the 待办 badge: the items waiting on this user."""
    return sum(t.count for t in todos_for(access, today, badge_only=True))


def has_badge(access: Access) -> bool:
    """Whether any badge source asks this user (no query)."""
    return any(s.badge and s.applies(access) for s in sources())


class WaitingCount:
    """The 待办 badge: counted once, and only when a page renders it (as core.nav's
    ``UnreadCount``), and kept per process under the data stamp (``core.datastamp``). A page
    that has already collected the user's tasks (the home page) hands them over in ``known``
    so that they are not asked twice."""

    def __init__(self, access: Access, today: date, known: list[Todo] | None = None) -> None:
        self.access = access
        self.today = today
        self._known = known
        self._count: int | None = None

    @property
    def count(self) -> int:
        if self._count is None:
            if self._known is not None:
                badged = {s.name for s in sources() if s.badge}
                self._count = sum(t.count for t in self._known if t.source in badged)
            else:
                # kept per process under the data stamp, as the home page's tasks are
                self._count = datastamp.cached(
                    ("core.todos.badge", self.access, self.today),
                    lambda: waiting_count(self.access, self.today),
                )
        return self._count

    def __bool__(self) -> bool:
        return self.count > 0

    def __str__(self) -> str:
        return "99+" if self.count > 99 else str(self.count)


def waiting_counter(
    access: Access, today: date, *, known: list[Todo] | None = None
) -> WaitingCount | None:
    """The 待办 badge for the acting user, or None for a user no badge source asks."""
    return WaitingCount(access, today, known) if has_badge(access) else None


__all__ = [
    "INFO",
    "NORMAL",
    "OVERDUE",
    "SOON",
    "Todo",
    "TodoSource",
    "WaitingCount",
    "has_badge",
    "register",
    "sources",
    "todos_for",
    "waiting_count",
    "waiting_counter",
]
