"""Sending notifications: the one door every module uses.

    notify(recipients=[user], title="支部党员大会提醒", body="…", link="/orglife/…",
           category="三会一课", key=f"orglife.reminder:{branch.pk}:{period}")

Messages are handed to the backends of ``settings.HONGFAN_NOTIFY_BACKENDS`` (dotted paths,
default the in-app inbox) only when the caller's transaction commits: a rolled-back write
notifies nobody. ``key`` makes a notification idempotent per recipient: the inbox is the
record of keys already sent, and a recipient who has one is skipped. A backend that fails is
logged and skipped; the other backends and the caller's request carry on.

Backends whose ``background`` flag is set (e-mail, SMS: slow network calls) are run by the
huey worker (the notices app registers its queue and its record of sent keys with
``register_outbox``; core imports no app); the inbox is written at once.
"""

from __future__ import annotations

import logging
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from hongfan.accounts.models import User  # types only

logger = logging.getLogger("hongfan.notify")

TITLE_MAX = 200
LINK_MAX = 500
KEY_MAX = 200
CATEGORY_MAX = 32
# A link is a local path ("/orglife/3/") or an absolute http(s) URL; nothing else is ever
# rendered as a link (no javascript:, no protocol-relative //host).
_SAFE_LINK = re.compile(r"^(/(?![/\\])|https?://)[^\s\x00-\x1f\x7f]*$")


@dataclass(frozen=True)
class Message:
    user: User
    title: str
    body: str
    link: str = ""
    category: str = ""
    key: str = ""


class NotifyBackend(ABC):
    """A way of delivering messages (an interface: the backends are in
    hongfan/notices/backends.py). ``send`` receives every message of one ``notify`` call;
    it may raise, and the dispatcher logs that and goes on with the next backend."""

    background: ClassVar[bool] = False  # run in the huey worker, not in the request

    @abstractmethod
    def send(self, messages: list[Message]) -> None: ...


def is_safe_link(link: str) -> bool:
    return link == "" or bool(_SAFE_LINK.match(link))


def is_local_path(link: str) -> bool:
    """A path on this site ("/points/me/"), never "//evil.example" or "/\\evil.example"."""
    return link.startswith("/") and is_safe_link(link)


def notify(
    *,
    recipients: Iterable[User],
    title: str,
    body: str,
    link: str = "",
    category: str = "",
    key: str = "",
) -> int:
    """Queue a notification for each active recipient; returns how many were queued
    (recipients who already have ``key`` are not counted). Delivery happens on commit."""
    title = title.strip()
    if not title:
        raise ValueError("a notification needs a title")
    if len(link) > LINK_MAX or not is_safe_link(link):
        raise ValueError(f"notification link must be a local path or an http(s) URL: {link!r}")
    if len(key) > KEY_MAX or len(category) > CATEGORY_MAX:
        raise ValueError("notification key or category is too long")
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1] + "…"

    users: dict[int, User] = {}
    for user in recipients:
        if user is not None and user.pk is not None and user.is_active:
            users.setdefault(user.pk, user)
    if key and users:
        for user_id in _already_sent(key, list(users)):
            users.pop(user_id, None)
    messages = [
        Message(user=u, title=title, body=body, link=link, category=category, key=key)
        for u in users.values()
    ]
    if messages:
        transaction.on_commit(partial(deliver, messages), robust=True)
    return len(messages)


def deliver(messages: list[Message]) -> None:
    """Hand ``messages`` to every configured backend (called on commit)."""
    messages = _drop_already_sent(messages)
    if not messages:
        return
    for path in settings.HONGFAN_NOTIFY_BACKENDS:
        try:
            backend = load_backend(path)
            if backend.background and _outbox.enqueue is not None:
                _outbox.enqueue(path, [message_to_dict(m) for m in messages])
            else:
                backend.send(messages)
        except Exception:
            logger.exception("notification backend %s failed (%d messages)", path, len(messages))


def send_with(path: str, messages: list[Message]) -> None:
    """Run one backend now (the worker's side of a background backend); failures are logged."""
    try:
        load_backend(path).send(messages)
    except Exception:
        logger.exception("notification backend %s failed (%d messages)", path, len(messages))


def load_backend(path: str) -> NotifyBackend:
    cls = import_string(path)
    if not (isinstance(cls, type) and issubclass(cls, NotifyBackend)):
        raise TypeError(f"{path} is not a NotifyBackend")
    return cls()


def message_to_dict(message: Message) -> dict[str, Any]:
    """A message as plain data for the task queue (the user by primary key)."""
    return {
        "user_id": message.user.pk,
        "title": message.title,
        "body": message.body,
        "link": message.link,
        "category": message.category,
        "key": message.key,
    }


def messages_from_dicts(rows: list[dict[str, Any]]) -> list[Message]:
    from django.contrib.auth import get_user_model

    ids = {row["user_id"] for row in rows}
    users = get_user_model().objects.select_related("person").in_bulk(ids)
    out = []
    for row in rows:
        user = users.get(row["user_id"])
        if user is not None and user.is_active:
            values = {k: v for k, v in row.items() if k != "user_id"}
            out.append(Message(user=user, **values))
    return out


# --- the outbox: what the inbox app lends the dispatcher -------------------------------------
#
# Which (user, key) pairs were already sent, and how a slow backend is queued for the worker,
# are answered by the notices app, one layer up; it registers them in its AppConfig.ready
# (core imports no app). Without it, keys are not checked and slow backends run at once.

SentPairs = Callable[[set[str], set[int]], set[tuple[int, str]]]
Enqueue = Callable[[str, list[dict[str, Any]]], Any]


@dataclass
class _Outbox:
    sent_pairs: SentPairs | None = None
    enqueue: Enqueue | None = None


_outbox = _Outbox()


def register_outbox(*, sent_pairs: SentPairs, enqueue: Enqueue) -> None:
    """Called once by the notices app: ``sent_pairs(keys, user_ids)`` answers which
    (user id, key) pairs are already delivered; ``enqueue(path, rows)`` hands a slow backend's
    messages (as ``message_to_dict`` rows) to the worker."""
    _outbox.sent_pairs = sent_pairs
    _outbox.enqueue = enqueue


def _already_sent(key: str, user_ids: list[int]) -> set[int]:
    if _outbox.sent_pairs is None:
        return set()
    return {user_id for user_id, _ in _outbox.sent_pairs({key}, set(user_ids))}


def _drop_already_sent(messages: list[Message]) -> list[Message]:
    """Check the keys again at commit time: another transaction may have sent them since."""
    keys = {m.key for m in messages if m.key}
    if not keys or _outbox.sent_pairs is None:
        return messages
    sent = _outbox.sent_pairs(keys, {m.user.pk for m in messages if m.key})
    return [m for m in messages if not m.key or (m.user.pk, m.key) not in sent]


__all__ = [
    "Message",
    "NotifyBackend",
    "deliver",
    "is_local_path",
    "is_safe_link",
    "notify",
]
