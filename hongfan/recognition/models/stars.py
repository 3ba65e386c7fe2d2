"""The quarterly star selection (季度之星) of a hospital and its list, with its public notice
(公示)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from hongfan.recognition.choices import QuotaMode, StarStatus

# The rules a new selection starts from: the model's defaults, which the form offers and the
# service assumes (hongfan.recognition.forms.stars reads them from the fields).
DEFAULT_QUOTA_MODE = QuotaMode.HOSPITAL_TOTAL
DEFAULT_QUOTA = 9
DEFAULT_MIN_POINTS = Decimal("10")
DEFAULT_MIN_ATTENDANCE_SHARE = Decimal("0.80")
DEFAULT_EXCLUDE_COMPLAINTS = True
DEFAULT_NOTICE_WORKDAYS = 5


class StarSelection(models.Model):
    """One quarter's selection of 季度之星 in a hospital, with the eligibility rules used."""

    hospital = models.ForeignKey(
        "org.Hospital", on_delete=models.CASCADE, related_name="star_selections"
    )
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度")
    status = models.CharField(
        "状态", max_length=12, choices=StarStatus.choices, default=StarStatus.DRAFT
    )
    quota_mode = models.CharField(
        "名额方式", max_length=16, choices=QuotaMode.choices, default=DEFAULT_QUOTA_MODE
    )
    quota = models.PositiveSmallIntegerField("名额", default=DEFAULT_QUOTA)
    min_points = models.DecimalField(
        "最低季度积分", max_digits=8, decimal_places=1, default=DEFAULT_MIN_POINTS
    )
    min_attendance_share = models.DecimalField(
        "组织生活出勤率下限（0—1）",
        max_digits=4,
        decimal_places=2,
        default=DEFAULT_MIN_ATTENDANCE_SHARE,
    )
    exclude_complaints = models.BooleanField(
        "本季度有经核实投诉扣分者不参评", default=DEFAULT_EXCLUDE_COMPLAINTS
    )
    notice_workdays = models.PositiveSmallIntegerField(
        "公示期（工作日）", default=DEFAULT_NOTICE_WORKDAYS
    )
    notice_start = models.DateField("公示开始", null=True, blank=True)
    notice_end = models.DateField("公示截止", null=True, blank=True)
    notice_fallback = models.CharField("公示期计算说明", max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "季度之星评选"
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["hospital", "year", "quarter"],
                name="star_selection_once_per_quarter",
                violation_error_message="本院该季度已有评选",
            ),
            models.CheckConstraint(
                name="star_selection_quarter_range",
                condition=Q(quarter__gte=1) & Q(quarter__lte=4),
                violation_error_message="季度应为1—4",
            ),
            models.CheckConstraint(
                name="star_selection_share_range",
                condition=Q(min_attendance_share__gte=0) & Q(min_attendance_share__lte=1),
                violation_error_message="出勤率下限应在0到1之间",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hospital} {self.year}年第{self.quarter}季度之星"


class QuarterStar(models.Model):
    selection = models.ForeignKey(StarSelection, on_delete=models.CASCADE, related_name="stars")
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="stars")
    branch = models.ForeignKey("org.Branch", null=True, on_delete=models.SET_NULL, related_name="+")
    points = models.DecimalField("季度积分", max_digits=10, decimal_places=1)
    rank = models.PositiveIntegerField("全院名次")

    class Meta:
        verbose_name = "季度之星"
        ordering = ["selection_id", "rank", "person_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["selection", "person"],
                name="quarter_star_once",
                violation_error_message="此人已在名单中",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.selection}"


class StarTieChoice(models.Model):
    """The admin's pick among members tied on points for the last places of a quota: one
    row per member picked (those tied and not picked have none). The list follows the picks
    while they still fill exactly the places left at that tie."""

    selection = models.ForeignKey(
        StarSelection, on_delete=models.CASCADE, related_name="tie_choices"
    )
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    chosen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "季度之星同分选定"
        ordering = ["selection_id", "person_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["selection", "person"],
                name="star_tie_choice_once",
                violation_error_message="此人已被选定",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.selection} 同分选定 {self.person}"
