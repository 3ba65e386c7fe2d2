"""Periodic work of 学习 (run by huey: ``make worker``). Thin: the work is in services."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from hongfan.study.services.exams import attempts_expired_grade

logger = logging.getLogger("hongfan.study")


@db_periodic_task(crontab(minute="*/5"))
def grade_expired_attempts() -> int:
    """Attempts whose time ran out unsubmitted are handed in with their saved answers."""
    graded = attempts_expired_grade()
    if graded:
        logger.info("exam attempts graded at their deadline: %d", graded)
    return graded
