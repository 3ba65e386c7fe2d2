"""WeChat web authorisation (公众号网页授权, OAuth 2.0) behind an interface: the login and
binding views ask ``wechat_oauth()`` for the configured backend and never speak to WeChat
themselves. The provider's base URLs come from settings, so a fake server on 127.0.0.1 (the
tests) or a gateway in a closed network can stand in for it.

Also every request's session row and user, read by queries compiled once per process
(``SessionStore``, ``SessionUserBackend``)."""

from __future__ import annotations

import json
import urllib.request
from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.contrib.sessions.backends import db
from django.contrib.sessions.base_session import AbstractBaseSession
from django.contrib.sessions.models import Session
from django.db import DEFAULT_DB_ALIAS
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from hongfan.core.prepared import PreparedQuery

OPENID_MAX = 128


class WechatOAuthError(Exception):
    """The provider refused the code or could not be reached (logged, never shown raw)."""


class WechatOAuth(ABC):
    """Where to send the browser to ask for the user's identity, and the identity (openid)
    a returned code stands for."""

    @abstractmethod
    def authorize_url(self, *, redirect_uri: str, state: str) -> str: ...

    @abstractmethod
    def openid_for(self, code: str) -> str: ...


class WechatWebOAuth(WechatOAuth):
    """The official account's web authorisation with ``snsapi_base`` (silent: the openid,
    no profile): ``HONGFAN_WECHAT_AUTHORIZE_URL`` then ``HONGFAN_WECHAT_TOKEN_URL``."""

    timeout: ClassVar[float] = 5

    def __init__(self) -> None:
        self.appid = settings.HONGFAN_WECHAT_APP_ID
        self.secret = settings.HONGFAN_WECHAT_APP_SECRET

    def authorize_url(self, *, redirect_uri: str, state: str) -> str:
        query = urlencode(
            {
                "appid": self.appid,
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": "snsapi_base",
                "state": state,
            }
        )
        return f"{settings.HONGFAN_WECHAT_AUTHORIZE_URL}?{query}#wechat_redirect"

    def openid_for(self, code: str) -> str:
        query = urlencode(
            {
                "appid": self.appid,
                "secret": self.secret,
                "code": code,
                "grant_type": "authorization_code",
            }
        )
        url = f"{settings.HONGFAN_WECHAT_TOKEN_URL}?{query}"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:  # noqa: S310 (http(s) checked in settings)
                data = json.loads(response.read(65536).decode("utf-8"))
        except (OSError, ValueError) as exc:
            raise WechatOAuthError(type(exc).__name__) from exc
        openid = data.get("openid") if isinstance(data, dict) else None
        if not isinstance(openid, str) or not openid or len(openid) > OPENID_MAX:
            raise WechatOAuthError(f"no openid (errcode {data.get('errcode', '?')})")
        return openid


def wechat_oauth() -> WechatOAuth | None:
    """The configured backend, or None when WeChat login is off (``HONGFAN_WECHAT_LOGIN``)."""
    if not (settings.HONGFAN_WECHAT_LOGIN and settings.HONGFAN_WECHAT_APP_ID):
        return None
    cls = import_string(settings.HONGFAN_WECHAT_OAUTH_BACKEND)
    if not (isinstance(cls, type) and issubclass(cls, WechatOAuth)):
        raise TypeError(f"{settings.HONGFAN_WECHAT_OAUTH_BACKEND} is not a WechatOAuth")
    return cls()


# --- every request's session and user ---------------------------------------------------------
# Django loads the session row and then the user with a queryset built and compiled on every
# request (~1,900 Python function calls of a ~10,000-call page). The same two reads, compiled
# once per process (core.prepared), give the same objects.


def _session_query(session_key: str, now: datetime) -> QuerySet[Any]:
    return Session.objects.filter(session_key=session_key, expire_date__gt=now).values_list(
        "session_data"
    )


_SESSION = PreparedQuery(_session_query)


class SessionStore(db.SessionStore):
    """Django's database sessions (``SESSION_ENGINE = "hongfan.accounts.backends"``), the
    row read by a query compiled once per process."""

    def _get_session_from_db(self) -> AbstractBaseSession | None:
        key = self.session_key
        rows = _SESSION.rows(key, timezone.now()) if key else []
        if not key or not rows:
            self._session_key = None
            return None
        return self.model(session_key=key, session_data=rows[0][0])


_USER_FIELDS = tuple(f.attname for f in get_user_model()._meta.concrete_fields)


def _user_query(pk: int) -> QuerySet[Any]:
    return get_user_model().objects.filter(pk=pk).values_list(*_USER_FIELDS)


_USER = PreparedQuery(_user_query, convert=True)


class SessionUserBackend(BaseBackend):
    """The logged-in user of a session (what ``ModelBackend.get_user`` gives: an active
    user, else None), read by a query compiled once per process. It authenticates no one
    (``ModelBackend`` does); the login view names it as the session's backend."""

    def get_user(self, user_id: Any) -> Any:
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        rows = _USER.rows(pk)
        if not rows:
            return None
        user = get_user_model().from_db(DEFAULT_DB_ALIAS, list(_USER_FIELDS), rows[0])
        return user if getattr(user, "is_active", True) else None
