"""China's official working-day calendar: which years' arrangements are known, and the dates
that differ from the Monday–Friday week (holidays 休息日 and make-up workdays 调休上班日).

A date not listed here is a working day from Monday to Friday and a day off on Saturday and
Sunday. A year without a ``CalendarYear`` row is unknown: deadlines in it are counted
Monday–Friday and the page says so (see ``selectors.WorkdayResult``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from hongfan.workdays.choices import DayKind, DaySource, YearSource

MIN_YEAR = 2000
MAX_YEAR = 2099


class CalendarYear(models.Model):
    """One year's official holiday arrangement is known (from the library or an admin)."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    source = models.CharField("来源", max_length=16, choices=YearSource.choices)
    note = models.CharField(
        "发布依据",
        max_length=200,
        blank=True,
        help_text="如：国务院办公厅关于2027年部分节假日安排的通知",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField("录入时间", default=timezone.now)

    class Meta:
        ordering = ["year"]
        verbose_name = "年度节假日安排"
        verbose_name_plural = verbose_name
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR),
                name="workdays_year_in_range",
                violation_error_message=f"年份应在{MIN_YEAR}至{MAX_YEAR}之间",
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=YearSource.values),
                name="workdays_year_source_valid",
                violation_error_message="来源无效",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年节假日安排"


class DayOverride(models.Model):
    """A date that is not what its weekday says: a holiday, or a make-up workday (调休)."""

    calendar_year = models.ForeignKey(
        CalendarYear, verbose_name="年度", on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=16, choices=DayKind.choices)
    name = models.CharField("名称", max_length=50, blank=True, help_text="如：春节、春节调休")
    source = models.CharField("来源", max_length=16, choices=DaySource.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "节假日调整"
        verbose_name_plural = verbose_name
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DayKind.values),
                name="workdays_day_kind_valid",
                violation_error_message="类型应为休息日或调休上班日",
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=DaySource.values),
                name="workdays_day_source_valid",
                violation_error_message="来源无效",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()
