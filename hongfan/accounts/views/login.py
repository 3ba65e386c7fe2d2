"""Logging in and out: by password or by an SMS code (two tabs of one page), the second
factor (动态口令) where the account has one, and WeChat's web authorisation, which logs a
bound WeChat identity straight in and binds an unbound one after one ordinary login."""

from __future__ import annotations

import logging
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from hongfan.accounts import selectors, services
from hongfan.accounts.backends import WechatOAuthError, wechat_oauth
from hongfan.accounts.forms import LoginForm, OTPForm, SmsLoginForm, SmsSendForm
from hongfan.accounts.models import SmsPurpose, User
from hongfan.accounts.policy import get_policy, session_begin
from hongfan.core.audit import AuditAction, audit_log, client_ip
from hongfan.core.forms import apply_errors

logger = logging.getLogger("hongfan.accounts")

OTP_PENDING = "hongfan_otp_pending"
OTP_TRIES = 5
WECHAT_STATE = "hongfan_wechat_state"
WECHAT_PENDING = "hongfan_wechat_pending"  # an unbound openid waiting for a login
WECHAT_PENDING_SECONDS = 600
SENT = "如该手机号已登记，验证码已发送，5分钟内有效。"
VIA_KEY = "_hongfan_login_via"


def _safe_next(request: HttpRequest, default: str = "") -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and "\x00" not in nxt and len(nxt) < 2000:
        if url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
            return nxt
    return default or reverse("home")


def _next_field(request: HttpRequest) -> str:
    """The ``next`` carried by the login forms (only a safe one)."""
    nxt = _safe_next(request, default="-")
    return "" if nxt == "-" else nxt


def in_wechat(request: HttpRequest) -> bool:
    return "MicroMessenger" in request.headers.get("User-Agent", "")


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    policy = get_policy(request)
    form = LoginForm(initial={"username": (credentials or {}).get("username", "")})
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "by": "password",
            "error": f"连续登录失败次数过多，账号已锁定{policy.lockout_minutes}分钟，请稍后再试或联系安全管理员解锁。",
        },
        status=403,
    )


def finish_login(
    request: HttpRequest, user: User, *, remember: bool, next_url: str, via: str
) -> HttpResponse:
    """After the first factor: to the 动态口令 step when the account has one, else logged in."""
    device = selectors.totp_device_confirmed(user=user)
    if device is not None:
        request.session[OTP_PENDING] = {
            "user": user.pk,
            "at": time.time(),
            "tries": 0,
            "next": next_url,
            "remember": remember,
            "via": via,
        }
        return redirect("accounts:login_otp")
    return _logged_in(request, user, remember=remember, next_url=next_url, via=via)


def _logged_in(
    request: HttpRequest,
    user: User,
    *,
    remember: bool,
    next_url: str,
    via: str,
    device: Any = None,
) -> HttpResponse:
    setattr(request, VIA_KEY, via)  # the login signal's audit row says how
    login(request, user, backend="hongfan.accounts.backends.SessionUserBackend")
    if device is not None:
        otp_login(request, device)
    session_begin(request, remember=remember)
    _bind_waiting_wechat(request, user)
    return redirect(next_url or "home")


def _bind_waiting_wechat(request: HttpRequest, user: User) -> None:
    pending = request.session.pop(WECHAT_PENDING, None)
    if not pending or time.time() - pending.get("at", 0) > WECHAT_PENDING_SECONDS:
        return
    try:
        services.wechat_bind(user=user, openid=pending["openid"], request=request)
    except ValidationError as exc:
        messages.warning(request, "；".join(exc.messages))
    else:
        messages.success(request, "已绑定微信，以后在微信中打开红帆将自动登录")


def send_code(request: HttpRequest, purpose: str) -> tuple[str, str, int]:
    """The 获取验证码 button of every code form: (notice, error, status)."""
    form = SmsSendForm(request.POST)
    if not form.is_valid():
        return "", str(form.errors["mobile"][0]), 200
    try:
        services.sms_code_request(
            purpose=purpose, mobile=form.cleaned_data["mobile"], request=request
        )
    except services.SmsThrottled as exc:
        return "", exc.message, 429
    return SENT, "", 200


def mobile_shown(request: HttpRequest) -> str:
    """The number as typed, to fill the form in again (never with a NUL byte)."""
    return request.POST.get("mobile", "").replace("\x00", "")[:20]


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    by = "sms" if "sms" in (request.GET.get("by"), request.POST.get("by")) else "password"
    if (
        request.method == "GET"
        and by == "password"
        and in_wechat(request)
        and wechat_oauth() is not None
        and not request.GET.get("direct")
        and not request.GET.get("timeout")
        and WECHAT_PENDING not in request.session
    ):
        # Inside WeChat: ask WeChat who this is first; a bound identity lands logged in.
        query = urlencode({"next": _safe_next(request)})
        return redirect(f"{reverse('accounts:wechat_start')}?{query}")
    if by == "sms":
        return _sms_login(request)
    return _password_login(request)


