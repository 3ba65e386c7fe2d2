"""One's own account: changing the password, the second factor (动态口令), 账号安全 (with
the WeChat binding), and the two pages reached without a password: 找回密码 and 激活账号,
each by an SMS code."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_otp import login as otp_login

from hongfan.accounts import selectors, services
from hongfan.accounts.backends import wechat_oauth
from hongfan.accounts.forms import OTPForm, PasswordChangeForm, SmsPasswordForm
from hongfan.accounts.models import SmsPurpose, User
from hongfan.accounts.views.login import finish_login, mobile_shown, send_code
from hongfan.core.access import access_for
from hongfan.core.audit import AuditAction, audit_log
from hongfan.core.forms import apply_errors
from hongfan.core.qr import qr_svg


@login_required
def password_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            from django.contrib.auth import update_session_auth_hash

            update_session_auth_hash(request, user)
            messages.success(request, "密码已修改")
            return redirect("home")
    return render(
        request,
        "accounts/password.html",
        {
            "form": form,
            "expired": request.GET.get("expired"),
        },
    )


@login_required
def twofa_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    confirmed = selectors.totp_device_confirmed(user=user)
    if confirmed is not None:
        return render(request, "accounts/2fa.html", {"enabled": True})
    device = services.totp_device_pending(user=user)
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit_log(action=AuditAction.OTP_ENABLED, request=request)
            messages.success(request, "双因素认证已启用，以后登录需输入手机上的动态口令")
            return redirect("home")
        form.add_error("token", "动态口令不正确，请确认手机时间准确后重试")
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return render(
        request,
        "accounts/2fa.html",
        {
            "form": form,
            "qr_svg": qr_svg(device.config_url),
            "secret": secret,
            "required": request.GET.get("required"),
        },
    )


@login_required
def account_security(request: HttpRequest) -> HttpResponse:
    """我的 → 账号安全: password, second factor, WeChat binding."""
    user = request.user
    return render(
        request,
        "accounts/security.html",
        {
            "binding": selectors.wechat_binding_for(user=user),
            "wechat_on": wechat_oauth() is not None,
            "totp": selectors.totp_device_confirmed(user=user) is not None,
        },
    )


def _code_password_page(
    request: HttpRequest, *, purpose: str, title: str, intro: str
) -> tuple[HttpResponse | None, User | None]:
    """找回密码 and 激活账号: send a code, then the code and a new password. Returns the
    response to give, or the account the service changed."""
    notice = error = ""
    status = 200
    form = SmsPasswordForm(initial={"mobile": mobile_shown(request)})
    if request.method == "POST" and request.POST.get("action") == "send":
        notice, error, status = send_code(request, purpose)
    elif request.method == "POST":
        form = SmsPasswordForm(request.POST)
        if form.is_valid():
            change = (
                services.password_reset
                if purpose == SmsPurpose.RESET
                else services.account_activate
            )
            try:
                return None, change(
                    mobile=form.cleaned_data["mobile"],
                    code=form.cleaned_data["code"],
                    new_password=form.cleaned_data["new_password"],
                    request=request,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
    context = {"form": form, "notice": notice, "error": error, "title": title, "intro": intro}
    return render(request, "accounts/sms_password.html", context, status=status), None


def password_reset(request: HttpRequest) -> HttpResponse:
    response, user = _code_password_page(
        request,
        purpose=SmsPurpose.RESET,
        title="找回密码",
        intro="输入登记的手机号获取验证码，验证后设置新密码。",
    )
    if response is not None:
        return response
    messages.success(request, "密码已重置，请用新密码登录")
    return redirect("accounts:login")


def account_activate(request: HttpRequest) -> HttpResponse:
    response, user = _code_password_page(
        request,
        purpose=SmsPurpose.ACTIVATE,
        title="激活账号",
        intro="账号已由管理员按花名册开通。输入登记的手机号获取验证码，验证后设置登录密码即可使用。",
    )
    if response is not None:
        return response
    assert user is not None
    if access_for(user).roles:
        messages.success(request, "账号已激活")
        return finish_login(request, user, remember=False, next_url="", via="activation")
    messages.success(request, "账号已激活。安全管理员授予角色后，即可使用党员学习、积分等功能。")
    return finish_login(
        request, user, remember=False, next_url=reverse("accounts:security"), via="activation"
    )
