"""Volunteer activities (志愿服务活动), their shifts, and who signed up (报名), checked in
and out (签到) — the raw facts from which hours are confirmed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from hongfan.service.choices import (
    ActivityKind,
    ActivityStatus,
    CheckInMethod,
    SignupStatus,
    SwapStatus,
)


class Activity(models.Model):
    """One activity, organised by a branch (or the hospital when ``branch`` is empty), under
    a measure of the brand. A 红帆驿站 duty roster is an activity of kind ``desk_duty`` on
    its desk, whose shifts are the duty shifts."""

    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey(
        "org.Branch",
        verbose_name="组织支部",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_activities",
    )
    measure = models.ForeignKey(
        "service.ServiceMeasure",
        verbose_name="服务举措",
        on_delete=models.PROTECT,
        related_name="activities",
    )
    kind = models.CharField("活动类型", max_length=16, choices=ActivityKind.choices)
    status = models.CharField(
        "状态", max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT
    )
    title = models.CharField("活动名称", max_length=100)
    description = models.TextField("活动内容", blank=True)
    place = models.ForeignKey(
        "service.Place",
        verbose_name="服务地点",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    place_detail = models.CharField("具体位置", max_length=100, blank=True)
    desk = models.ForeignKey(
        "service.ServiceDesk",
        verbose_name="红帆驿站",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rosters",
    )
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    signup_deadline = models.DateTimeField("报名截止")
    cancel_deadline = models.DateTimeField("取消报名截止")
    departments = models.ManyToManyField(
        "org.Department", verbose_name="需要的科室", blank=True, related_name="+"
    )
    skills = models.CharField("需要的技能", max_length=200, blank=True)
    open_to_staff = models.BooleanField("非党员职工可报名", default=True)
    checkin_token = models.CharField(max_length=43)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    closed_at = models.DateTimeField("时长确认时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "志愿服务活动"
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["hospital", "starts_at"], name="service_act_hosp_start"),
            models.Index(fields=["branch", "starts_at"], name="service_act_branch_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="service_activity_ends_after_start",
                violation_error_message="结束时间必须晚于开始时间",
            ),
            models.CheckConstraint(
                condition=Q(signup_deadline__lte=F("ends_at")),
                name="service_activity_signup_before_end",
                violation_error_message="报名截止不能晚于活动结束",
            ),
            models.CheckConstraint(
                condition=~Q(title=""),
                name="service_activity_title_not_blank",
                violation_error_message="活动名称不能为空",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ActivityKind.DESK_DUTY) | Q(desk__isnull=False),
                name="service_activity_duty_has_desk",
                violation_error_message="驿站值守必须指定红帆驿站",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Shift(models.Model):
    """A shift of an activity with its places (名额) and its lead (带队人), who checks people
    in and out."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="shifts")
    label = models.CharField("班次", max_length=40, blank=True)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    capacity = models.PositiveSmallIntegerField("名额")
    lead = models.ForeignKey(
        "org.Person",
        verbose_name="带队人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "班次"
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="service_shift_ends_after_start",
                violation_error_message="班次结束时间必须晚于开始时间",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="service_shift_capacity_positive",
                violation_error_message="名额至少为1",
            ),
        ]

    def __str__(self) -> str:
        return self.label or f"{self.starts_at:%m-%d %H:%M}"


class Signup(models.Model):
    """A person's sign-up for a shift: holding a place, waiting for one, cancelled, or a
    no-show; the check-in and check-out times are what the hours are confirmed from."""

    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups")
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="signups")
    person = models.ForeignKey(
        "org.Person", on_delete=models.CASCADE, related_name="service_signups"
    )
    status = models.CharField(
        "状态", max_length=12, choices=SignupStatus.choices, default=SignupStatus.SIGNED
    )
    created_at = models.DateTimeField("报名时间", auto_now_add=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    checked_out_at = models.DateTimeField("签退时间", null=True, blank=True)
    checkin_method = models.CharField(
        "签到方式", max_length=8, choices=CheckInMethod.choices, blank=True
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Minutes inside in/out that were not service (travel between households): the
    # organiser excludes them when confirming.
    excluded_minutes = models.PositiveSmallIntegerField("扣除路途（分钟）", default=0)
    confirmed_hours = models.DecimalField(
        "确认时长", max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = "报名"
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["person", "status"], name="service_signup_person"),
            models.Index(fields=["shift", "status", "created_at"], name="service_signup_queue"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "person"],
                condition=Q(status__in=["signed", "waitlisted", "no_show"]),
                name="service_signup_once_per_shift",
                violation_error_message="已报名该班次",
            ),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True)
                | Q(checked_in_at__isnull=False, checked_out_at__gt=F("checked_in_at")),
                name="service_signup_out_after_in",
                violation_error_message="签退时间必须晚于签到时间",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.shift_id}"


class ShiftSwap(models.Model):
    """A request to hand one's shift to a colleague (换班); when accepted the sign-up moves
    to them."""

    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    signup = models.ForeignKey(Signup, on_delete=models.CASCADE, related_name="swaps")
    to_person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        "状态", max_length=12, choices=SwapStatus.choices, default=SwapStatus.REQUESTED
    )
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "换班"
        constraints = [
            models.UniqueConstraint(
                fields=["signup"],
                condition=Q(status="requested"),
                name="service_swap_one_open",
                violation_error_message="该班次已有待确认的换班申请",
            )
        ]

    def __str__(self) -> str:
        return f"换班 {self.signup_id} → {self.to_person_id}"