def _page(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context.setdefault("next", _next_field(request))
    context.setdefault("wechat_waiting", WECHAT_PENDING in request.session)
    return render(request, "accounts/login.html", context, status=status)


def _password_login(request: HttpRequest) -> HttpResponse:
    error = "长时间未操作，会话已超时，请重新登录。" if request.GET.get("timeout") else ""
    form = LoginForm(request.POST or None)
    if request.method == "POST" and not form.is_valid():
        error = "请输入正确的用户名和密码"
    if request.method == "POST" and form.is_valid():
        _, wait = selectors.login_throttle(ip=client_ip(request), policy=get_policy(request))
        if wait:
            # Not tried at all: a password guess from a slowed address learns nothing.
            return _page(
                request,
                {"form": form, "by": "password", "error": f"尝试过于频繁，请{wait}秒后再试。"},
                status=429,
            )
        user = authenticate(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request, credentials=form.cleaned_data)
        if user is None:
            error = "用户名或密码错误"
            wait = services.login_failure_noted(
                request=request, username=form.cleaned_data["username"]
            )
            if wait:
                error = f"用户名或密码错误。尝试过于频繁，请{wait}秒后再试。"
        else:
            assert isinstance(user, User)
            return finish_login(
                request,
                user,
                remember=form.cleaned_data["remember"],
                next_url=_safe_next(request),
                via="password",
            )
    return _page(request, {"form": form, "by": "password", "error": error})


def _sms_login(request: HttpRequest) -> HttpResponse:
    notice = error = ""
    status = 200
    form = SmsLoginForm(initial={"mobile": mobile_shown(request)})
    if request.method == "POST" and request.POST.get("action") == "send":
        notice, error, status = send_code(request, SmsPurpose.LOGIN)
    elif request.method == "POST":
        form = SmsLoginForm(request.POST)
        if form.is_valid():
            try:
                user = services.sms_login(
                    mobile=form.cleaned_data["mobile"],
                    code=form.cleaned_data["code"],
                    request=request,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return finish_login(
                    request,
                    user,
                    remember=form.cleaned_data["remember"],
                    next_url=_safe_next(request),
                    via="sms",
                )
    return _page(
        request, {"form": form, "by": "sms", "notice": notice, "error": error}, status=status
    )


def login_otp_view(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(OTP_PENDING)
    if not pending or time.time() - pending["at"] > 300:
        request.session.pop(OTP_PENDING, None)
        return redirect("accounts:login")
    user = get_object_or_404(User, pk=pending["user"], is_active=True)
    form = OTPForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        device = selectors.totp_device_confirmed(user=user)
        if device is not None and device.verify_token(form.cleaned_data["token"]):
            request.session.pop(OTP_PENDING, None)
            return _logged_in(
                request,
                user,
                remember=bool(pending.get("remember")),
                next_url=pending.get("next") or "",
                via=pending.get("via") or "password",
                device=device,
            )
        pending["tries"] += 1
        audit_log(
            action=AuditAction.OTP_FAILED, request=request, username=user.username, success=False
        )
        if pending["tries"] >= OTP_TRIES:
            request.session.pop(OTP_PENDING, None)
            messages.error(request, "动态口令错误次数过多，请重新登录")
            return redirect("accounts:login")
        request.session[OTP_PENDING] = pending
        error = "动态口令不正确"
    return render(request, "accounts/login_otp.html", {"form": form, "error": error})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect(f"{reverse('accounts:login')}?direct=1")


# --- WeChat web authorisation ------------------------------------------------------------------


def wechat_start(request: HttpRequest) -> HttpResponse:
    """To WeChat's authorisation page; it sends the browser back to ``wechat_callback``."""
    oauth = wechat_oauth()
    if oauth is None:
        raise Http404("未开通微信登录")
    state = secrets.token_urlsafe(16)
    request.session[WECHAT_STATE] = {
        "state": state,
        "next": _safe_next(request),
        "bind": request.user.is_authenticated,
    }
    callback = request.build_absolute_uri(reverse("accounts:wechat_callback"))
    return redirect(oauth.authorize_url(redirect_uri=callback, state=state))


def _login_direct(request: HttpRequest, nxt: str = "") -> HttpResponse:
    query = {"direct": "1", **({"next": nxt} if nxt else {})}
    return redirect(f"{reverse('accounts:login')}?{urlencode(query)}")


def wechat_callback(request: HttpRequest) -> HttpResponse:
    oauth = wechat_oauth()
    if oauth is None:
        raise Http404("未开通微信登录")
    started = request.session.pop(WECHAT_STATE, None)
    state = request.GET.get("state", "")
    code = request.GET.get("code", "")
    valid = (
        started
        and state
        and constant_time_compare(state, started["state"])
        and code
        and len(code) <= 256
        and code.isprintable()
    )
    if not valid:
        messages.error(request, "微信授权已失效或未完成，请重新打开页面，或用密码、短信验证码登录")
        return _login_direct(request)
    assert started is not None
    nxt = started.get("next") or ""
    try:
        openid = oauth.openid_for(code)
    except WechatOAuthError as exc:
        logger.warning("WeChat authorisation failed: %s", exc)
        messages.error(request, "暂时无法通过微信登录，请用密码或短信验证码登录")
        return _login_direct(request, nxt)
    if request.user.is_authenticated:
        assert isinstance(request.user, User)
        try:
            services.wechat_bind(user=request.user, openid=openid, request=request)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已绑定微信，以后在微信中打开红帆将自动登录")
        return redirect(nxt if started.get("bind") is False else reverse("accounts:security"))
    user = selectors.wechat_user(openid=openid)
    if user is not None:
        return finish_login(request, user, remember=False, next_url=nxt, via="wechat")
    request.session[WECHAT_PENDING] = {"openid": openid, "at": time.time()}
    messages.info(request, "首次在微信中使用红帆：请登录一次，登录后即与此微信绑定，以后自动登录。")
    return _login_direct(request, nxt)


@login_required
@require_POST
def wechat_unbind(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    try:
        services.wechat_unbind(user=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已解除微信绑定")
    return redirect("accounts:security")
