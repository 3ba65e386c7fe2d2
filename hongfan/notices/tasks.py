"""Background work of the notifications (run by ``manage.py run_huey``, see README).

djhuey imports every installed app's ``tasks`` module in the worker, so a
``@db_periodic_task`` declared in, say, ``hongfan/orglife/tasks.py`` is scheduled there.
"""

from __future__ import annotations

from typing import Any

from huey.contrib.djhuey import db_task

from hongfan.core.notify import messages_from_dicts, send_with


@db_task()
def deliver_in_background(path: str, rows: list[dict[str, Any]]) -> None:
    """Run one slow backend (e-mail, SMS) for messages queued by ``notify``."""
    send_with(path, messages_from_dicts(rows))
