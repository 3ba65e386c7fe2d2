"""Writes of 消息. Sending goes through ``hongfan.core.notify.notify``; here a user marks
their own notifications read."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.notify import CATEGORY_BY_NAME, LEVELS, configured_channels
from hongfan.notices.models import Notification, NotificationPreference


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


@transaction.atomic
def preferences_save(*, user: Any, levels: dict[tuple[str, str], str], request: Any = None) -> int:
    """Store a user's choices {(category, channel): level} for the channels this site has;
    a choice equal to the category's default is stored as no row (a later change of the
    default reaches them). Anything unknown is refused and nothing changes. Returns how
    many choices differ from the defaults."""
    channels = dict(configured_channels())
    errors = []
    for (category, channel), level in levels.items():
        if category not in CATEGORY_BY_NAME or channel not in channels:
            errors.append("没有这一类消息或接收方式")
        elif level not in LEVELS:
            errors.append(f"“{category}·{channels[channel]}”的选择无效，请从列表中选择")
    if errors:
        raise ValidationError(sorted(set(errors)))
    pairs = Q()
    for category, channel in levels:
        pairs |= Q(category=category, channel=channel)
    if levels:
        NotificationPreference.objects.filter(pairs, user_id=user.pk).delete()
    rows = [
        NotificationPreference(user_id=user.pk, category=c, channel=ch, level=level)
        for (c, ch), level in levels.items()
        if level != CATEGORY_BY_NAME[c].default(ch)
    ]
    NotificationPreference.objects.bulk_create(rows)
    audit_log(
        action=AuditAction.DATA_CHANGED,
        request=request,
        user=user,
        target=user,
        notification_preferences=len(rows),
    )
    return len(rows)


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
