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


def sms_send(*, mobile: str, text: str) -> bool:
    """Send one text to one number now, outside the inbox (an SMS login code): through the
    first SMS backend of ``HONGFAN_NOTIFY_BACKENDS`` (``HttpSmsBackend`` in production), or
    ``LogSmsBackend`` outside production when none is configured. False when there is no
    SMS backend or it failed (logged, masked); the caller decides what the user is told."""
    import logging

    from django.conf import settings
    from django.utils.module_loading import import_string

    from hongfan.core import pii
    from hongfan.notices.backends import LogSmsBackend, SmsBackend

    backend: SmsBackend | None = None
    production = settings.HONGFAN_ENV == "prod"
    for path in settings.HONGFAN_NOTIFY_BACKENDS:
        cls = import_string(path)
        # the log backend writes the text to the log: never a code in production
        if isinstance(cls, type) and issubclass(cls, SmsBackend):
            if not (production and issubclass(cls, LogSmsBackend)):
                backend = cls()
                break
    if backend is None and not production:
        backend = LogSmsBackend()
    if backend is None:
        return False
    try:
        backend.send_sms(mobile, text)
    except Exception as exc:
        logging.getLogger("hongfan.notify").warning(
            "SMS to %s failed: %s", pii.mask_mobile(mobile), type(exc).__name__
        )
        return False
    return True
