"""Inside a hospital: departments, Party branches, Party groups, branch committees (支委会) and
their seats, and the city's versioned rule numbers."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from hongfan.core.rules import EffectiveDated
from hongfan.org.choices import BranchKind, DepartmentKind, SeatRole
from hongfan.org.models.hospitals import Authority, Hospital


class Department(models.Model):
    hospital = models.ForeignKey(Hospital, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField("科室名称", max_length=50)
    kind = models.CharField("类别", max_length=16, choices=DepartmentKind.choices)
    active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = "科室"
        ordering = ["hospital_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["hospital", "name"],
                name="department_name_unique_in_hospital",
                violation_error_message="本院已有同名科室",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Branch(models.Model):
    """党总支 / 党支部. "支部建在科室上": a branch covers one or more departments."""

    hospital = models.ForeignKey(Hospital, on_delete=models.CASCADE, related_name="branches")
    parent = models.ForeignKey(
        "self",
        verbose_name="上级党总支",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(
        "类型", max_length=16, choices=BranchKind.choices, default=BranchKind.BRANCH
    )
    name = models.CharField("名称", max_length=100)
    departments = models.ManyToManyField(
        Department, verbose_name="覆盖科室", blank=True, related_name="branches"
    )
    secretary = models.ForeignKey(
        "Person",
        verbose_name="书记",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    founded_on = models.DateField("成立日期", null=True, blank=True)
    brand_name = models.CharField("支部品牌", max_length=50, blank=True)
    active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = "党支部"
        ordering = ["hospital_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["hospital", "name"],
                name="branch_name_unique_in_hospital",
                violation_error_message="本院已有同名支部",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PartyGroup(models.Model):
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField("党小组名称", max_length=50)
    leader = models.ForeignKey(
        "Person",
        verbose_name="组长",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "党小组"
        ordering = ["branch_id", "pk"]

    def __str__(self) -> str:
        return self.name


class BranchCommittee(models.Model):
    """支委会: one row per term; the current one is the latest by term_start."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="committees")
    elected_on = models.DateField("选举日期")
    term_start = models.DateField("任期起")
    term_end = models.DateField("任期止")

    class Meta:
        verbose_name = "支部委员会"
        ordering = ["branch_id", "-term_start"]
        constraints = [
            models.CheckConstraint(
                name="committee_term_order",
                condition=Q(term_end__gt=models.F("term_start")),
                violation_error_message="任期止必须晚于任期起",
            )
        ]

    def __str__(self) -> str:
        return f"{self.branch} 支委会（{self.term_start:%Y}—{self.term_end:%Y}）"


class CommitteeSeat(models.Model):
    committee = models.ForeignKey(BranchCommittee, on_delete=models.CASCADE, related_name="seats")
    person = models.ForeignKey("Person", on_delete=models.CASCADE, related_name="seats")
    role = models.CharField("职务", max_length=16, choices=SeatRole.choices)

    class Meta:
        verbose_name = "支部委员"
        ordering = ["committee_id", "role"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.person}"


class OrgRule(EffectiveDated):
    """Rules with numbers (DOMAIN.md), versioned by effective date, per city."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="org_rules")
    min_full_members = models.PositiveSmallIntegerField("支部最少正式党员数", default=3)
    committee_threshold = models.PositiveSmallIntegerField("应设支委会的正式党员数", default=7)
    split_threshold = models.PositiveSmallIntegerField("党员数超过此数宜拆分", default=50)
    term_min_years = models.PositiveSmallIntegerField("支委会任期下限（年）", default=3)
    term_max_years = models.PositiveSmallIntegerField("支委会任期上限（年）", default=5)
    term_warning_days = models.PositiveSmallIntegerField("任期届满提前预警（天）", default=90)
    dev_min_age = models.PositiveSmallIntegerField("申请入党最低年龄", default=18)
    dev_talk_within_days = models.PositiveSmallIntegerField("收到申请后谈话时限（天）", default=30)
    dev_activist_min_months = models.PositiveSmallIntegerField(
        "积极分子培养考察期（月）", default=12
    )
    dev_training_min_hours = models.PositiveSmallIntegerField(
        "发展对象集中培训（学时）", default=24
    )
    dev_probation_months = models.PositiveSmallIntegerField("预备期（月）", default=12)
    dev_extension_min_months = models.PositiveSmallIntegerField("延长预备期下限（月）", default=6)
    dev_extension_max_months = models.PositiveSmallIntegerField("延长预备期上限（月）", default=12)
    dev_conversion_grace_days = models.PositiveSmallIntegerField(
        "预备期满后讨论转正时限（天）", default=30
    )
    # 民主评议党员: 优秀 at most one N-th of the full members graded (N = 3 by default).
    appraisal_excellent_divisor = models.PositiveSmallIntegerField(
        "民主评议优秀比例上限（正式党员数的N分之一，N=）", default=3
    )

    class Meta:
        verbose_name = "组织规则"
        ordering = ["authority_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "effective_from"],
                name="org_rule_one_version_per_day",
                violation_error_message="同一生效日期只能有一个规则版本",
            )
        ]

    def __str__(self) -> str:
        return f"组织规则（{self.effective_from}起）"
