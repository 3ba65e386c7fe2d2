from __future__ import annotations

import getpass
import socket
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hongfan.accounts.services import unlock_user_from_console


class Command(BaseCommand):
    help = (
        "Clear a username's login failures (unlock it), e.g. when the only security admin is"
        " locked out. Audited with the operating-system account that ran it."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **opts: Any) -> None:
        username = opts["username"].strip()
        try:
            os_user = getpass.getuser()
        except (KeyError, OSError):  # no name for this uid (containers)
            os_user = "unknown"
        try:
            cleared = unlock_user_from_console(
                username=username, os_user=os_user, host=socket.gethostname()
            )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(f"已解锁 {username}（清除 {cleared} 条登录失败记录）")
