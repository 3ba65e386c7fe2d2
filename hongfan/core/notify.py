"""Sending notifications: the one door every module uses.

    notify(recipients=[user], title="支部党员大会提醒", body="…", link="/orglife/…",
           category="组织生活", key=f"orglife.reminder:{branch.pk}:{period}")

Messages are handed to the backends of ``settings.HONGFAN_NOTIFY_BACKENDS`` (dotted paths,
default the in-app inbox) only when the caller's transaction commits: a rolled-back write
notifies nobody. ``key`` makes a notification idempotent per recipient: the inbox is the
record of keys already sent, and a recipient who has one is skipped. A backend that fails is
logged and skipped; the other backends and the caller's request carry on.

Backends whose ``background`` flag is set (e-mail, SMS, WeChat: slow network calls) are run
by the huey worker (the notices app registers its queue and its record of sent keys with
``register_outbox``; core imports no app); the inbox is written at once.

Every message has a category (``CATEGORIES``: data, not ``if``s). Each backend delivers
through a channel (``NotifyBackend.channel``): the inbox always, the others (短信, 微信,
e-mail) as each recipient chose for that category in 消息设置, or by the category's default
(``Category.defaults``). A level ``IMPORTANT`` takes only messages sent with
``important=True`` (a meeting changed or cancelled). The choices of all recipients are read
in one query per ``notify`` call (``register_preferences``, lent by notices).
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


# --- categories and channels (data) ------------------------------------------------------

ALL = "all"
IMPORTANT = "important"
OFF = "off"
LEVELS: dict[str, str] = {ALL: "全部接收", IMPORTANT: "仅重要消息", OFF: "不接收"}

INBOX = "inbox"  # always delivered: the record of what was sent
SMS = "sms"
WECHAT = "wechat"
EMAIL = "email"
CHANNELS: dict[str, str] = {INBOX: "站内消息", SMS: "短信", WECHAT: "微信", EMAIL: "电子邮件"}
CHOOSABLE = (SMS, WECHAT, EMAIL)  # a recipient may turn these off (the inbox never)


@dataclass(frozen=True)
class Category:
    name: str  # stored on the message and shown to the user
    description: str  # what it covers, for 消息设置
    defaults: dict[str, str]  # channel -> level, for recipients who have not chosen

    def default(self, channel: str) -> str:
        return self.defaults.get(channel, ALL if channel in (WECHAT, EMAIL) else OFF)


ORGLIFE = "组织生活"
POINTS = "积分"
STUDY = "学习"
STARS = "季度之星"
DEVELOPMENT = "发展党员"
ACCOUNT = "账号"
SYSTEM = "系统"

# SMS by default only where a member must not miss it: their account, and a meeting moved
# or cancelled. WeChat and e-mail, when the site has them, by default for everything.
CATEGORIES: tuple[Category, ...] = (
    Category(ORGLIFE, "会议安排、变更和取消，请假，三会一课提醒", {SMS: IMPORTANT}),
    Category(POINTS, "积分申报、申诉的提交和审核结果", {}),
    Category(STUDY, "必学内容、考试", {}),
    Category(STARS, "季度之星公示和当选", {}),
    Category(DEVELOPMENT, "发展党员各步骤的办理和到期提醒", {}),
    Category(ACCOUNT, "账号开通和账号安全", {SMS: ALL}),
    Category(SYSTEM, "其他系统消息", {}),
)
CATEGORY_BY_NAME: dict[str, Category] = {c.name: c for c in CATEGORIES}
# Names used before the categories were data (rows are moved by notices' migration 0003).
CATEGORY_ALIASES: dict[str, str] = {"三会一课": ORGLIFE, "": SYSTEM}


def category_named(name: str) -> Category:
    """The category of a stored name; an unknown one follows 系统's defaults."""
    name = CATEGORY_ALIASES.get(name, name)
    return CATEGORY_BY_NAME.get(name) or CATEGORY_BY_NAME[SYSTEM]


@dataclass(frozen=True)
class Message:
    user: User
    title: str
    body: str
    link: str = ""
    category: str = ""
    key: str = ""
    important: bool = False  # taken by channels set to IMPORTANT (e.g. SMS for a change)


