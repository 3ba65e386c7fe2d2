from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hongfan.core.roles import OFFICE_ROLES, Role


class User(AbstractUser):
    """A login. Business users are linked to the Person (职工) they are."""

    person = models.OneToOneField(
        "org.Person",
        verbose_name="对应职工",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )
    password_changed_at = models.DateTimeField("密码修改时间", default=timezone.now)
    # Made in bulk from the roster: not usable until its person activates it by an SMS code
    # and sets a password (an account disabled by the system admin is not "pending").
    activation_pending = models.BooleanField("待激活", default=False)

    class Meta:
        verbose_name = "用户"

    @property
    def display_name(self) -> str:
        return self.first_name or self.username


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    hospital = models.ForeignKey(
        "org.Hospital", verbose_name="医院", null=True, blank=True, on_delete=models.CASCADE
    )
    branch = models.ForeignKey(
        "org.Branch", verbose_name="支部", null=True, blank=True, on_delete=models.CASCADE
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField("授予时间", auto_now_add=True)

    class Meta:
        verbose_name = "角色授予"
        constraints = [
            models.CheckConstraint(
                name="role_hospital_admin_needs_hospital",
                condition=~Q(role=Role.HOSPITAL_ADMIN) | Q(hospital__isnull=False),
                violation_error_message="医院管理员必须指定医院",
            ),
            models.CheckConstraint(
                name="role_secretary_needs_branch",
                condition=~Q(role=Role.BRANCH_SECRETARY) | Q(branch__isnull=False),
                violation_error_message="支部书记必须指定支部",
            ),
            models.CheckConstraint(
                name="role_office_needs_hospital",
                condition=~Q(role__in=sorted(OFFICE_ROLES)) | Q(hospital__isnull=False),
                violation_error_message="科室岗位角色必须指定医院",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "hospital", "branch"],
                name="role_assignment_unique",
                violation_error_message="该用户已有此角色",
            ),
        ]

    def __str__(self) -> str:
        scope = self.branch or self.hospital or ""
        return f"{self.user} · {self.get_role_display()} {scope}".strip()


