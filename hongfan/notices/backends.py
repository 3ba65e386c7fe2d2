"""Notification backends: where ``hongfan.core.notify.notify`` delivers.

Choose them with ``HONGFAN_NOTIFY_BACKENDS`` (comma-separated dotted paths). The inbox is
always wanted: it is what members read in the app and the record of idempotency keys.
Logs never contain a full mobile or ID number (``scrub``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import urllib.request
from abc import abstractmethod
from typing import Any, ClassVar
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mass_mail
from django.utils import timezone

from hongfan.core import pii
from hongfan.core.notify import (
    EMAIL,
    INBOX,
    SMS,
    WECHAT,
    Message,
    NotifyBackend,
    is_local_path,
    wechat_ids,
)
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

    channel = INBOX

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
    channel = EMAIL

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
    channel = SMS

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


# --- WeChat: 企业微信 application messages and 公众号 template messages -----------------------

WECHAT_TOKEN_MARGIN_SECONDS = 300  # refresh this long before WeChat says the token expires
WECHAT_TOKEN_ERRORS = frozenset({40001, 40014, 42001})  # invalid or expired access_token
WECHAT_MAX_NETWORK_FAILURES = 3  # then the rest of the batch waits for the next event


class WechatError(Exception):
    """WeChat answered with an ``errcode`` other than 0 (the code only: its ``errmsg`` may
    quote an openid, and logs carry no personal data)."""

    def __init__(self, errcode: int) -> None:
        super().__init__(f"errcode {errcode}")
        self.errcode = errcode


class WechatBackend(NotifyBackend):
    """Messages to the WeChat identity bound to each recipient's account (looked up through
    ``hongfan.core.notify.wechat_ids``, which the accounts app provides). The access token
    is kept in Django's cache until shortly before it expires, and fetched again when
    WeChat calls it invalid or expired. A refused message is logged by its error code and
    the others still go; after a few network failures (a timeout) the batch stops."""

    background = True
    channel = WECHAT
    kind: ClassVar[str]  # "work" or "mp": which identities wechat_ids answers
    default_api: ClassVar[str]

    def __init__(self) -> None:
        base = settings.HONGFAN_WECHAT_API_URL or self.default_api
        self.api = base.rstrip("/")  # checked by settings (_http_url)
        self.timeout = settings.HONGFAN_WECHAT_TIMEOUT

    # what the two kinds differ in
    @abstractmethod
    def credentials(self) -> dict[str, str]:
        """The query of the token request."""

    @abstractmethod
    def token_path(self) -> str: ...

    @abstractmethod
    def send_path(self) -> str: ...

    @abstractmethod
    def payload(self, message: Message, recipient: str) -> dict[str, Any]: ...

    # the protocol
    def cache_key(self) -> str:
        ident = hashlib.sha256(json.dumps(self.credentials(), sort_keys=True).encode()).hexdigest()
        return f"hongfan:wechat-token:{self.kind}:{ident[:16]}"

    def token(self, *, fresh: bool = False) -> str:
        key = self.cache_key()
        if not fresh:
            cached = cache.get(key)
            if cached:
                return str(cached)
        answer = self.call("GET", f"{self.token_path()}?{urlencode(self.credentials())}")
        token = answer.get("access_token")
        if not isinstance(token, str) or not token:
            raise WechatError(int(answer.get("errcode") or -1))
        try:
            expires = int(answer.get("expires_in", 7200))
        except (TypeError, ValueError):
            expires = 7200
        cache.set(key, token, max(expires - WECHAT_TOKEN_MARGIN_SECONDS, 60))
        return token

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked)
            self.api + path,
            data=data,
            headers={"Content-Type": "application/json; charset=utf-8"},
            method=method,
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            answer = json.loads(response.read().decode("utf-8") or "{}")
        if not isinstance(answer, dict):
            raise WechatError(-1)
        code = answer.get("errcode", 0)
        if code not in (0, None):
            raise WechatError(int(code) if isinstance(code, int) else -1)
        return answer

    def post(self, body: dict[str, Any]) -> None:
        path = self.send_path()
        try:
            self.call("POST", f"{path}?access_token={self.token()}", body)
        except WechatError as exc:
            if exc.errcode not in WECHAT_TOKEN_ERRORS:
                raise
            self.call("POST", f"{path}?access_token={self.token(fresh=True)}", body)

    def send(self, messages: list[Message]) -> None:
        ids = wechat_ids({m.user.pk for m in messages}, self.kind)
        refused = network = sent = 0
        for m in messages:
            recipient = ids.get(m.user.pk)
            if not recipient:
                continue
            try:
                self.post(self.payload(m, recipient))
                sent += 1
            except WechatError as exc:
                refused += 1
                logger.warning("WeChat (%s) refused a message: errcode %s", self.kind, exc.errcode)
            except (OSError, ValueError) as exc:  # timeouts, refused connections, bad JSON
                network += 1
                logger.warning(
                    "WeChat (%s) could not be reached: %s", self.kind, type(exc).__name__
                )
                if network >= WECHAT_MAX_NETWORK_FAILURES:
                    break
        if refused or network:
            logger.error(
                "WeChat (%s): %d sent, %d refused, %d not reached of %d messages",
                self.kind,
                sent,
                refused,
                network,
                len(messages),
            )

    def url(self, message: Message) -> str:
        return absolute_link(message.link) or settings.HONGFAN_SITE_URL


class WechatWorkBackend(WechatBackend):
    """企业微信: an application message (a text card) to the member's 企业微信 userid."""

    kind = "work"
    channel_label = "企业微信"
    default_api = "https://qyapi.weixin.qq.com"

    def __init__(self) -> None:
        super().__init__()
        if not (
            settings.HONGFAN_WECHAT_CORP_ID
            and settings.HONGFAN_WECHAT_CORP_SECRET
            and settings.HONGFAN_WECHAT_AGENT_ID
        ):
            raise ImproperlyConfigured(
                "WechatWorkBackend needs HONGFAN_WECHAT_CORP_ID, HONGFAN_WECHAT_CORP_SECRET "
                "and HONGFAN_WECHAT_AGENT_ID"
            )

    def credentials(self) -> dict[str, str]:
        return {
            "corpid": settings.HONGFAN_WECHAT_CORP_ID,
            "corpsecret": settings.HONGFAN_WECHAT_CORP_SECRET,
        }

    def token_path(self) -> str:
        return "/cgi-bin/gettoken"

    def send_path(self) -> str:
        return "/cgi-bin/message/send"

    def payload(self, message: Message, recipient: str) -> dict[str, Any]:
        url = self.url(message)
        body: dict[str, Any] = {"touser": recipient, "agentid": settings.HONGFAN_WECHAT_AGENT_ID}
        if url:
            body["msgtype"] = "textcard"
            body["textcard"] = {
                "title": message.title[:128],
                "description": (message.body or message.category)[:512],
                "url": url,
                "btntxt": "查看",
            }
        else:
            text = "\n".join(p for p in (message.title, message.body) if p)
            body["msgtype"] = "text"
            body["text"] = {"content": text[:2048]}
        return body


