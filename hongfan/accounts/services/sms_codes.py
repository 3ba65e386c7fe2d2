"""One-time SMS codes: asking for one (rate limited per number and per address, the same
answer whether or not the number has an account) and using one (6 digits, kept only as a
keyed hash, expiring after five minutes, single use, a few tries each). Logging in by code,
resetting a forgotten password and activating a bulk-made account all go through here."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from hongfan.accounts import selectors
from hongfan.accounts.models import SmsCode, SmsPurpose, User
from hongfan.accounts.policy import get_policy
from hongfan.core import pii
from hongfan.core.audit import AuditAction, audit_log, client_ip
from hongfan.core.locks import lock_one

CODE_TTL = timedelta(minutes=5)
CODE_MAX_ATTEMPTS = 5
WRONG_CODE = "验证码错误或已过期，请重新获取"
TOO_MANY_TRIES = "验证码输错次数过多，请重新获取"
USED_CODE = "验证码已使用，请重新获取"

# What a failed use of a code is recorded as in the audit trail, per purpose.
_FAILURE_ACTION = {
    SmsPurpose.LOGIN: AuditAction.LOGIN_FAILED,
    SmsPurpose.RESET: AuditAction.PASSWORD_RESET,
    SmsPurpose.ACTIVATE: AuditAction.ACCOUNT_ACTIVATED,
}


class SmsThrottled(Exception):
    """Too many codes asked for: the page answers 429 with ``message`` and sends nothing."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def code_hash(*, purpose: str, mobile_hash: str, code: str) -> str:
    return salted_hmac(
        "hongfan.accounts.sms_code", f"{purpose}:{mobile_hash}:{code}", algorithm="sha256"
    ).hexdigest()


def sms_text(*, purpose: str, code: str) -> str:
    what = SmsPurpose(purpose).label
    return f"【红帆】验证码{code}，用于{what}，5分钟内有效。请勿告诉他人，如非本人操作请忽略。"


def sms_code_request(*, purpose: str, mobile: str, request: HttpRequest | None = None) -> None:
    """Ask for a code for ``mobile`` (11 digits, already checked by the form). The code is
    sent only when the number belongs to exactly one account that may use it; the caller
    tells the user the same either way. Raises ``SmsThrottled`` (nothing stored, nothing
    sent) when the number or the address asked too often."""
    from hongfan.notices.services import sms_send

    policy = get_policy(request)
    mobile_hash = pii.keyed_hash(mobile)
    ip = client_ip(request)
    refusal = selectors.sms_code_refusal(mobile_hash=mobile_hash, ip=ip, policy=policy)
    if refusal:
        audit_log(
            action=AuditAction.SMS_CODE_SENT,
            request=request,
            success=False,
            purpose=purpose,
            mobile=pii.mask_mobile(mobile),
            reason="throttled",
        )
        raise SmsThrottled(refusal)
    user = selectors.sms_account(purpose=purpose, mobile_hash=mobile_hash)
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    with transaction.atomic():
        SmsCode.objects.create(
            purpose=purpose,
            mobile_hash=mobile_hash,
            user=user,
            code_hash=code_hash(purpose=purpose, mobile_hash=mobile_hash, code=code),
            ip=ip,
            created_at=now,
            expires_at=now + CODE_TTL,
        )
    sent = user is not None and sms_send(mobile=mobile, text=sms_text(purpose=purpose, code=code))
    why: dict[str, Any] = (
        {} if sent else {"reason": "no_account" if user is None else "send_failed"}
    )
    audit_log(
        action=AuditAction.SMS_CODE_SENT,
        request=request,
        target=user,
        success=bool(sent),
        purpose=purpose,
        mobile=pii.mask_mobile(mobile),
        **why,
    )


