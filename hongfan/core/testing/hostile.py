"""The vocabulary of the hostile-input walk (hongfan/tests/test_hostile_input.py): the hostile
values a request may carry, the forms of a page read from its HTML, and what "a rejected
write changed nothing" means (no write statement, or the same rows).

It imports no app, so any test may use it whatever its layer."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

from django.db import connection
from django.test.utils import CaptureQueriesContext

HUGE = 10**30
# Each hostile value with a short name for the failure message.
INTEGERS = {
    "huge": str(HUGE),
    "-huge": str(-HUGE),
    "2**63": str(2**63),
    "-2**63-1": str(-(2**63) - 1),
    "zero-padded": "0" * 30 + "1",
}
TEXTS = {
    "nul": "1\x00",
    "100k": "壹" * 100_000,
    "rtl": "\u202e1",
    "fullwidth-digits": "１２",
}
DATES = {
    "2024-02-30": "2024-02-30",
    "0001-01-01": "0001-01-01",
    "9999-12-31": "9999-12-31",
    "2024-13-01": "2024-13-01",
}
HOSTILE: dict[str, str] = {**INTEGERS, **TEXTS, **DATES}

# The query parameters the project's pages read (views, FilterSets, the forms on the pages);
# the walk adds the names of every field of a page's GET forms.
KNOWN_PARAMS = (
    "branch",
    "hospital",
    "department",
    "person",
    "meeting",
    "year",
    "q",
    "page",
    "sort",
    "status",
    "political_status",
    "kind",
    "period",
    "at",
    "scope",
    "tab",
    "state",
    "start",
    "date",
    "date_from",
    "date_to",
    "from",
    "to",
    "by",
    "behind",
    "next",
    "required",
    "withdrawn",
    "expired",
    "direct",
    "timeout",
    "active",
    "actor",
    "model",
)


@dataclass
class ParsedForm:
    """A ``<form>`` as a browser would submit it untouched: its method, the URL it posts to,
    and its fields (name, value) in document order, with the kind of each field."""

    method: str
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)

    def data(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for name, value in self.fields:
            out.setdefault(name, []).append(value)
        return out


class _FormParser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[ParsedForm] = []
        self._form: ParsedForm | None = None
        self._select: tuple[str, bool] | None = None  # name, multiple
        self._options: list[tuple[str, bool]] = []
        self._option: list[str] | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._submit_named = False

    def handle_starttag(  # noqa: C901 (one branch per tag, as HTML has them)
        self, tag: str, attrs_list: list[tuple[str, str | None]]
    ) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            action = urljoin(self.page_url, attrs.get("action") or self.page_url)
            self._form = ParsedForm(method=method, action=action.split("#")[0])
            self._submit_named = False
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or "disabled" in attrs:
            return
        name = attrs.get("name", "")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind == "file":
                form.files.add(name)
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                form.kinds.setdefault(name, kind)
                return
            if kind in ("submit", "image", "button"):
                if self._submit_named or kind == "button":
                    return
                self._submit_named = True
            form.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
            form.kinds.setdefault(name, kind)
        elif tag == "button" and name and (attrs.get("type") or "submit") == "submit":
            if not self._submit_named:
                self._submit_named = True
                form.fields.append((name, attrs.get("value", "")))
                form.kinds.setdefault(name, "submit")
        elif tag == "select" and name:
            self._select = (name, "multiple" in attrs)
            self._options = []
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value", "\0unset"), "selected" in attrs]  # type: ignore[list-item]
            self._options.append(("", False))
        elif tag == "textarea" and name:
            self._textarea = (name, [])

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)
        if self._option is not None and self._option[0] == "\0unset":
            self._option[0] = data.strip()

    def handle_endtag(self, tag: str) -> None:
        form = self._form
        if tag == "option" and self._option is not None:
            self._options[-1] = (str(self._option[0]), bool(self._option[1]))
            self._option = None
        elif tag == "select" and self._select is not None and form is not None:
            name, multiple = self._select
            picked = [v for v, sel in self._options if sel]
            if not picked and not multiple and self._options:
                picked = [self._options[0][0]]
            form.fields += [(name, v) for v in picked]
            form.kinds.setdefault(name, "select-multiple" if multiple else "select")
            self._select = None
        elif tag == "textarea" and self._textarea is not None and form is not None:
            name, text = self._textarea
            form.fields.append((name, "".join(text).removeprefix("\n")))
            form.kinds.setdefault(name, "textarea")
            self._textarea = None
        elif tag == "form":
            self._form = None


def page_forms(html: str, page_url: str) -> list[ParsedForm]:
    """The forms of a page (``<form>`` with its inputs, selects and text areas)."""
    parser = _FormParser(page_url)
    parser.feed(html)
    parser.close()
    return parser.forms


# The kind of hostile value a form field gets, by the field's type.
_KINDS = {
    "select": "id",
    "select-multiple": "id",
    "hidden": "id",
    "radio": "id",
    "checkbox": "id",
    "number": "id",
    "date": "date",
    "datetime-local": "date",
    "month": "date",
}


# Tables a rejected request may write: the session, the login-failure records (django-axes),
# the security audit trail with its chain seals (a refused request is audited) and django-otp's devices (a wrong
# code counts towards the device's throttling, by design).
EXPECTED_WRITES = re.compile(
    r"django_session|axes_|core_auditevent|core_auditseal|core_auditchainhead|otp_", re.I
)
_WRITE = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+[\"`]?(\w+)", re.I)


def tables_written(queries: CaptureQueriesContext) -> set[str]:
    """The tables the captured statements inserted into, updated or deleted from, but for
    those a rejected request may write."""
    written = set()
    for q in queries.captured_queries:
        m = _WRITE.match(q["sql"])
        if m and not EXPECTED_WRITES.search(m.group(2)):
            written.add(m.group(2))
    return written


def table_digest(tables: set[str]) -> dict[str, str]:
    """Each table's rows as one digest (row count and a hash of every row, in key order)."""
    out = {}
    with connection.cursor() as cursor:
        for table in sorted(tables):
            sql = f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1"  # noqa: S608
            cursor.execute(sql)
            h = hashlib.sha256()
            n = 0
            for row in cursor.fetchall():
                h.update(repr(row).encode())
                n += 1
            out[table] = f"{n}:{h.hexdigest()[:16]}"
    return out


