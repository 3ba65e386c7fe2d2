"""Periodic work of org (run by huey: ``make worker``). Thin: the work is in services."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from hongfan.core.dates import today
from hongfan.org.services.development import development_reminders_send

logger = logging.getLogger("hongfan.org")


@db_periodic_task(crontab(hour="8", minute="10"))
def remind_development_steps() -> int:
    """Tell secretaries of the 发展党员 steps coming due (once per step and due date)."""
    sent = development_reminders_send(today=today())
    logger.info("development step reminders: %d sent", len(sent))
    return len(sent)
