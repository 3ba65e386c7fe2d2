"""Accounts: the system admin keeps them; a user changes their own password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from hongfan.accounts.models import User
from hongfan.accounts.policy import get_policy
from hongfan.accounts.selectors import login_throttle, password_change_wait_minutes
from hongfan.core.access import Access
from hongfan.core.audit import AuditAction, audit_log, client_ip
from hongfan.core.notify import ACCOUNT, notify
from hongfan.core.roles import Role


@transaction.atomic
def user_create(
    *,
    access: Access,
    username: str,
    display_name: str,
    password: str | None,
    person: Any = None,
    request: HttpRequest | None = None,
) -> User:
    """A new login. Without a password (``None``: made in bulk from the roster) the account
    waits, inactive, until its person activates it by an SMS code and sets one."""
    if not access.has(Role.SYSTEM_ADMIN):
        raise PermissionDenied("只有系统管理员可以创建账号")
    errors: dict[str, str] = {}
    username = username.strip()
    if not username:
        errors["username"] = "请填写用户名"
    elif User.objects.filter(username=username).exists():
        errors["username"] = "用户名已存在"
    if person is not None and User.objects.filter(person=person).exists():
        errors["person"] = "该职工已有账号"
    user = User(username=username, first_name=display_name.strip()[:150], person=person)
    if password is not None:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            errors["password"] = "；".join(exc.messages)
    if errors:
        raise ValidationError(errors)
    if password is None:
        user.set_unusable_password()
        user.is_active = False
        user.activation_pending = True
    else:
        user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    audit_log(
        action=AuditAction.USER_CHANGED,
        request=request,
        target=user,
        change="created" if password is not None else "created_pending_activation",
    )
    notify_account_created(user)
    return user


def notify_account_created(user: User) -> None:
    """账号已开通 to the new user: in the app, and by SMS to their mobile (category 账号).
    It names the username, never the password (handed over by the administrator)."""
    notify(
        recipients=[user],
        title="红帆账号已开通",
        body=f"您的用户名是{user.username}，初始密码请向管理员领取，首次登录后请修改密码",
        link=reverse("accounts:login"),
        category=ACCOUNT,
        key=f"accounts.user:{user.pk}:created",
        important=True,
    )


@transaction.atomic
def user_set_active(
    *, access: Access, user: User, active: bool, request: HttpRequest | None = None
) -> User:
    if not access.has(Role.SYSTEM_ADMIN):
        raise PermissionDenied("只有系统管理员可以停用或启用账号")
    if user.pk == access.user_id:
        raise ValidationError({"user": "不能停用自己的账号"})
    user.is_active = active
    # Either way the account is no longer waiting for its person: a disabled one is not
    # activated by SMS, and one enabled by hand logs in by SMS code or resets a password.
    user.activation_pending = False
    user.save(update_fields=["is_active", "activation_pending"])
    audit_log(
        action=AuditAction.USER_CHANGED,
        request=request,
        target=user,
        change="enabled" if active else "disabled",
    )
    return user


def unlock_user(*, access: Access, username: str, request: HttpRequest | None = None) -> int:
    """The security admin clears a username's login failures (a second security admin can
    unlock the first). Returns how many failure records were cleared."""
    if not access.has(Role.SECURITY_ADMIN):
        raise PermissionDenied("只有安全管理员可以解锁账号")
    return _unlock(username=username, request=request, via="web")


def unlock_user_from_console(*, username: str, os_user: str, host: str) -> int:
    """``manage.py unlockuser``: for when no security admin can log in. Whoever can run it
    already controls the server; the audit row records the operating-system account."""
    if not User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"用户 {username} 不存在"})
    return _unlock(username=username, request=None, via="command", os_user=os_user, host=host)


def _unlock(*, username: str, request: HttpRequest | None, via: str, **detail: Any) -> int:
    from axes.utils import reset

    count = int(reset(username=username) or 0)
    audit_log(
        action=AuditAction.USER_CHANGED,
        request=request,
        target=User.objects.filter(username=username).first(),
        change="unlocked",
        unlocked=username,
        cleared=count,
        via=via,
        **detail,
    )
    return count


def login_failure_noted(*, request: HttpRequest, username: str) -> int:
    """After a failed login: when the address has now failed often enough to be slowed,
    write an audit row and return the wait in seconds (0 otherwise). Attempts refused while
    waiting are not audited one by one (they are not tried), so a flood cannot swamp the
    trail; each further failure beyond the threshold writes one row."""
    policy = get_policy(request)
    failures, wait = login_throttle(ip=client_ip(request), policy=policy)
    if wait:
        audit_log(
            action=AuditAction.LOGIN_THROTTLED,
            request=request,
            username=username[:150],
            success=False,
            failures=failures,
            wait_seconds=wait,
            window_minutes=policy.ip_throttle_window_minutes,
        )
    return wait


def password_change(
    *, user: User, old_password: str, new_password: str, request: HttpRequest | None = None
) -> User:
    """Change one's own password. Wrong old passwords are audited and, after the policy's
    lockout count within its lockout minutes, the form refuses for a while (the login is
    not affected). The new password is checked only once the old one is right, so the
    history rule cannot be used to test guesses."""
    wait = password_change_wait_minutes(user=user, policy=get_policy(request))
    if wait:
        audit_log(
            action=AuditAction.PASSWORD_CHANGED,
            request=request,
            user=user,
            success=False,
            reason="throttled",
        )
        raise ValidationError({"old_password": f"原密码输错次数过多，请{wait}分钟后再试"})
    if not user.check_password(old_password):
        audit_log(
            action=AuditAction.PASSWORD_CHANGED,
            request=request,
            user=user,
            success=False,
            reason="wrong_old_password",
        )
        raise ValidationError({"old_password": "原密码不正确"})
    errors: dict[str, str] = {}
    if old_password == new_password:
        errors["new_password"] = "新密码不能与原密码相同"
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        errors.setdefault("new_password", "；".join(exc.messages))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user.set_password(new_password)
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "password_changed_at"])
        audit_log(action=AuditAction.PASSWORD_CHANGED, request=request, user=user)
    return user


FAILURE_LOG_DAYS = 7


def login_failures_prune(*, older_than_days: int = FAILURE_LOG_DAYS) -> int:
    """Drop per-failure rows (axes' AccessFailureLog) older than the longest throttle window
    needs; every failure stays in the audit trail, which is never pruned here."""
    from axes.handlers.proxy import AxesProxyHandler

    return int(AxesProxyHandler.reset_failure_logs(age_days=older_than_days) or 0)


def totp_device_pending(*, user: Any) -> Any:
    """The user's not yet confirmed 动态口令 device, made on first use (the 2FA set-up page
    shows its QR code until a code from the phone confirms it)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="手机动态口令", confirmed=False)
    return device
