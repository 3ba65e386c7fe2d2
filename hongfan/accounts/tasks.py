"""Periodic work of accounts (run by huey: ``make worker``). Thin: the work is in services."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from hongfan.accounts.services import login_failures_prune, sms_codes_prune
from hongfan.accounts.services.roster_accounts import activation_texts_send

logger = logging.getLogger("hongfan.accounts")


@db_periodic_task(crontab(hour="3", minute="30"))
def prune_login_failures() -> int:
    removed = login_failures_prune()
    logger.info("login failure log: %d old rows removed", removed)
    return removed


@db_periodic_task(crontab(hour="3", minute="40"))
def prune_sms_codes() -> int:
    removed = sms_codes_prune()
    logger.info("SMS codes: %d old rows removed", removed)
    return removed


@db_task()
def send_activation_texts(user_ids: list[int]) -> int:
    """The 激活账号 SMS for accounts opened from the roster (queued on commit)."""
    return activation_texts_send(user_ids=user_ids)
