"""WeChat web authorisation (公众号网页授权, OAuth 2.0) behind an interface: the login and
binding views ask ``wechat_oauth()`` for the configured backend and never speak to WeChat
themselves. The provider's base URLs come from settings, so a fake server on 127.0.0.1 (the
tests) or a gateway in a closed network can stand in for it."""

from __future__ import annotations

import json
import urllib.request
from abc import ABC, abstractmethod
from typing import ClassVar
from urllib.parse import urlencode

from django.conf import settings
from django.utils.module_loading import import_string

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
