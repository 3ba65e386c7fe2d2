"""Fail fast on a mistyped HONGFAN_NOTIFY_BACKENDS (``manage.py check``, runserver, worker)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

INBOX = "hongfan.notices.backends.InboxBackend"


@checks.register()
def check_notify_backends(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from hongfan.core.notify import load_backend

    errors: list[checks.CheckMessage] = []
    paths = settings.HONGFAN_NOTIFY_BACKENDS
    for path in paths:
        try:
            load_backend(path)
        except (ImportError, TypeError, ImproperlyConfigured) as exc:
            errors.append(
                checks.Error(
                    f"HONGFAN_NOTIFY_BACKENDS: {path} cannot be used: {exc}",
                    id="notices.E001",
                )
            )
    if INBOX not in paths:
        errors.append(
            checks.Warning(
                "HONGFAN_NOTIFY_BACKENDS has no InboxBackend: members see no 消息 in the app "
                "and notification keys are not remembered, so reminders may repeat.",
                hint=f"Add {INBOX}.",
                id="notices.W001",
            )
        )
    return errors
