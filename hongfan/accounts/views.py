from __future__ import annotations

import base64
import time
from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from hongfan.accounts import selectors, services
from hongfan.accounts.filters import AUDIT_COLUMNS, CHANGE_COLUMNS, UserFilter
from hongfan.accounts.forms import (
    AuditFilterForm,
    DataChangeFilterForm,
    LoginForm,
    OTPForm,
    PasswordChangeForm,
    PolicyForm,
    RoleGrantForm,
    UserCreateForm,
)
from hongfan.accounts.models import User
from hongfan.accounts.policy import get_policy
from hongfan.core import tables
from hongfan.core.access import request_access
from hongfan.core.audit import AuditAction, audit_log, client_ip
from hongfan.core.forms import apply_errors
from hongfan.core.qr import qr_svg
from hongfan.core.roles import Role

OTP_PENDING = "hongfan_otp_pending"
OTP_TRIES = 5


def _safe_next(request: HttpRequest) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return reverse("home")


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
            "error": f"连续登录失败次数过多，账号已锁定{policy.lockout_minutes}分钟，请稍后再试或联系安全管理员解锁。",
        },
        status=403,
    )


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    error = ""
    if request.GET.get("timeout"):
        error = "长时间未操作，会话已超时，请重新登录。"
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _, wait = selectors.login_throttle(ip=client_ip(request), policy=get_policy(request))
        if wait:
            # Not tried at all: a password guess from a slowed address learns nothing.
            return render(
                request,
                "accounts/login.html",
                {
                    "form": form,
                    "error": f"尝试过于频繁，请{wait}秒后再试。",
                    "next": request.GET.get("next", ""),
                },
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
            device = selectors.totp_device_confirmed(user=user)
            if device is not None:
                request.session[OTP_PENDING] = {
                    "user": user.pk,
                    "at": time.time(),
                    "tries": 0,
                    "next": _safe_next(request),
                }
                return redirect("accounts:login_otp")
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(_safe_next(request))
    return render(
        request,
        "accounts/login.html",
        {"form": form, "error": error, "next": request.GET.get("next", "")},
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
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, device)
            return redirect(pending.get("next") or "home")
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
    return redirect("accounts:login")


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


# --- security admin ------------------------------------------------------------------------


@login_required
def security_roles(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    rows = selectors.role_assignment_list(access=access)
    form = RoleGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = selectors.user_by_username(access=access, username=data["username"])
        hospital, branch = selectors.grant_scope(
            access=access, hospital_id=data["hospital"], branch_id=data["branch"]
        )
        if user is None:
            form.add_error("username", "用户不存在")
        else:
            try:
                services.role_grant(
                    access=access,
                    user=user,
                    role=data["role"],
                    hospital=hospital,
                    branch=branch,
                    request=request,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, f"已授予 {user.username} 角色：{Role(data['role']).label}"
                )
                return redirect("security:roles")
    hospitals, branches = selectors.grant_scope_options(access=access)
    return render(
        request,
        "accounts/security_roles.html",
        {"rows": rows, "form": form, "hospitals": hospitals, "branches": branches},
    )


@login_required
@require_POST
def security_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    ra = selectors.role_assignment_get(access=access, pk=pk)  # 403 unless security admin
    try:
        services.role_revoke(access=access, assignment=ra, request=request)
        messages.success(request, "角色已撤销")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("security:roles")


@login_required
def security_policy(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    selectors.role_assignment_list(access=access)
    policy = get_policy(request)
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(access=access, data=form.cleaned_data, request=request)
        except ValidationError as exc:
            policy.refresh_from_db()
            apply_errors(form, exc)
        else:
            messages.success(request, "安全策略已保存")
            return redirect("security:policy")
    return render(request, "accounts/security_policy.html", {"form": form})


@login_required
def security_unlock(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    selectors.role_assignment_list(access=access)
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        if not username:
            messages.error(request, "请填写要解锁的用户名")
        else:
            services.unlock_user(access=access, username=username, request=request)
            messages.success(request, f"已解锁 {username}")
        return redirect("security:unlock")
    attempts = selectors.login_attempts(access=access)
    return render(
        request,
        "accounts/security_unlock.html",
        {"attempts": attempts, "policy": get_policy(request)},
    )


# --- system admin --------------------------------------------------------------------------


@login_required
def system_users(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    if not access.has(Role.SYSTEM_ADMIN):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("只有系统管理员可以管理账号")
    filtered = UserFilter(request.GET, queryset=selectors.user_list(access=access))
    q = filtered.text()
    users = filtered.qs.prefetch_related("role_assignments")
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = selectors.account_person(access=access, pk=data["person_id"])
        if data["person_id"] and person is None:
            form.add_error("person_id", "职工不存在")
        else:
            try:
                services.user_create(
                    access=access,
                    username=data["username"],
                    display_name=data["display_name"],
                    password=data["password"],
                    person=person,
                    request=request,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, f"账号 {data['username']} 已创建，请安全管理员为其授予角色"
                )
                return redirect("system:users")
    return render(request, "accounts/system_users.html", {"page": page, "form": form, "q": q})


@login_required
@require_POST
def system_user_active(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    if not access.has(Role.SYSTEM_ADMIN):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("只有系统管理员可以停用或启用账号")
    user = selectors.user_get(access=access, pk=pk)
    try:
        services.user_set_active(
            access=access, user=user, active=request.POST.get("active") == "1", request=request
        )
        messages.success(request, "账号状态已更新")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("system:users")


# --- auditor ----------------------------------------------------------------------------------


@login_required
def audit_trail(request: HttpRequest) -> HttpResponseBase:
    """安全审计日志: filter, sort, page, export (the export itself is audited)."""
    access = request_access(request)
    form = AuditFilterForm(request.GET or None)
    return tables.table_response(
        request,
        "accounts/audit_trail.html",
        table=tables.Table(request, AUDIT_COLUMNS, default="-at", label="审计日志"),
        rows=selectors.audit_event_list(access=access, filters=form.valid_filters()),
        context={"form": form},
        filename="安全审计日志_{date}.xlsx",
        fallback="audit_trail.xlsx",
        audit={"what": "audit_trail"},
    )


@login_required
def audit_changes(request: HttpRequest) -> HttpResponseBase:
    """业务数据变更记录 (django-auditlog): filter, sort, page, export (audited)."""
    access = request_access(request)
    form = DataChangeFilterForm(request.GET or None, models=selectors.data_change_models())
    return tables.table_response(
        request,
        "accounts/audit_changes.html",
        table=tables.Table(request, CHANGE_COLUMNS, default="-timestamp", label="数据变更"),
        rows=selectors.data_change_list(access=access, filters=form.valid_filters()),
        context={"form": form},
        filename="数据变更记录_{date}.xlsx",
        fallback="data_changes.xlsx",
        audit={"what": "data_changes"},
    )