def _code_match(*, purpose: str, mobile: str, code: str, request: HttpRequest | None) -> SmsCode:
    """The latest code of ``purpose`` for ``mobile`` when ``code`` is it and its account may
    still use it (not yet consumed). A wrong try is counted and audited, then refused."""
    mobile_hash = pii.keyed_hash(mobile)
    pk = selectors.sms_code_latest(purpose=purpose, mobile_hash=mobile_hash)
    now = timezone.now()
    error, reason, row = WRONG_CODE, "no_code", None
    if pk is not None:
        with transaction.atomic():
            row = lock_one(SmsCode.objects.select_related("user"), pk)
            wanted = code_hash(purpose=purpose, mobile_hash=mobile_hash, code=code)
            if row.used_at is not None:
                error, reason = USED_CODE, "used"
            elif row.expires_at <= now:
                reason = "expired"
            elif row.attempts >= CODE_MAX_ATTEMPTS:
                error, reason = TOO_MANY_TRIES, "too_many_tries"
            elif not constant_time_compare(row.code_hash, wanted) or row.user is None:
                row.attempts += 1
                row.save(update_fields=["attempts"])
                reason = "wrong_code"
                if row.attempts >= CODE_MAX_ATTEMPTS:
                    error = TOO_MANY_TRIES
            elif not selectors.sms_account_eligible(purpose=purpose, user=row.user):
                reason = "account_changed"
            else:
                return row
    audit_log(
        action=_FAILURE_ACTION[SmsPurpose(purpose)],
        request=request,
        username=row.user.username if row is not None and row.user is not None else "",
        success=False,
        via="sms",
        mobile=pii.mask_mobile(mobile),
        reason=reason,
    )
    raise ValidationError({"code": error})


def _consume(row: SmsCode) -> None:
    """Mark the code used, once: a second request with the same code finds it taken."""
    taken = SmsCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=timezone.now())
    if not taken:
        raise ValidationError({"code": USED_CODE})


def sms_login(*, mobile: str, code: str, request: HttpRequest | None = None) -> User:
    """The account a right login code is for (the view then asks for the second factor where
    the account has one, and logs it in; the login itself is audited by the login signal)."""
    row = _code_match(purpose=SmsPurpose.LOGIN, mobile=mobile, code=code, request=request)
    with transaction.atomic():
        _consume(row)
    assert row.user is not None
    return row.user


def _new_password_errors(user: User, password: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": "；".join(exc.messages)}) from exc


def password_reset(
    *, mobile: str, code: str, new_password: str, request: HttpRequest | None = None
) -> User:
    """A forgotten password replaced after a right reset code. The password rules and the
    history apply; a rejected password leaves the code usable for another try. The
    username's login failures are cleared (the owner of the phone proved themself)."""
    from axes.utils import reset

    row = _code_match(purpose=SmsPurpose.RESET, mobile=mobile, code=code, request=request)
    user = row.user
    assert user is not None
    _new_password_errors(user, new_password)
    with transaction.atomic():
        _consume(row)
        user.set_password(new_password)
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "password_changed_at"])
        audit_log(action=AuditAction.PASSWORD_RESET, request=request, user=user, via="sms")
    reset(username=user.username)
    return user


def account_activate(
    *, mobile: str, code: str, new_password: str, request: HttpRequest | None = None
) -> User:
    """A bulk-made account (待激活) activated by its person: a right activation code and a
    password of their own (the rules apply) make it usable."""
    row = _code_match(purpose=SmsPurpose.ACTIVATE, mobile=mobile, code=code, request=request)
    user = row.user
    assert user is not None
    _new_password_errors(user, new_password)
    with transaction.atomic():
        _consume(row)
        user.set_password(new_password)
        user.password_changed_at = timezone.now()
        user.is_active = True
        user.activation_pending = False
        user.save(
            update_fields=["password", "password_changed_at", "is_active", "activation_pending"]
        )
        audit_log(action=AuditAction.ACCOUNT_ACTIVATED, request=request, user=user, via="sms")
    return user


CODE_KEEP_DAYS = 2


def sms_codes_prune(*, older_than_days: int = CODE_KEEP_DAYS) -> int:
    """Drop code rows older than the rate limits look back (an hour); the audit trail keeps
    every send and use."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = SmsCode.objects.filter(created_at__lt=cutoff).delete()
    return int(deleted)
