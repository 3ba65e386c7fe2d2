"""The menu, collected from the apps (as NetBox collects its plugins' menus).

Each app declares its entries in its own ``nav.py`` and registers them in
``AppConfig.ready``; core composes the bar for the acting user and imports no app. Adding
an app means adding its ``nav.py``, never editing core.

An entry is shown to an *audience* (a way of acting on the platform) and sits in a *place*:
at the head of the bar (before the groups), in one of the groups (组织 / 组织生活 / 学习 /
积分 / 我的, shown as dropdowns, or as a plain link when a group holds one link), or at
the tail. Within a place, entries follow the audiences' order, then their ``order``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from hongfan.core.access import Access
from hongfan.core.dates import today
from hongfan.core.roles import Role

HEAD, TAIL = "head", "tail"
GROUPS = ("组织", "组织生活", "学习", "积分", "为民服务", "我的")

# Audiences, in the order their entries appear within a place, and who belongs to each.
# A secretary who is also a hospital admin acts as the admin (the branch view is implied).
AUDIENCES: dict[str, Callable[[Access], bool]] = {
    "city": lambda a: a.is_city,
    "hospital": lambda a: bool(a.hospital_ids),
    "branch": lambda a: bool(a.branch_ids) and not a.hospital_ids,
    # 护理部 (an office role, granted for one hospital): its home-nursing pages only.
    "nursing": lambda a: bool(a.office_hospital_ids(Role.NURSING_OFFICE)),
    "member": lambda a: a.has(Role.MEMBER) and a.person_id is not None,
    "auditor": lambda a: a.has(Role.AUDITOR),
    "security": lambda a: a.has(Role.SECURITY_ADMIN),
    "system": lambda a: a.has(Role.SYSTEM_ADMIN),
    "user": lambda a: a.user_id is not None,
}

Url = Callable[[Access], str]
Link = tuple[str, str]
# A bar entry: a link, or a titled group of links shown as a dropdown.
Entry = tuple[str, str | list[Link]]


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url: str | Url  # a URL name, or a function of the acting user giving the address
    audience: str
    place: str = HEAD  # HEAD, TAIL or one of GROUPS
    order: int = 0
    when: Callable[[Access], bool] | None = None  # shown only if this also holds

    def __post_init__(self) -> None:
        if self.audience not in AUDIENCES:
            raise ValueError(f"unknown audience {self.audience!r}")
        if self.place not in (HEAD, TAIL, *GROUPS):
            raise ValueError(f"unknown place {self.place!r}")

    def href(self, access: Access) -> str:
        return self.url(access) if callable(self.url) else reverse(self.url)


@dataclass(frozen=True)
class TabEntry:
    """A tab of the bottom bar a phone shows (首页 / 学习 / 积分 / 我的): few, and always there.
    ``icon`` names one of the bar's drawings (home, study, points, me); ``match`` is the
    start of the addresses that light it (its own address when empty)."""

    label: str
    url: str | Url
    audience: str
    order: int = 0
    icon: str = ""
    match: str = ""

    def __post_init__(self) -> None:
        if self.audience not in AUDIENCES:
            raise ValueError(f"unknown audience {self.audience!r}")

    def href(self, access: Access) -> str:
        return self.url(access) if callable(self.url) else reverse(self.url)


@dataclass(frozen=True)
class Tab:
    label: str
    href: str
    icon: str
    active: bool


@dataclass
class _Registry:
    entries: list[MenuEntry]
    tabs: list[TabEntry] = field(default_factory=list)
    inbox: str | None = None  # the URL name of the inbox (消息), whose badge counts unread
    unread: Callable[[int], int] | None = None


_registry = _Registry(entries=[])


def register(*entries: MenuEntry) -> None:
    """Called by an app's ``AppConfig.ready`` with its menu entries."""
    _registry.entries.extend(entries)
    _menu_memo.clear()
    _menu_html_memo.clear()


def register_tabs(*tabs: TabEntry) -> None:
    """Called by an app's ``AppConfig.ready`` with its tabs of the phone's bottom bar."""
    _registry.tabs.extend(tabs)
    _tab_memo.clear()


def tab_bar(access: Access, path: str) -> list[Tab]:
    """The phone's bottom bar for the acting user (none for an audience without tabs), the
    tab of ``path`` lit: the one whose address, or ``match``, starts it most closely."""
    key = (access, today())
    memo = _tab_memo.get(key)
    if memo is None:
        chosen = sorted(
            (t for t in _registry.tabs if AUDIENCES[t.audience](access)), key=lambda t: t.order
        )
        memo = (chosen, [t.href(access) for t in chosen])
        if len(_tab_memo) >= _MENU_MEMO_MAX:
            _tab_memo.clear()
        _tab_memo[key] = memo
    chosen, hrefs = memo
    best, best_len = -1, 0
    for i, (t, href) in enumerate(zip(chosen, hrefs, strict=True)):
        prefix = t.match or href
        hit = path == href or (prefix != "/" and path.startswith(prefix))
        if hit and len(prefix) > best_len:
            best, best_len = i, len(prefix)
    return [
        Tab(t.label, href, t.icon, i == best)
        for i, (t, href) in enumerate(zip(chosen, hrefs, strict=True))
    ]


def register_inbox(*, url_name: str, unread: Callable[[int], int]) -> None:
    """Called by the inbox app: where 消息 is, and how many of a user's are unread."""
    _registry.inbox = url_name
    _registry.unread = unread


