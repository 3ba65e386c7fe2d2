"""Sections that a higher app lends to a lower app's page (as ``hongfan.core.nav`` collects
menu entries): the person page and the hospital page of org show the 季度之星 of
recognition, and the person page the appraisal grades of orglife, without importing those
apps.

An app registers its panels in ``AppConfig.ready``; a panel names the page it belongs on,
the template that draws it, a function of the acting user and the page's object giving
the template's context, and its order on the page. The page's view calls ``panels_for``
(the reads run there, scoped by the acting user, as the view's own reads do) and its
template draws each with ``{% load panels %}{% for p in panels %}{% panel p %}{% endfor %}``,
which renders like ``{% include p.template with <context> %}``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hongfan.core.access import Access

PERSON, HOSPITAL = "person", "hospital"
PAGES = (PERSON, HOSPITAL)

Context = Callable[[Access, Any], dict[str, Any]]


@dataclass(frozen=True)
class Panel:
    page: str  # PERSON or HOSPITAL
    template: str
    context: Context  # (acting user, the page's person or hospital) -> template context
    order: int = 0

    def __post_init__(self) -> None:
        if self.page not in PAGES:
            raise ValueError(f"unknown page {self.page!r}")


@dataclass(frozen=True)
class Shown:
    """A panel ready to draw: its template and the context computed for this request."""

    template: str
    context: dict[str, Any]


_panels: list[Panel] = []


def register(*panels: Panel) -> None:
    """Called by an app's ``AppConfig.ready`` with its panels."""
    _panels.extend(panels)


def panels_for(page: str, *, access: Access, obj: Any) -> list[Shown]:
    """The panels of ``page`` about ``obj`` for the acting user, in order."""
    if page not in PAGES:
        raise ValueError(f"unknown page {page!r}")
    chosen = sorted((p for p in _panels if p.page == page), key=lambda p: p.order)
    return [Shown(p.template, p.context(access, obj)) for p in chosen]
