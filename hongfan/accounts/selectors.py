from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from hongfan.accounts.models import RoleAssignment, SecurityPolicy, User
from hongfan.core.access import Access
from hongfan.core.models import AuditAction, AuditEvent
from hongfan.core.roles import Role


def audit_event_list(*, access: Access, filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """The security audit trail, newest first, with the acting user (for their name).
    ``username``: part of the user name or the person's name."""
    if not access.has(Role.AUDITOR):
        raise PermissionDenied("只有审计管理员可以查看审计日志")
    qs = AuditEvent.objects.select_related("user")
    who = (filters.get("username") or "").strip()
    if who:
        qs = qs.filter(Q(username__icontains=who) | Q(user__first_name__icontains=who))
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("success") in ("0", "1"):
        qs = qs.filter(success=filters["success"] == "1")
    if filters.get("date_from"):
        qs = qs.filter(at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(at__date__lte=filters["date_to"])
    return qs.order_by("-at", "-id")


def data_change_models() -> list[tuple[str, str]]:
    """The kinds of record the data-change log holds (django-auditlog's registered models),
    as (app_label.model, Chinese name) choices."""
    from auditlog.registry import auditlog

    models = sorted(auditlog.get_models(), key=lambda m: str(m._meta.verbose_name))
    return [(m._meta.label_lower, str(m._meta.verbose_name)) for m in models]


def data_change_list(
    *, access: Access, filters: dict[str, Any] | None = None
) -> QuerySet[LogEntry]:
    """django-auditlog's entries, newest first, with the actor and the kind of record."""
    if not access.has(Role.AUDITOR):
        raise PermissionDenied("只有审计管理员可以查看审计日志")
    filters = filters or {}
    qs = LogEntry.objects.select_related("actor", "content_type")
    who = (filters.get("actor") or "").strip()
    if who:
        qs = qs.filter(Q(actor__username__icontains=who) | Q(actor__first_name__icontains=who))
    model = filters.get("model") or ""
    if "." in model:
        app_label, name = model.split(".", 1)
        qs = qs.filter(content_type__app_label=app_label, content_type__model=name)
    if filters.get("action") in ("0", "1", "2"):
        qs = qs.filter(action=int(filters["action"]))
    if filters.get("date_from"):
        qs = qs.filter(timestamp__date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(timestamp__date__lte=filters["date_to"])
    return qs.order_by("-timestamp", "-id")


def role_assignment_list(*, access: Access) -> QuerySet[RoleAssignment]:
    if not access.has(Role.SECURITY_ADMIN):
        raise PermissionDenied("只有安全管理员可以管理角色")
    return RoleAssignment.objects.select_related("user", "hospital", "branch").order_by(
        "user__username", "role"
    )


def user_list(*, access: Access) -> QuerySet[User]:
    """Every account by user name (``accounts.filters.UserFilter`` narrows it)."""
    if not (access.has(Role.SYSTEM_ADMIN) or access.has(Role.SECURITY_ADMIN)):
        raise PermissionDenied("只有系统管理员或安全管理员可以查看账号")
    return User.objects.select_related("person", "person__hospital").order_by("username")


def role_assignment_get(*, access: Access, pk: int) -> RoleAssignment:
    """One role assignment, for the security admin (others 403; 404 when it is not there)."""
    role_assignment_list(access=access)
    return get_object_or_404(RoleAssignment, pk=pk)


def user_get(*, access: Access, pk: int) -> User:
    """One account by id (404 when it is not there); the view checks who may act on it."""
    return get_object_or_404(User, pk=pk)


def user_by_username(*, access: Access, username: str) -> User | None:
    return User.objects.filter(username=username).first()


def grant_scope_options(*, access: Access) -> tuple[QuerySet[Any], QuerySet[Any]]:
    """The hospitals and branches a role may be granted in (the grant form's lists)."""
    from hongfan.org.models import Branch, Hospital

    return (
        Hospital.objects.order_by("pk"),
        Branch.objects.select_related("hospital").order_by("hospital_id", "pk"),
    )


def grant_scope(
    *, access: Access, hospital_id: int | None, branch_id: int | None
) -> tuple[Any, Any]:
    """The hospital and the branch named in a grant (None where not named or not there)."""
    from hongfan.org.models import Branch, Hospital

    hospital = Hospital.objects.filter(pk=hospital_id).first() if hospital_id else None
    branch = Branch.objects.filter(pk=branch_id).first() if branch_id else None
    return hospital, branch


def account_person(*, access: Access, pk: int | None) -> Any:
    """The staff member an account is made for, or None."""
    from hongfan.org.models import Person

    return Person.objects.filter(pk=pk).first() if pk else None


def login_attempts(*, access: Access) -> QuerySet[Any]:
    """The latest failed-login records (django-axes), newest first."""
    from axes.models import AccessAttempt

    return AccessAttempt.objects.order_by("-attempt_time")[:100]


# --- login throttling (docs/decisions/0006-login-throttling.md) -------------------------------

MAX_WAIT_SECONDS = 300


def throttle_wait(*, failures: int, threshold: int) -> int:
    """Seconds to wait after the last failure once ``failures`` reach ``threshold``: 2, 4, 8 …
    doubling with each further failure, at most five minutes."""
    if failures < threshold:
        return 0
    return int(min(2 ** min(failures - threshold + 1, 16), MAX_WAIT_SECONDS))


def login_throttle(*, ip: str | None, policy: SecurityPolicy) -> tuple[int, int]:
    """For logins from ``ip``: the failures counted in the policy's window (across all
    usernames) and the seconds still to wait before the next attempt (0: it may be tried)."""
    if not ip:
        return 0, 0
    from axes.models import AccessFailureLog

    now = timezone.now()
    since = now - timedelta(minutes=policy.ip_throttle_window_minutes)
    row = AccessFailureLog.objects.filter(ip_address=ip, attempt_time__gte=since).aggregate(
        n=Count("pk"), last=Max("attempt_time")
    )
    failures, last = row["n"], row["last"]
    wait = throttle_wait(failures=failures, threshold=policy.ip_throttle_failures)
    if not wait or last is None:
        return failures, 0
    remaining = (last + timedelta(seconds=wait) - now).total_seconds()
    return failures, max(0, math.ceil(remaining))


def password_change_wait_minutes(*, user: User, policy: SecurityPolicy) -> int:
    """Minutes before ``user`` may try the change form again after ``lockout_failures`` wrong
    old passwords within ``lockout_minutes``; 0 when it may be tried. Counted from the audit
    trail, per user, so it never affects logging in."""
    window = timedelta(minutes=policy.lockout_minutes)
    now = timezone.now()
    failures = list(
        AuditEvent.objects.filter(
            user=user,
            action=AuditAction.PASSWORD_CHANGED,
            success=False,
            detail__reason="wrong_old_password",
            at__gte=now - window,
        )
        .order_by("-at")
        .values_list("at", flat=True)[: policy.lockout_failures]
    )
    if len(failures) < policy.lockout_failures:
        return 0
    remaining = (failures[0] + window - now).total_seconds()
    return max(1, math.ceil(remaining / 60))


def totp_device_confirmed(*, user: Any) -> Any:
    """The user's confirmed 动态口令 device (django-otp TOTP), or None without two-factor."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


# --- SMS codes (services/sms_codes.py) ------------------------------------------------------

RESEND_SECONDS = 60


def sms_code_refusal(*, mobile_hash: str, ip: str | None, policy: SecurityPolicy) -> str:
    """Why another code may not be sent now ("" when it may): one a minute and the policy's
    count an hour per number (whatever the purpose), the policy's count an hour per address."""
    from hongfan.accounts.models import SmsCode

    now = timezone.now()
    hour_ago = now - timedelta(hours=1)
    recent = list(
        SmsCode.objects.filter(mobile_hash=mobile_hash, created_at__gte=hour_ago)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[: policy.sms_per_mobile_hour]
    )
    if recent and (now - recent[0]).total_seconds() < RESEND_SECONDS:
        wait = RESEND_SECONDS - int((now - recent[0]).total_seconds())
        return f"获取验证码过于频繁，请{max(wait, 1)}秒后再试"
    if len(recent) >= policy.sms_per_mobile_hour:
        minutes = math.ceil((recent[-1] + timedelta(hours=1) - now).total_seconds() / 60)
        return f"该手机号获取验证码次数过多，请{max(minutes, 1)}分钟后再试"
    if ip and (
        SmsCode.objects.filter(ip=ip, created_at__gte=hour_ago).count() >= policy.sms_per_ip_hour
    ):
        return "获取验证码过于频繁，请稍后再试"
    return ""


def sms_account_eligible(*, purpose: str, user: User) -> bool:
    """Whether ``user`` may use a code of ``purpose``: logging in and resetting need an
    active account, activating one still waiting for its person."""
    from hongfan.accounts.models import SmsPurpose

    if purpose == SmsPurpose.ACTIVATE:
        return user.activation_pending and not user.is_active
    return user.is_active and not user.activation_pending


def sms_account(*, purpose: str, mobile_hash: str) -> User | None:
    """The one account whose person has this number and may use a code of ``purpose`` (None
    when there is none, or more than one: those log in by user name)."""
    found = [
        u
        for u in User.objects.filter(person__mobile_hash=mobile_hash).order_by("pk")[:3]
        if sms_account_eligible(purpose=purpose, user=u)
    ]
    return found[0] if len(found) == 1 else None


def sms_code_latest(*, purpose: str, mobile_hash: str) -> int | None:
    """The id of the newest code of ``purpose`` for the number (older ones are dead)."""
    from hongfan.accounts.models import SmsCode

    return (
        SmsCode.objects.filter(purpose=purpose, mobile_hash=mobile_hash)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )


# --- WeChat ---------------------------------------------------------------------------------


def wechat_user(*, openid: str) -> User | None:
    """The active account bound to ``openid``, or None."""
    from hongfan.accounts.models import WechatBinding

    binding = WechatBinding.objects.select_related("user").filter(openid=openid).first()
    if binding is None or not binding.user.is_active:
        return None
    return binding.user


def wechat_binding_for(*, user: Any) -> Any:
    from hongfan.accounts.models import WechatBinding

    return WechatBinding.objects.filter(user_id=user.pk).first()


def wechat_ids(user_ids: Any, kind: str = "mp") -> dict[int, str]:
    """{user id: openid} of the given active users bound to WeChat (unbound users are
    absent). The bindings are 公众号 (``kind`` "mp") openids; 企业微信 userids ("work") are
    not bound here. The WeChat message backend reads it through ``hongfan.core.notify``'s
    registry (registered in AccountsConfig.ready)."""
    from hongfan.accounts.models import WechatBinding

    ids = [int(i) for i in user_ids]
    if not ids or kind != "mp":
        return {}
    rows = WechatBinding.objects.filter(user_id__in=ids, user__is_active=True)
    return dict(rows.values_list("user_id", "openid"))


# --- accounts from the roster ---------------------------------------------------------------


def people_without_account(*, access: Access, hospital: Any, branch: Any = None) -> list[Any]:
    """The system admin's view of a hospital's (or a branch's) current staff who have no
    account yet, by name."""
    from hongfan.org.models import Person

    if not access.has(Role.SYSTEM_ADMIN):
        raise PermissionDenied("只有系统管理员可以管理账号")
    qs = Person.objects.filter(hospital=hospital, status="active", user__isnull=True)
    if branch is not None:
        qs = qs.filter(branch=branch)
    return list(qs.order_by("name", "pk"))


def activation_pending(*, user_ids: list[int]) -> list[User]:
    """The accounts among ``user_ids`` still waiting for activation, with their person."""
    return list(
        User.objects.filter(pk__in=user_ids, is_active=False, activation_pending=True)
        .select_related("person")
        .order_by("pk")
    )


def usernames_starting(*, access: Access, prefixes: set[str]) -> set[str]:
    """The user names in use that start with any of ``prefixes`` (one query over the user
    names only, filtered here: a city has some tens of thousands, and an OR of thousands of
    LIKEs would pass SQLite's expression depth): what a new ``zhangsan`` must step around."""
    wanted = tuple(sorted(p for p in prefixes if p))
    if not wanted:
        return set()
    names = User.objects.values_list("username", flat=True)
    return {n for n in names.iterator(chunk_size=5000) if n.startswith(wanted)}


def person_search(*, access: Access, text: str, limit: int = 20) -> list[Any]:
    """The system admin's type-ahead for linking an account to a person: current staff
    without an account whose name contains ``text`` (none for an empty search)."""

    if not access.has(Role.SYSTEM_ADMIN):
        raise PermissionDenied("只有系统管理员可以管理账号")
    text = text.replace("\x00", "").strip()[:20]
    if not text:
        return []
    return list(
        account_person_options(access=access)
        .filter(name__contains=text)
        .select_related("hospital", "department")
        .order_by("name", "pk")[:limit]
    )


def account_person_options(*, access: Access) -> QuerySet[Any]:
    """The people an account may be linked to: current staff without an account."""
    from hongfan.org.models import Person

    return Person.objects.filter(status="active", user__isnull=True)


def grantable_users(*, access: Access, hospital_id: int | None, text: str) -> QuerySet[User]:
    """The security admin's list for granting a role in bulk: active accounts, narrowed to a
    hospital's people and by part of a user name or a display name."""
    role_assignment_list(access=access)
    qs = User.objects.filter(is_active=True).select_related("person", "person__hospital")
    if hospital_id:
        qs = qs.filter(person__hospital_id=hospital_id)
    text = text.replace("\x00", "").strip()[:30]
    if text:
        qs = qs.filter(username__icontains=text) | qs.filter(first_name__icontains=text)
    return qs.prefetch_related("role_assignments").order_by("username")


def users_by_ids(*, access: Access, ids: list[int]) -> list[User]:
    role_assignment_list(access=access)
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("username"))
