"""发展党员: one person's way from applicant to full member."""

from __future__ import annotations

from django.db import models

from hongfan.org.choices import DevelopmentStage, DevelopmentStatus
from hongfan.org.models.hospitals import Hospital
from hongfan.org.models.people import Person
from hongfan.org.models.structure import Branch


class Development(models.Model):
    """发展党员: one person's way from application to full membership."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="development")
    hospital = models.ForeignKey(Hospital, on_delete=models.CASCADE, related_name="developments")
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="developments")
    stage = models.CharField(
        "阶段", max_length=16, choices=DevelopmentStage.choices, default=DevelopmentStage.APPLICANT
    )
    status = models.CharField(
        "状态", max_length=16, choices=DevelopmentStatus.choices, default=DevelopmentStatus.ACTIVE
    )
    applied_on = models.DateField("递交入党申请书")
    talked_on = models.DateField("谈话日期", null=True, blank=True)
    activist_on = models.DateField("确定为入党积极分子", null=True, blank=True)
    candidate_on = models.DateField("确定为发展对象", null=True, blank=True)
    reviewed_on = models.DateField("政治审查完成", null=True, blank=True)
    training_hours = models.PositiveSmallIntegerField("集中培训学时", default=0)
    probation_on = models.DateField("接收为预备党员", null=True, blank=True)
    extension_months = models.PositiveSmallIntegerField("延长预备期（月）", default=0)
    full_on = models.DateField("转为正式党员", null=True, blank=True)
    introducers = models.CharField("入党介绍人", max_length=60, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "发展党员"
        ordering = ["hospital_id", "applied_on"]
        indexes = [models.Index(fields=["hospital", "status", "stage"], name="dev_hosp_stage_idx")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_stage_display()}"
