"""消息通知: the in-app inbox. Rows are written by ``backends.InboxBackend`` when a module
calls ``hongfan.core.notify.notify``; a member reads and marks only their own."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hongfan.core.notify import CHANNELS, LEVELS, is_local_path, is_safe_link


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    category = models.CharField("类别", max_length=32, blank=True)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=500, blank=True)
    # Idempotency: one notification per (recipient, key) when the key is set, e.g.
    # "orglife.reminder:<branch>:<period>".
    key = models.CharField("去重键", max_length=200, blank=True)
    created_at = models.DateTimeField("发送时间", auto_now_add=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "消息"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~Q(key=""),
                name="notification_key_unique_per_recipient",
                violation_error_message="该消息已发送给此用户",
            ),
        ]
        indexes = [
            # the inbox: my notifications, newest first
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            # the badge and the unread part of the inbox
            models.Index(
                fields=["recipient", "-created_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def local_link(self) -> str:
        """The link if it is a path of this site (followed by the read view), else ""."""
        return self.link if is_local_path(self.link) else ""

    @property
    def external_link(self) -> str:
        """An http(s) link elsewhere, shown as a plain link; anything else is never rendered."""
        return self.link if self.link and not self.local_link and is_safe_link(self.link) else ""


class NotificationPreference(models.Model):
    """A user's choice of how much of one category they receive on one channel (短信, 微信,
    e-mail); without a row the category's default applies (``hongfan.core.notify``). The
    inbox is never turned off."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    category = models.CharField("类别", max_length=32)
    channel = models.CharField("渠道", max_length=16, choices=list(CHANNELS.items()))
    level = models.CharField("接收", max_length=12, choices=list(LEVELS.items()))
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "消息设置"
        verbose_name_plural = "消息设置"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "category", "channel"],
                name="notification_preference_once",
                violation_error_message="该类别和渠道已有设置",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}·{self.get_channel_display()}：{self.get_level_display()}"