class NotifyBackend(ABC):
    """A way of delivering messages (an interface: the backends are in
    hongfan/notices/backends.py). ``send`` receives every message of one ``notify`` call;
    it may raise, and the dispatcher logs that and goes on with the next backend.

    ``channel`` says which of the recipient's choices applies: ``INBOX`` (or "" for a
    backend outside the choices) gets every message; ``SMS``, ``WECHAT`` and ``EMAIL`` only
    the messages their recipients receive on that channel."""

    background: ClassVar[bool] = False  # run in the huey worker, not in the request
    channel: ClassVar[str] = ""
    channel_label: ClassVar[str] = ""  # shown in 消息设置 (defaults to CHANNELS[channel])

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
    category: str = SYSTEM,
    key: str = "",
    important: bool = False,
) -> int:
    """Queue a notification for each active recipient; returns how many were queued
    (recipients who already have ``key`` are not counted). Delivery happens on commit.

    ``category`` is one of ``CATEGORIES`` (the recipients' channel choices follow it);
    ``important`` marks a message that channels set to "仅重要消息" take too."""
    title = title.strip()
    category = CATEGORY_ALIASES.get(category, category)
    if category not in CATEGORY_BY_NAME:
        logger.warning("notification category %r is not one of CATEGORIES", category)
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
        Message(
            user=u,
            title=title,
            body=body,
            link=link,
            category=category,
            key=key,
            important=important,
        )
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
    choices: Choices | None = None
    for path in settings.HONGFAN_NOTIFY_BACKENDS:
        try:
            backend = load_backend(path)
            wanted = messages
            if backend.channel in CHOOSABLE:
                if choices is None:  # one query for every recipient and channel
                    choices = _choices({m.user.pk for m in messages})
                wanted = [m for m in messages if receives(choices, m, backend.channel)]
                if not wanted:
                    continue
            if backend.background and _outbox.enqueue is not None:
                _outbox.enqueue(path, [message_to_dict(m) for m in wanted])
            else:
                backend.send(wanted)
        except Exception:
            logger.exception("notification backend %s failed (%d messages)", path, len(messages))


def receives(choices: Choices, message: Message, channel: str) -> bool:
    """Whether ``message``'s recipient takes it on ``channel``: their choice for its category,
    or the category's default."""
    category = category_named(message.category)
    level = choices.get((message.user.pk, category.name, channel)) or category.default(channel)
    return level == ALL or (level == IMPORTANT and message.important)


def configured_channels() -> list[tuple[str, str]]:
    """The choosable channels of the configured backends, as (channel, label): what
    消息设置 offers (no 短信 row on a site without an SMS backend)."""
    found: dict[str, str] = {}
    for path in settings.HONGFAN_NOTIFY_BACKENDS:
        try:
            cls = import_string(path)
        except ImportError:
            continue
        channel = getattr(cls, "channel", "")
        if channel in CHOOSABLE and channel not in found:
            found[channel] = getattr(cls, "channel_label", "") or CHANNELS[channel]
    return [(c, found[c]) for c in CHOOSABLE if c in found]


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
        "important": message.important,
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


# --- what accounts and notices lend the backends --------------------------------------------
#
# The recipients' channel choices (notices) and their WeChat identities (accounts: the
# openid or 企业微信 userid bound to a login) are read through callables registered in
# AppConfig.ready, so that core and the backends import neither app.

Choices = dict[tuple[int, str, str], str]  # (user id, category, channel) -> level
PreferencesLookup = Callable[[set[int]], Choices]
WechatIdsLookup = Callable[[set[int], str], dict[int, str]]


@dataclass
class _Lookups:
    preferences: PreferencesLookup | None = None
    wechat_ids: WechatIdsLookup | None = None


_lookups = _Lookups()


def register_preferences(lookup: PreferencesLookup | None) -> None:
    """Called by notices: ``lookup(user_ids)`` answers, in one query, the levels the users
    chose, as {(user id, category, channel): level}; missing pairs take the defaults."""
    _lookups.preferences = lookup


def register_wechat_ids(lookup: WechatIdsLookup | None) -> None:
    """Called by the app that binds WeChat identities (accounts): ``lookup(user_ids, kind)``
    answers {user id: openid or userid} for ``kind`` "work" (企业微信) or "mp" (公众号)."""
    _lookups.wechat_ids = lookup


def wechat_ids(user_ids: set[int], kind: str) -> dict[int, str]:
    """The bound WeChat identities of ``user_ids`` (none while no app provides them)."""
    if _lookups.wechat_ids is None or not user_ids:
        return {}
    return _lookups.wechat_ids(user_ids, kind)


def _choices(user_ids: set[int]) -> Choices:
    if _lookups.preferences is None:
        return {}
    return _lookups.preferences(user_ids)


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
    "CATEGORIES",
    "Category",
    "Message",
    "NotifyBackend",
    "configured_channels",
    "deliver",
    "is_local_path",
    "is_safe_link",
    "notify",
    "register_preferences",
    "register_wechat_ids",
    "wechat_ids",
]