class SecurityPolicy(models.Model):
    """The one row of security settings the security admin edits (等保 2.0)."""

    lockout_failures = models.PositiveSmallIntegerField("连续失败几次后锁定", default=5)
    lockout_minutes = models.PositiveSmallIntegerField("锁定时长（分钟）", default=30)
    ip_throttle_failures = models.PositiveSmallIntegerField(
        "同一IP地址失败几次后限速（不分用户名）",
        default=30,
        help_text="同院职工共用出口IP，请按医院规模设得足够大，日常输错密码不应触发",
    )
    ip_throttle_window_minutes = models.PositiveSmallIntegerField(
        "IP失败计数时间窗（分钟）", default=15
    )
    password_min_length = models.PositiveSmallIntegerField("密码最小长度", default=8)
    password_min_classes = models.PositiveSmallIntegerField(
        "密码至少包含字符类别数（大写/小写/数字/符号）", default=3
    )
    password_max_age_days = models.PositiveSmallIntegerField(
        "密码有效期（天，0为不过期）", default=90
    )
    session_idle_minutes = models.PositiveSmallIntegerField(
        "管理员会话空闲超时（分钟）",
        default=30,
        help_text="市、医院管理员及系统、安全、审计管理员",
    )
    admin_session_hours = models.PositiveSmallIntegerField("管理员会话最长时长（小时）", default=8)
    member_idle_minutes = models.PositiveSmallIntegerField(
        "党员、书记会话空闲超时（分钟）", default=120
    )
    member_session_hours = models.PositiveSmallIntegerField(
        "党员、书记会话最长时长（小时）", default=12
    )
    remember_device_days = models.PositiveSmallIntegerField(
        "“记住此设备”保持登录（天，0为不允许）",
        default=7,
        help_text="仅党员、书记可用；管理员始终按上面的超时",
    )
    sms_per_mobile_hour = models.PositiveSmallIntegerField(
        "同一手机号每小时最多发送验证码（条）", default=5
    )
    sms_per_ip_hour = models.PositiveSmallIntegerField(
        "同一IP地址每小时最多发送验证码（条）",
        default=60,
        help_text="同院职工共用出口IP，请按医院规模设置",
    )
    require_2fa_for_admins = models.BooleanField("管理员必须启用双因素认证", default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "安全策略"
        constraints = [
            models.CheckConstraint(
                name="policy_lockout_failures_range",
                condition=Q(lockout_failures__gte=1) & Q(lockout_failures__lte=20),
                violation_error_message="锁定阈值应在1到20次之间",
            ),
            models.CheckConstraint(
                name="policy_lockout_minutes_range",
                condition=Q(lockout_minutes__gte=1) & Q(lockout_minutes__lte=1440),
                violation_error_message="锁定时长应在1到1440分钟之间",
            ),
            models.CheckConstraint(
                name="policy_ip_throttle_failures_range",
                condition=Q(ip_throttle_failures__gte=10) & Q(ip_throttle_failures__lte=1000),
                violation_error_message="IP限速阈值应在10到1000次之间",
            ),
            models.CheckConstraint(
                name="policy_ip_throttle_window_range",
                condition=Q(ip_throttle_window_minutes__gte=1)
                & Q(ip_throttle_window_minutes__lte=1440),
                violation_error_message="IP失败计数时间窗应在1到1440分钟之间",
            ),
            models.CheckConstraint(
                name="policy_password_length_range",
                condition=Q(password_min_length__gte=8) & Q(password_min_length__lte=64),
                violation_error_message="密码最小长度应在8到64之间",
            ),
            models.CheckConstraint(
                name="policy_password_classes_range",
                condition=Q(password_min_classes__gte=1) & Q(password_min_classes__lte=4),
                violation_error_message="字符类别数应在1到4之间",
            ),
            models.CheckConstraint(
                name="policy_idle_range",
                condition=Q(session_idle_minutes__gte=1) & Q(session_idle_minutes__lte=480),
                violation_error_message="会话空闲超时应在1到480分钟之间",
            ),
            models.CheckConstraint(
                name="policy_admin_session_range",
                condition=Q(admin_session_hours__gte=1) & Q(admin_session_hours__lte=24),
                violation_error_message="管理员会话最长时长应在1到24小时之间",
            ),
            models.CheckConstraint(
                name="policy_member_idle_range",
                condition=Q(member_idle_minutes__gte=1) & Q(member_idle_minutes__lte=1440),
                violation_error_message="党员会话空闲超时应在1到1440分钟之间",
            ),
            models.CheckConstraint(
                name="policy_member_session_range",
                condition=Q(member_session_hours__gte=1) & Q(member_session_hours__lte=72),
                violation_error_message="党员会话最长时长应在1到72小时之间",
            ),
            models.CheckConstraint(
                name="policy_remember_days_range",
                condition=Q(remember_device_days__lte=30),
                violation_error_message="记住设备不能超过30天",
            ),
            models.CheckConstraint(
                name="policy_sms_mobile_range",
                condition=Q(sms_per_mobile_hour__gte=1) & Q(sms_per_mobile_hour__lte=20),
                violation_error_message="同一手机号每小时验证码条数应在1到20之间",
            ),
            models.CheckConstraint(
                name="policy_sms_ip_range",
                condition=Q(sms_per_ip_hour__gte=5) & Q(sms_per_ip_hour__lte=5000),
                violation_error_message="同一IP每小时验证码条数应在5到5000之间",
            ),
            models.CheckConstraint(
                name="policy_password_age_range",
                condition=Q(password_max_age_days__lte=365),
                violation_error_message="密码有效期不能超过365天",
            ),
        ]

    def __str__(self) -> str:
        return "安全策略"


class PasswordHistory(models.Model):
    """The hashes of a user's most recent passwords (the newest is the current one), so that
    a new password cannot repeat one of them. Written by PasswordHistoryValidator."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField("密码摘要", max_length=128)
    created_at = models.DateTimeField("设置时间", default=timezone.now)

    class Meta:
        verbose_name = "历史密码"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class SmsPurpose(models.TextChoices):
    LOGIN = "login", "短信登录"
    RESET = "reset", "找回密码"
    ACTIVATE = "activate", "激活账号"


class SmsCode(models.Model):
    """One SMS code asked for: only its keyed hash is kept, with the keyed hash of the
    number (never the number), the account it was sent for (none when the number has no
    account: the row still counts against the rate limits, and no SMS goes out)."""

    purpose = models.CharField("用途", max_length=16, choices=SmsPurpose.choices)
    mobile_hash = models.CharField(max_length=64, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    code_hash = models.CharField(max_length=128)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "短信验证码"
        indexes = [
            models.Index(
                fields=["purpose", "mobile_hash", "-created_at"], name="smscode_latest_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} @ {self.created_at:%Y-%m-%d %H:%M}"


class WechatBinding(models.Model):
    """The WeChat identity (openid of the configured official account) bound to a login:
    one each way."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wechat_binding"
    )
    openid = models.CharField("微信标识", max_length=128, unique=True)
    bound_at = models.DateTimeField("绑定时间", default=timezone.now)

    class Meta:
        verbose_name = "微信绑定"

    def __str__(self) -> str:
        return f"{self.user} · 微信"
