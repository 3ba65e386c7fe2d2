"""Notification backends: where ``hongfan.core.notify.notify`` delivers.

Choose them with ``HONGFAN_NOTIFY_BACKENDS`` (comma-separated dotted paths). The inbox is
always wanted: it is what members read in the app and the record of idempotency keys.
Logs never contain a full mobile or ID number (``scrub``).
"""

from __future__ import annotations

import json
import logging
import re
import urllib.request
from abc import abstractmethod
from typing import ClassVar
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mass_mail

from hongfan.core import pii
from hongfan.core.notify import Message, NotifyBackend, is_local_path
from hongfan.notices.models import Notification

logger = logging.getLogger("hongfan.notify")

SMS_SIGNATURE = "【红帆】"
SMS_MAX_CHARS = 140
SMS_TIMEOUT_SECONDS = 5

_MOBILE = re.compile(r"(?<!\d)1\d{10}(?!\d)")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def scrub(text: str) -> str:
    """Mask anything that looks like a mobile or an ID number before it reaches a log."""
    text = _ID_NUMBER.sub(lambda m: pii.mask_id_number(m.group()), text)
    return _MOBILE.sub(lambda m: pii.mask_mobile(m.group()), text)


def absolute_link(link: str) -> str:
    """A link usable outside the app (e-mail, SMS): local paths need HONGFAN_SITE_URL."""
    if is_local_path(link):
        site = settings.HONGFAN_SITE_URL.rstrip("/")
        return site + link if site else ""
    return link


class InboxBackend(NotifyBackend):
    """The in-app inbox (消息). A (recipient, key) already there is skipped by the database."""

    def send(self, messages: list[Message]) -> None:
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=m.user.pk,
                    category=m.category,
                    title=m.title,
                    body=m.body,
                    link=m.link,
                    key=m.key,
                )
                for m in messages
            ],
            ignore_conflicts=True,
            batch_size=500,
        )


class EmailBackend(NotifyBackend):
    """Django's mail (EMAIL_* settings) to users who have an e-mail address."""

    background = True

    def send(self, messages: list[Message]) -> None:
        mails = []
        for m in messages:
            if not m.user.email:
                continue
            text = m.body
            url = absolute_link(m.link)
            if url:
                text = f"{text}\n\n{url}" if text else url
            mails.append((f"{SMS_SIGNATURE}{m.title}", text, None, [m.user.email]))
        if mails:
            send_mass_mail(tuple(mails), fail_silently=False)


class SmsBackend(NotifyBackend):
    """SMS to the mobile of the user's linked Person (职工). Subclasses implement
    ``send_sms``; a failure for one number is logged (masked) and the others still go."""

    background = True

    def send(self, messages: list[Message]) -> None:
        mobiles = self.mobiles({m.user.pk for m in messages})
        failed = 0
        for m in messages:
            mobile = mobiles.get(m.user.pk, "")
            if not mobile:
                continue
            try:
                self.send_sms(mobile, self.text(m))
            except Exception as exc:
                failed += 1
                logger.warning(
                    "SMS to %s failed: %s",
                    pii.mask_mobile(mobile),
                    scrub(f"{type(exc).__name__}: {exc}"),
                )
        if failed:
            logger.error("%d of %d SMS could not be sent", failed, len(messages))

    def mobiles(self, user_ids: set[int]) -> dict[int, str]:
        from hongfan.org.models import Person

        rows = Person.objects.filter(user__pk__in=user_ids).exclude(mobile_enc="")
        return {
            user_id: pii.decrypt(enc) for user_id, enc in rows.values_list("user", "mobile_enc")
        }

    def text(self, message: Message) -> str:
        parts = [message.title]
        if message.body:
            parts.append(message.body)
        text = SMS_SIGNATURE + "：".join(parts)
        url = absolute_link(message.link)
        room = SMS_MAX_CHARS - (len(url) + 1 if url else 0)
        if len(text) > room:
            text = text[: room - 1] + "…"
        return f"{text} {url}" if url else text

    @abstractmethod
    def send_sms(self, mobile: str, text: str) -> None:
        """Deliver one text to one number (LogSmsBackend, HttpSmsBackend)."""


class LogSmsBackend(SmsBackend):
    """Development: writes to the log that an SMS went to a masked number."""

    def send_sms(self, mobile: str, text: str) -> None:
        logger.info("SMS to %s: %s", pii.mask_mobile(mobile), scrub(text))


def check_sms_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ImproperlyConfigured(f"HONGFAN_SMS_URL must be an http(s) URL, got {url!r}")
    return url


class HttpSmsBackend(SmsBackend):
    """POSTs ``{"mobile": ..., "text": ...}`` as JSON to HONGFAN_SMS_URL with the bearer
    token HONGFAN_SMS_TOKEN (an SMS gateway of the hospital or a provider's adapter)."""

    timeout: ClassVar[float] = SMS_TIMEOUT_SECONDS

    def __init__(self) -> None:
        if not settings.HONGFAN_SMS_URL:
            raise ImproperlyConfigured("HttpSmsBackend needs HONGFAN_SMS_URL")
        self.url = check_sms_url(settings.HONGFAN_SMS_URL)
        self.token = settings.HONGFAN_SMS_TOKEN

    def send_sms(self, mobile: str, text: str) -> None:
        data = json.dumps({"mobile": mobile, "text": text}, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=data, headers=headers, method="POST")  # noqa: S310 (scheme checked)
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            if not 200 <= response.status < 300:
                raise OSError(f"SMS gateway answered {response.status}")