# Sent to every field of a form at once: values a field refuses by itself (Django cleans
# every field, so each field's refusal is reached whatever the others hold).
EVERY_FIELD = ("huge", "-huge", "2**63", "nul", "2024-02-30")
# Sent to one field at a time, the others as the page offered them: values a field may
# accept, so that what lies behind the form (a service, a query) sees them.
ONE_FIELD = {
    "id": ("huge",),
    "date": ("0001-01-01", "9999-12-31", "2024-13-01"),
    "text": ("rtl", "100k"),
}


def cases(form: ParsedForm) -> Iterator[tuple[str, dict[str, Any]]]:
    """The form with every field set to one hostile value at a time; then each field alone
    with the values of its kind that it may accept; then every field repeated, and nothing
    at all (the caller keeps the CSRF token)."""
    data = form.data()
    names = [n for n in data if n != "csrfmiddlewaretoken"]
    names += [n for n in form.kinds if n not in data]  # unchecked boxes, empty selects
    for label in EVERY_FIELD:
        yield f"every field={label}", {**data, **dict.fromkeys(names, [HOSTILE[label]])}
    for name in names:
        for label in ONE_FIELD[_KINDS.get(form.kinds.get(name, "text"), "text")]:
            yield f"{name}={label}", {**data, name: [HOSTILE[label]]}
    yield "every field repeated", {k: [*v, HOSTILE["huge"]] for k, v in data.items()}
    yield "nothing", {}
