"""Background work of the ground floor: the worker's heartbeat (read by ``/healthz``), and
the task id as the request id of every log record a task makes (``core.logging``).

The worker loads this module with every app's ``tasks`` (``manage.py run_huey``).
"""

from __future__ import annotations

import time
from contextvars import Token
from typing import Any

from huey import crontab
from huey.contrib.djhuey import HUEY, on_startup, periodic_task, post_execute, pre_execute

from hongfan.core.health import HEARTBEAT_KEY
from hongfan.core.logging import request_id_var


def beat() -> None:
    HUEY.put(HEARTBEAT_KEY, time.time())


@periodic_task(crontab(), expires=120)
def heartbeat() -> None:
    """Every minute: the worker is alive and runs the periodic tasks."""
    beat()


@on_startup(name="hongfan.core.tasks.heartbeat_on_startup")
def heartbeat_on_startup() -> None:
    """A worker just started is alive: no minute's wait for ``/healthz`` to say so."""
    beat()


# Records a task makes carry its id as their request id. In the worker each thread runs one
# task at a time; in immediate mode (tests) a task runs inside a request, whose id returns
# when the task ends.
_tokens: dict[str, Token[str]] = {}


@pre_execute(name="hongfan.core.tasks.task_request_id")
def task_request_id(task: Any) -> None:
    _tokens[task.id] = request_id_var.set(task.id)


@post_execute(name="hongfan.core.tasks.task_request_id_end")
def task_request_id_end(task: Any, task_value: Any, exc: Exception | None) -> None:
    token = _tokens.pop(task.id, None)
    if token is not None:
        request_id_var.reset(token)
