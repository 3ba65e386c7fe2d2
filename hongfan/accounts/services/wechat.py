"""Binding a WeChat identity (openid) to an account, once each way, and unbinding it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from hongfan.accounts.models import User, WechatBinding
from hongfan.core.audit import AuditAction, audit_log


@transaction.atomic
def wechat_bind(*, user: User, openid: str, request: HttpRequest | None = None) -> WechatBinding:
    if WechatBinding.objects.filter(user=user).exists():
        raise ValidationError("该账号已绑定微信，如需更换请先解绑")
    if WechatBinding.objects.filter(openid=openid).exists():
        raise ValidationError("该微信已绑定其他账号，请先在那个账号中解绑")
    try:
        with transaction.atomic():
            binding = WechatBinding.objects.create(user=user, openid=openid)
    except IntegrityError as exc:
        raise ValidationError("该微信或账号已绑定") from exc
    audit_log(action=AuditAction.WECHAT_BOUND, request=request, user=user, target=user)
    return binding


@transaction.atomic
def wechat_unbind(*, user: User, request: HttpRequest | None = None) -> None:
    deleted, _ = WechatBinding.objects.filter(user=user).delete()
    if not deleted:
        raise ValidationError("该账号未绑定微信")
    audit_log(action=AuditAction.WECHAT_UNBOUND, request=request, user=user, target=user)
