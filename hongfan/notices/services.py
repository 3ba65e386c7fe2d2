"""Writes of 消息. Sending goes through ``hongfan.core.notify.notify``; here a user marks
their own notifications read."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from hongfan.notices.models import Notification


@transaction.atomic
def notification_mark_read(*, user: Any, notification: Notification) -> Notification:
    if notification.recipient_id != user.pk:  # selectors already give a 404; belt and braces
        raise PermissionDenied("只能标记自己的消息")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user: Any) -> int:
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