def _place_links(access: Access, place: str, audiences: list[str]) -> list[Link]:
    links: list[Link] = []
    for audience in audiences:
        chosen = [
            e
            for e in _registry.entries
            if e.place == place and e.audience == audience and (e.when is None or e.when(access))
        ]
        links += [(e.label, e.href(access)) for e in sorted(chosen, key=lambda e: e.order)]
    return links


# (perf, issue 11 §2) The bar is a function of the registry, the user's ``Access`` (roles and
# ids) and the day (an entry's address may name the year), and building it costs ~40
# ``reverse()`` calls: each process keeps the bars it has built, keyed by exactly those.
# A change of role gives another ``Access``, hence another key; ``register`` forgets them.
_MENU_MEMO_MAX = 2048
_menu_memo: dict[tuple[Access, date], list[Entry]] = {}
# the tabs chosen for an ``Access`` and their addresses, memoised like the menu (the lit tab
# depends on the path and is worked out per request)
_tab_memo: dict[tuple[Access, date], tuple[list[TabEntry], list[str]]] = {}


def menu(access: Access) -> list[Entry]:
    """The bar a user sees: it follows their roles (pages check access again themselves)."""
    key = (access, today())
    bar = _menu_memo.get(key)
    if bar is None:
        bar = _menu(access)
        if len(_menu_memo) >= _MENU_MEMO_MAX:
            _menu_memo.clear()
        _menu_memo[key] = bar
    # a copy of the list, so that a caller may not change the memo
    return [(label, list(target) if isinstance(target, list) else target) for label, target in bar]


def _menu(access: Access) -> list[Entry]:
    audiences = [name for name, belongs in AUDIENCES.items() if belongs(access)]
    bar: list[Entry] = list(_place_links(access, HEAD, audiences))
    for title in GROUPS:
        links = _place_links(access, title, audiences)
        if len(links) == 1:
            bar.append(links[0])
        elif links:
            bar.append((title, links))
    bar += _place_links(access, TAIL, audiences)
    return bar


def inbox_url() -> str:
    return reverse(_registry.inbox) if _registry.inbox else ""


def unread_counter(user_id: int | None) -> Any:
    """The 消息 badge for ``user_id`` (counted only when a page renders it), or None."""
    if user_id is None or _registry.unread is None:
        return None
    return UnreadCount(user_id, _registry.unread)


class UnreadCount:
    """The 消息 badge: counted once, and only when a page renders it (one query)."""

    def __init__(self, user_id: int, count_for: Callable[[int], int]) -> None:
        self.user_id = user_id
        self._count_for = count_for
        self._count: int | None = None

    @property
    def count(self) -> int:
        if self._count is None:
            self._count = self._count_for(self.user_id)
        return self._count

    def __bool__(self) -> bool:
        return self.count > 0

    def __str__(self) -> str:
        return "99+" if self.count > 99 else str(self.count)


# One top-level item of the bar, pre-escaped: (address, HTML before " active", HTML after it up
# to the badge, end) for a link; (None, head, [(address, before, after)], end) for a dropdown.
_Piece = tuple[str | None, str, Any, str]
_menu_html_memo: dict[tuple[Access, date], list[_Piece]] = {}


def _menu_pieces(items: list[Entry]) -> list[_Piece]:
    pieces: list[_Piece] = []
    for label, target in items:
        if isinstance(target, str):
            after = format_html('" href="{}">{}', target, label)
            pieces.append(
                (target, '<li class="nav-item"><a class="nav-link text-nowrap', after, "</a></li>")
            )
        else:
            head = format_html(
                '<li class="nav-item dropdown"><a class="nav-link dropdown-toggle text-nowrap" '
                'href="#" role="button" data-bs-toggle="dropdown" aria-expanded="false">{}</a>'
                '<ul class="dropdown-menu">',
                label,
            )
            links = [
                (
                    url,
                    '<li><a class="dropdown-item',
                    format_html('" href="{}">{}</a></li>', url, text),
                )
                for text, url in target
            ]
            pieces.append((None, head, links, "</ul></li>"))
    return pieces


class MenuHtml:
    """The items of the top bar's ``<ul class="navbar-nav">`` for ``path`` (the link of the
    page lit, the 消息 badge on the inbox link), made when a page renders it from pieces
    escaped once per (Access, day) like the menu itself: the markup the template loop in
    base.html made, without its per-item template work (issue 11 §2)."""

    def __init__(self, access: Access, path: str, inbox: str, unread: Any) -> None:
        self.access, self.path, self.inbox, self.unread = access, path, inbox, unread

    def __html__(self) -> str:
        key = (self.access, today())
        pieces = _menu_html_memo.get(key)
        if pieces is None:
            pieces = _menu_pieces(menu(self.access))
            if len(_menu_html_memo) >= _MENU_MEMO_MAX:
                _menu_html_memo.clear()
            _menu_html_memo[key] = pieces
        path, parts = self.path, []
        for target, before, after, end in pieces:
            if target is not None:
                parts += [before, " active" if path == target else "", after]
                if target == self.inbox and self.unread:
                    parts.append(
                        format_html(
                            ' <span class="badge rounded-pill text-bg-warning" title="未读消息">'
                            "{}</span>",
                            self.unread,
                        )
                    )
            else:
                parts.append(before)
                for url, link_before, link_after in after:
                    parts += [link_before, " active" if path == url else "", link_after]
            parts.append(end)
        return mark_safe("".join(parts))  # noqa: S308 (the variable parts went through format_html)

    __str__ = __html__
