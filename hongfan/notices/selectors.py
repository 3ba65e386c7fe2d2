"""Reads of 消息: always the acting user's own notifications."""

from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import Http404

from hongfan.core.access import Access
from hongfan.notices.models import Notification


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


def unread_count(*, user_id: int | None) -> int:
    return Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).count()


def sent_pairs(keys: set[str], user_ids: set[int]) -> set[tuple[int, str]]:
    """Which (recipient id, key) pairs are already in the inbox (the dispatcher's idempotency
    check, registered with ``hongfan.core.notify.register_outbox``)."""
    return set(
        Notification.objects.filter(key__in=keys, recipient_id__in=user_ids).values_list(
            "recipient_id", "key"
        )
    )


def notifications_latest(*, access: Access, limit: int = 3) -> list[Notification]:
    """My newest notifications, read or not (the home page)."""
    if access.user_id is None:
        return []
    return list(
        Notification.objects.filter(recipient_id=access.user_id).order_by("-created_at", "-pk")[
            :limit
        ]
    )
