"""Reads of 消息: always the acting user's own notifications."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.http import Http404

from hongfan.core.access import Access
from hongfan.core.notify import CATEGORIES, LEVELS, Category, Choices, configured_channels
from hongfan.core.prepared import PreparedQuery
from hongfan.notices.models import Notification, NotificationPreference


def notification_list(*, access: Access) -> QuerySet[Notification]:
    """My notifications: unread first, then newest."""
    return (
        Notification.objects.filter(recipient_id=access.user_id)
        .annotate(is_unread=ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField()))
        .order_by("-is_unread", "-created_at", "-pk")
    )


def notification_get(*, access: Access, pk: int) -> Notification:
    """One of my notifications; anyone else's is a 404."""
    notification = Notification.objects.filter(recipient_id=access.user_id, pk=pk).first()
    if notification is None:
        raise Http404("没有这条消息")
    return notification


def _unread_query(user_id: int) -> QuerySet[Any]:
    return (
        Notification.objects.filter(recipient_id=user_id, read_at__isnull=True)
        .values("recipient_id")
        .annotate(n=Count("pk"))
        .values_list("n")
        .order_by()
    )


# The 消息 badge of every page: compiled once per process (hongfan.core.prepared).
_UNREAD = PreparedQuery(_unread_query)


def unread_count(*, user_id: int | None) -> int:
    if user_id is None:
        return 0
    rows = _UNREAD.rows(user_id)
    return int(rows[0][0]) if rows else 0


def sent_pairs(keys: set[str], user_ids: set[int]) -> set[tuple[int, str]]:
    """Which (recipient id, key) pairs are already in the inbox (the dispatcher's idempotency
    check, registered with ``hongfan.core.notify.register_outbox``)."""
    return set(
        Notification.objects.filter(key__in=keys, recipient_id__in=user_ids).values_list(
            "recipient_id", "key"
        )
    )


def preference_levels(user_ids: set[int]) -> Choices:
    """The levels ``user_ids`` chose, in one query: {(user id, category, channel): level}
    (the dispatcher's lookup, registered with ``hongfan.core.notify.register_preferences``)."""
    rows = NotificationPreference.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "category", "channel", "level"
    )
    return {(user_id, category, channel): level for user_id, category, channel, level in rows}


@dataclass(frozen=True)
class ChannelChoice:
    channel: str
    label: str
    level: str  # what applies now: the user's choice or the default
    default: str

    @property
    def default_label(self) -> str:
        return LEVELS[self.default]


@dataclass(frozen=True)
class PreferenceRow:
    category: Category
    channels: list[ChannelChoice]


def preference_table(*, access: Access) -> list[PreferenceRow]:
    """消息设置: for every category, the level of each channel this site has (the inbox
    is always on and not listed)."""
    channels = configured_channels()
    chosen = preference_levels({access.user_id}) if access.user_id and channels else {}
    return [
        PreferenceRow(
            category=category,
            channels=[
                ChannelChoice(
                    channel=channel,
                    label=label,
                    level=chosen.get((access.user_id, category.name, channel))  # type: ignore[arg-type]
                    or category.default(channel),
                    default=category.default(channel),
                )
                for channel, label in channels
            ],
        )
        for category in CATEGORIES
    ]


def notifications_latest(*, access: Access, limit: int = 3) -> list[Notification]:
    """My newest notifications, read or not (the home page)."""
    if access.user_id is None:
        return []
    return list(
        Notification.objects.filter(recipient_id=access.user_id).order_by("-created_at", "-pk")[
            :limit
        ]
    )
