"""双培养: cultivating members into backbones and backbones into members."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from hongfan.org.choices import CultivationDirection, CultivationOutcome
from hongfan.org.models.hospitals import Hospital
from hongfan.org.models.people import Person


class DualCultivation(models.Model):
    """双培养: cadres cultivated into members, members into middle cadres."""

    hospital = models.ForeignKey(Hospital, on_delete=models.CASCADE, related_name="cultivations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="cultivations")
    direction = models.CharField("方向", max_length=20, choices=CultivationDirection.choices)
    started_on = models.DateField("开始培养")
    mentor = models.ForeignKey(
        Person,
        verbose_name="培养联系人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    goal = models.CharField("培养目标", max_length=100, blank=True)
    outcome = models.CharField(
        "结果",
        max_length=16,
        choices=CultivationOutcome.choices,
        default=CultivationOutcome.IN_PROGRESS,
    )
    outcome_on = models.DateField("结果日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "双培养"
        ordering = ["hospital_id", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "direction"],
                condition=Q(outcome="in_progress"),
                name="cultivation_one_open_per_direction",
                violation_error_message="此人已在该方向的培养中",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_direction_display()}"
