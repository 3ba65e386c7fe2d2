"""Sections that a higher app lends to a lower app's page (as ``hongfan.core.nav`` collects
menu entries): the person page and the hospital page of org show the 季度之星 of
recognition, and the person page the appraisal grades of orglife, without importing those
apps.

An app registers its panels in ``AppConfig.ready``; a panel names the page it belongs on,
the template that draws it, a function of the acting user and the page's object giving
the template's context, and its order on the page.

A page may be tabbed (the person page's 党员档案): a panel then names its tab (a short key
for the address, ``?tab=points``, and the label shown, "积分"); the page asks ``tabs_for``
which tabs it has for the acting user and draws only the panels of the chosen one. The
home page (``HOME``) gathers each app's sections about the acting user (its object is
None); ``when`` keeps a panel off a page for users it does not concern, without a query. The page's view calls ``panels_for``
(the reads run there, scoped by the acting user, as the view's own reads do) and its
template draws each with ``{% load panels %}{% for p in panels %}{% panel p %}{% endfor %}``,
which renders like ``{% include p.template with <context> %}``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hongfan.core.access import Access

PERSON, HOSPITAL, HOME = "person", "hospital", "home"
PAGES = (PERSON, HOSPITAL, HOME)

Context = Callable[[Access, Any], dict[str, Any]]


@dataclass(frozen=True)
class Panel:
    page: str  # PERSON, HOSPITAL or HOME
    template: str
    context: Context  # (acting user, the page's person or hospital) -> template context
    order: int = 0
    tab: str = ""  # on a tabbed page, the key of its tab ("points"); "" when untabbed
    tab_label: str = ""  # the tab's name ("积分")
    when: Callable[[Access, Any], bool] | None = None  # shown only if this holds (no query)

    def __post_init__(self) -> None:
        if self.page not in PAGES:
            raise ValueError(f"unknown page {self.page!r}")
        if bool(self.tab) != bool(self.tab_label):
            raise ValueError("a tab needs a key and a label")

    def shows(self, access: Access, obj: Any) -> bool:
        return self.when is None or self.when(access, obj)


@dataclass(frozen=True)
class Tab:
    key: str
    label: str


@dataclass(frozen=True)
class Shown:
    """A panel ready to draw: its template and the context computed for this request."""

    template: str
    context: dict[str, Any]


_panels: list[Panel] = []


def register(*panels: Panel) -> None:
    """Called by an app's ``AppConfig.ready`` with its panels."""
    _panels.extend(panels)


def _chosen(page: str, access: Access, obj: Any) -> list[Panel]:
    if page not in PAGES:
        raise ValueError(f"unknown page {page!r}")
    chosen = (p for p in _panels if p.page == page and p.shows(access, obj))
    return sorted(chosen, key=lambda p: p.order)


def tabs_for(page: str, *, access: Access, obj: Any) -> list[Tab]:
    """The tabs the apps lend ``page`` for the acting user, in the order of their first
    panel (no query: the panels' contexts are not computed)."""
    seen: dict[str, Tab] = {}
    for p in _chosen(page, access, obj):
        if p.tab and p.tab not in seen:
            seen[p.tab] = Tab(p.tab, p.tab_label)
    return list(seen.values())


def panels_for(page: str, *, access: Access, obj: Any, tab: str | None = None) -> list[Shown]:
    """The panels of ``page`` about ``obj`` for the acting user, in order; with ``tab``,
    only those of that tab (and only their contexts are computed)."""
    chosen = _chosen(page, access, obj)
    if tab is not None:
        chosen = [p for p in chosen if p.tab == tab]
    return [Shown(p.template, p.context(access, obj)) for p in chosen]
