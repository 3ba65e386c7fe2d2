"""No internal codes, ids, library names or Django placeholders in what users read.

Every demo role's main pages are walked: the home page, every link of its menu, and from
each page reached the first link of every other page kind it offers (two steps deep), as a
user clicking around would. The text a user reads (text nodes, and the ``title``,
``placeholder`` and ``aria-label`` a browser shows) must hold no rule code (``ORG-MEETING``),
no library name (``chinesecalendar``), no ``pk=``/``id=`` details and no Django empty choice
(``---------``).

The audit trail and the data-change log show recorded details verbatim for the auditor; they
are left out here (their readable form is the shared table work's).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from hongfan.accounts.models import User

ROLES = ["city", "hosp", "sec", "member", "hosp2", "audit", "security", "sysadmin"]

BAD = [
    ("rule code", re.compile(r"\b[A-Z]{2,}(?:-[A-Z]{2,})+\b")),
    ("library name", re.compile(r"chinesecalendar", re.I)),
    ("key=value id", re.compile(r"(?:\b|_)(?:pk|id)\s*=", re.I)),
    ("Django empty choice", re.compile(r"-{5,}")),
]
SKIP_PREFIXES = ("/audit/", "/api/", "/static/", "/media/", "/accounts/logout")
MAX_PAGES = 60
DEPTH = 3
SHOWN_ATTRS = ("title", "placeholder", "aria-label")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1
        values = dict(attrs)
        self.parts += [values[a] or "" for a in SHOWN_ATTRS if a in values]
        if tag == "a" and (values.get("href") or "").startswith("/"):
            self.links.append(values["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _read(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def _kind(url: str) -> str | None:
    path = url.split("?", 1)[0].split("#", 1)[0]
    if path.startswith(SKIP_PREFIXES):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return f"{match.view_name}?{'q' if '?' in url else ''}"


def walk(client: Client) -> dict[str, str]:
    """The visible text of the pages one role reaches, by address."""
    seen_kinds: set[str] = set()
    texts: dict[str, str] = {}
    frontier = ["/"]
    for _ in range(DEPTH + 1):
        following: list[str] = []
        for url in frontier:
            if len(texts) >= MAX_PAGES:
                break
            response = client.get(url, follow=True)
            final = response.request["PATH_INFO"]
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            page = _read(response.content.decode())
            texts[final if final != url.split("?")[0] else url] = " ".join(page.parts)
            for link in page.links:
                kind = _kind(link)
                if kind and kind not in seen_kinds:
                    seen_kinds.add(kind)
                    following.append(link)
        frontier = following
    return texts


def offences(text: str) -> list[str]:
    found = []
    for name, pattern in BAD:
        for m in pattern.finditer(text):
            found.append(f"{name}: …{text[max(0, m.start() - 30) : m.end() + 30].strip()}…")
    return found


@pytest.mark.parametrize("role", ROLES)
def test_pages_show_no_codes_ids_or_library_names(role: str, db) -> None:
    client = Client()
    client.force_login(User.objects.get(username=role))
    texts = walk(client)
    assert len(texts) >= 2, texts.keys()
    problems = {url: offences(text) for url, text in texts.items()}
    problems = {url: found for url, found in problems.items() if found}
    assert not problems, "\n".join(f"{u}: {f}" for u, f in problems.items())


def test_the_walker_notices_a_code_an_id_and_a_placeholder() -> None:
    page = _read(
        "<p>规则 ORG-MEETING</p><select><option>---------</option></select>"
        "<span title='person_id=3'>x</span><script>var a='DED-ABSENT'</script>"
        "<small>chinesecalendar 1.11.0</small>"
    )
    found = offences(" ".join(page.parts))
    assert [f.split(":")[0] for f in found] == [
        "rule code",
        "library name",
        "key=value id",
        "Django empty choice",
    ]
