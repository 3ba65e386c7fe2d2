"""Helpers of the SMS-code tests: a known number on the demo member, and the codes the log
SMS backend (the one used outside production) has sent."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest

from hongfan.core import pii

MOBILE = "13912345678"
_CODE = re.compile(r"SMS to (\S+): 【红帆】验证码(\d{6})")


def give_mobile(person: Any, mobile: str = MOBILE) -> None:
    """Give ``person`` a number no one else in the demo city has."""
    from hongfan.org.models import Person

    Person.objects.filter(mobile_hash=pii.keyed_hash(mobile)).exclude(pk=person.pk).update(
        mobile_enc="", mobile_hash=""
    )
    person.mobile = mobile
    person.save(update_fields=["mobile_enc", "mobile_hash"])


class Outbox:
    """The SMS the log backend wrote (masked number, text), read from the captured log."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self.caplog = caplog

    def sent(self) -> list[tuple[str, str]]:
        return [
            m.groups()
            for r in self.caplog.records
            if r.name == "hongfan.notify" and (m := _CODE.search(r.getMessage()))
        ]

    def last_code(self, mobile: str = MOBILE) -> str:
        codes = [code for masked, code in self.sent() if masked == pii.mask_mobile(mobile)]
        assert codes, "no SMS code was sent"
        return codes[-1]


@pytest.fixture
def outbox(caplog: pytest.LogCaptureFixture) -> Outbox:
    caplog.set_level(logging.INFO, logger="hongfan.notify")
    return Outbox(caplog)
