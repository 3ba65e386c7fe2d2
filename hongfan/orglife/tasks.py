"""Periodic work of 组织生活 (run by huey: ``make worker``). Thin: the work is in services.reminders."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from hongfan.core.dates import today
from hongfan.orglife.services.reminders import send_reminders

logger = logging.getLogger("hongfan.orglife")


@db_periodic_task(crontab(hour="8", minute="0"))
def remind_secretaries() -> int:
    sent = send_reminders(today=today())
    logger.info("orglife reminders: %d sent", len(sent))
    return len(sent)
