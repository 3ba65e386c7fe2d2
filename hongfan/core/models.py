"""The append-only security audit trail (等保 2.0: who, when, from where, what, success)."""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction


class AuditAction(models.TextChoices):
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出"
    LOCKOUT = "lockout", "账号锁定"
    LOGIN_THROTTLED = "login_throttled", "登录限速"
    OTP_FAILED = "otp_failed", "动态口令错误"
    OTP_ENABLED = "otp_enabled", "启用双因素认证"
    PASSWORD_CHANGED = "password_changed", "修改密码"
    DENIED = "denied", "越权访问被拒绝"
    ROLE_GRANTED = "role_granted", "授予角色"
    ROLE_REVOKED = "role_revoked", "撤销角色"
    POLICY_CHANGED = "policy_changed", "修改安全策略"
    USER_CHANGED = "user_changed", "账号变更"
    DATA_CREATED = "data_created", "新增数据"
    DATA_CHANGED = "data_changed", "修改数据"
    IMPORT = "import", "导入"
    EXPORT = "export", "导出"
    REVEAL = "reveal", "查看敏感信息"
    SESSION_TIMEOUT = "session_timeout", "会话超时"
    SMS_CODE_SENT = "sms_code_sent", "发送短信验证码"
    PASSWORD_RESET = "password_reset", "找回密码"
    ACCOUNT_ACTIVATED = "account_activated", "激活账号"
    WECHAT_BOUND = "wechat_bound", "绑定微信"
    WECHAT_UNBOUND = "wechat_unbound", "解绑微信"
    BACKUP = "backup", "数据备份"
    RESTORE = "restore", "数据恢复"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("The audit trail is append-only")

    def delete(self):  # type: ignore[no-untyped-def]
        raise PermissionError("The audit trail is append-only")


class AuditEvent(models.Model):
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField("用户名", max_length=150, blank=True, db_index=True)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    action = models.CharField("操作", max_length=32, choices=AuditAction.choices, db_index=True)
    target_type = models.CharField("对象类型", max_length=64, blank=True)
    target_id = models.CharField("对象编号", max_length=64, blank=True)
    target_repr = models.CharField("对象", max_length=200, blank=True)
    hospital_id = models.BigIntegerField("医院", null=True, blank=True, db_index=True)
    detail = models.JSONField("详情", default=dict, blank=True)
    success = models.BooleanField("成功", default=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "审计日志"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.get_action_display()}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise PermissionError("The audit trail is append-only")
        # One transaction for the row and its link in the audit chain (the post_save
        # receiver in core.audit seals it).
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("The audit trail is append-only")


# --- issue 11 (keys): the tamper-evident chain over the audit trail ----------------------


class AuditSource(models.TextChoices):
    EVENT = "event", "安全审计日志"
    CHANGE = "change", "业务数据变更记录"


class AuditSealQuerySet(models.QuerySet["AuditSeal"]):
    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("The audit chain is append-only")

    def delete(self):  # type: ignore[no-untyped-def]
        raise PermissionError("The audit chain is append-only")


class AuditSeal(models.Model):
    """One link of the audit chain: ``hash`` = HMAC-SHA256(HONGFAN_AUDIT_CHAIN_KEY,
    ``prev_hash`` + the sealed row's canonical content), written in the row's transaction.
    ``seq`` counts 1, 2, 3… with no gap; ``manage.py auditverify`` walks it."""

    seq = models.BigIntegerField("序号", unique=True)
    source = models.CharField("来源", max_length=8, choices=AuditSource.choices)
    row_id = models.BigIntegerField("记录编号")
    at = models.DateTimeField("记录时间")
    # Who acted, as written then (the row's user link is emptied if the user is deleted,
    # so the hash covers this name and not the link).
    actor = models.CharField("操作人", max_length=150, blank=True)
    prev_hash = models.CharField("前一哈希", max_length=64)
    hash = models.CharField("哈希", max_length=64)

    objects = AuditSealQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = "审计链"
        constraints = [
            models.UniqueConstraint(fields=["source", "row_id"], name="audit_seal_one_per_row"),
        ]

    def __str__(self) -> str:
        return f"{self.seq} {self.source}:{self.row_id}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise PermissionError("The audit chain is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("The audit chain is append-only")


class AuditChainHead(models.Model):
    """The single row (pk 1) holding the last link: writers lock it (``select_for_update``)
    so two transactions cannot both extend the chain from the same link."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = "审计链头"

    def __str__(self) -> str:
        return f"{self.seq} {self.hash[:12]}"


class DataStamp(models.Model):
    """The single row (pk 1) whose ``version`` grows when a transaction that wrote business
    data commits (``hongfan.core.datastamp``): every worker process reads it to know whether
    what it cached (the home page's tasks and panels) may still be shown."""

    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "数据版本"

    def __str__(self) -> str:
        return str(self.version)
