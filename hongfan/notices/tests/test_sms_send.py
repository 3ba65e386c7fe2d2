"""``sms_send``: one text to one number now, through the configured SMS backend."""

from __future__ import annotations

import logging
from typing import ClassVar

from hongfan.notices.backends import SmsBackend
from hongfan.notices.services import sms_send


class RecordingSms(SmsBackend):
    sent: ClassVar[list[tuple[str, str]]] = []

    def send_sms(self, mobile: str, text: str) -> None:
        self.sent.append((mobile, text))


class BrokenSms(SmsBackend):
    def send_sms(self, mobile: str, text: str) -> None:
        raise OSError("gateway down for 13912345678")


INBOX = "hongfan.notices.backends.InboxBackend"


def test_the_first_configured_sms_backend_sends(settings):
    settings.HONGFAN_NOTIFY_BACKENDS = [INBOX, f"{__name__}.RecordingSms"]
    RecordingSms.sent.clear()
    assert sms_send(mobile="13912345678", text="验证码123456")
    assert RecordingSms.sent == [("13912345678", "验证码123456")]


def test_outside_production_the_log_backend_stands_in(settings, caplog):
    settings.HONGFAN_NOTIFY_BACKENDS = [INBOX]
    caplog.set_level(logging.INFO, logger="hongfan.notify")
    assert sms_send(mobile="13912345678", text="验证码123456")
    assert "SMS to 139****5678: 验证码123456" in caplog.text


def test_in_production_no_code_goes_to_the_log(settings, caplog):
    settings.HONGFAN_ENV = "prod"
    settings.HONGFAN_NOTIFY_BACKENDS = [INBOX, "hongfan.notices.backends.LogSmsBackend"]
    caplog.set_level(logging.INFO, logger="hongfan.notify")
    assert not sms_send(mobile="13912345678", text="验证码123456")
    assert "123456" not in caplog.text


def test_a_failing_gateway_is_logged_masked_and_answers_false(settings, caplog):
    settings.HONGFAN_NOTIFY_BACKENDS = [f"{__name__}.BrokenSms"]
    assert not sms_send(mobile="13912345678", text="验证码123456")
    assert "13912345678" not in caplog.text and "139****5678" in caplog.text
