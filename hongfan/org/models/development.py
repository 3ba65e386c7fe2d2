"""发展党员: one person's way from applicant to full member."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hongfan.core.rules import EffectiveDated
from hongfan.org.choices import (
    DevelopmentPaper,
    DevelopmentStage,
    DevelopmentStatus,
    DevelopmentStepKind,
    DueUnit,
)
from hongfan.org.models.hospitals import Authority, Hospital
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
    # 入党介绍人: two full members of the hospital, chosen (``introducers`` keeps their names
    # as text for the API and for records made before they were chosen).
    introducer_1 = models.ForeignKey(
        Person,
        verbose_name="入党介绍人（一）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    introducer_2 = models.ForeignKey(
        Person,
        verbose_name="入党介绍人（二）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField("备注", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "发展党员"
        ordering = ["hospital_id", "applied_on"]
        indexes = [models.Index(fields=["hospital", "status", "stage"], name="dev_hosp_stage_idx")]
        constraints = [
            models.CheckConstraint(
                name="development_two_different_introducers",
                condition=Q(introducer_1__isnull=True)
                | Q(introducer_2__isnull=True)
                | ~Q(introducer_1=models.F("introducer_2")),
                violation_error_message="两名入党介绍人不能是同一人",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_stage_display()}"


class DevelopmentStepRule(EffectiveDated):
    """How one step of 发展党员 is done, per city, versioned by date (DOMAIN.md; 《中国共产党
    发展党员工作细则》). Its dates count from another step (``after``; blank: from the
    application): not before ``earliest`` (refused, naming this rule), due by ``latest``
    (a step done later is recorded as late, with its reason). A repeating step (思想汇报
    quarterly) is due every ``repeat_months`` until the step ``repeat_until`` is done.
    Without a version saved for a city, the defaults of ``hongfan.org.rules.DEFAULT_STEPS``
    apply (with the numbers of the city's ``OrgRule``)."""

    authority = models.ForeignKey(
        Authority, on_delete=models.CASCADE, related_name="development_step_rules"
    )
    kind = models.CharField("步骤", max_length=24, choices=DevelopmentStepKind.choices)
    label = models.CharField("名称", max_length=40)
    stage = models.CharField("所属阶段", max_length=16, choices=DevelopmentStage.choices)
    order = models.PositiveSmallIntegerField("顺序")
    after = models.CharField(
        "计算起点（步骤）", max_length=24, choices=DevelopmentStepKind.choices, blank=True
    )
    earliest_amount = models.PositiveSmallIntegerField("最短间隔", default=0)
    earliest_unit = models.CharField(
        "最短间隔单位", max_length=8, choices=DueUnit.choices, default=DueUnit.DAYS
    )
    latest_amount = models.PositiveSmallIntegerField("办理时限", null=True, blank=True)
    latest_unit = models.CharField(
        "办理时限单位", max_length=8, choices=DueUnit.choices, default=DueUnit.DAYS
    )
    counts_extension = models.BooleanField("延长预备期顺延", default=False)
    repeat_months = models.PositiveSmallIntegerField("每隔（月）重复", default=0)
    repeat_until = models.CharField(
        "重复至（步骤）", max_length=24, choices=DevelopmentStepKind.choices, blank=True
    )
    needs_document = models.BooleanField("须上传材料", default=False)
    paper = models.CharField(
        "生成文书", max_length=20, choices=DevelopmentPaper.choices, blank=True, default=""
    )
    active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = "发展党员步骤规则"
        ordering = ["authority_id", "order", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "kind", "effective_from"],
                name="development_step_rule_one_version_per_day",
                violation_error_message="同一步骤在同一生效日期只能有一个版本",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label}（{self.effective_from}起）"


class DevelopmentStep(models.Model):
    """One step of a development as it was done: its real date, who recorded it and when,
    the deadline in force then, and — when it was done after that deadline — the reason.
    A step is never backdated: the date is the day it happened, lateness is shown."""

    development = models.ForeignKey(Development, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField("步骤", max_length=24, choices=DevelopmentStepKind.choices)
    label = models.CharField("名称", max_length=40)
    done_on = models.DateField("办理日期")
    due_on = models.DateField("办理时限", null=True, blank=True)
    late = models.BooleanField("逾期办理", default=False)
    late_reason = models.CharField("逾期原因", max_length=200, blank=True)
    hours = models.PositiveSmallIntegerField("学时", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "发展党员步骤"
        ordering = ["development_id", "done_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["development", "kind", "done_on"],
                name="development_step_once_a_day",
                violation_error_message="这一天已登记过此步骤",
            ),
            models.CheckConstraint(
                name="development_step_late_has_reason",
                condition=Q(late=False) | ~Q(late_reason=""),
                violation_error_message="逾期办理须说明原因",
            ),
        ]
        indexes = [models.Index(fields=["development", "kind"], name="dev_step_kind_idx")]

    def __str__(self) -> str:
        return f"{self.label} {self.done_on}"


class DevelopmentDocument(models.Model):
    """A document of a step (申请书, 思想汇报, 政审材料, the signed 志愿书…): a PDF, a photo
    or a Word file, kept privately and served through an access check."""

    step = models.ForeignKey(DevelopmentStep, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField("文件", upload_to="development/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "发展党员材料"
        ordering = ["step_id", "pk"]

    def __str__(self) -> str:
        return self.name