TEMPLATE_SOURCES = ("title", "body", "category", "time")
TEMPLATE_THING_MAX = 20  # WeChat refuses a longer value in a "thing" field (errcode 47003)


def template_fields(spec: str) -> list[tuple[str, str]]:
    """ "thing1:title,time3:time" -> [("thing1", "title"), ("time3", "time")]."""
    pairs = []
    for part in spec.split(","):
        field, _, source = part.strip().partition(":")
        if (
            not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,31}", field)
            or source not in TEMPLATE_SOURCES
        ):
            raise ImproperlyConfigured(
                "HONGFAN_WECHAT_TEMPLATE_FIELDS must be <field>:<title|body|category|time>,… "
                f"got {spec!r}"
            )
        pairs.append((field, source))
    return pairs


class WechatOfficialBackend(WechatBackend):
    """公众号: a template message to the member's openid. Which of the template's fields
    carries the title, the body, the category and the time is HONGFAN_WECHAT_TEMPLATE_FIELDS
    (templates differ: the classic first/keyword1/remark, or thing1/time2 of the library)."""

    kind = "mp"
    channel_label = "微信公众号"
    default_api = "https://api.weixin.qq.com"

    def __init__(self) -> None:
        super().__init__()
        if not (
            settings.HONGFAN_WECHAT_APP_ID
            and settings.HONGFAN_WECHAT_APP_SECRET
            and settings.HONGFAN_WECHAT_TEMPLATE_ID
        ):
            raise ImproperlyConfigured(
                "WechatOfficialBackend needs HONGFAN_WECHAT_APP_ID, HONGFAN_WECHAT_APP_SECRET "
                "and HONGFAN_WECHAT_TEMPLATE_ID"
            )
        self.fields = template_fields(settings.HONGFAN_WECHAT_TEMPLATE_FIELDS)

    def credentials(self) -> dict[str, str]:
        return {
            "grant_type": "client_credential",
            "appid": settings.HONGFAN_WECHAT_APP_ID,
            "secret": settings.HONGFAN_WECHAT_APP_SECRET,
        }

    def token_path(self) -> str:
        return "/cgi-bin/token"

    def send_path(self) -> str:
        return "/cgi-bin/message/template/send"

    def payload(self, message: Message, recipient: str) -> dict[str, Any]:
        values = {
            "title": message.title,
            "body": message.body or message.title,
            "category": message.category,
            "time": f"{timezone.localtime():%Y-%m-%d %H:%M}",
        }
        data = {}
        for field, source in self.fields:
            value = values[source]
            if field.startswith("thing") and len(value) > TEMPLATE_THING_MAX:
                value = value[: TEMPLATE_THING_MAX - 1] + "…"
            data[field] = {"value": value}
        body: dict[str, Any] = {
            "touser": recipient,
            "template_id": settings.HONGFAN_WECHAT_TEMPLATE_ID,
            "data": data,
        }
        url = self.url(message)
        if url:
            body["url"] = url
        return body
