"""The organisation: city → hospitals → Party committee → branches → Party groups, the
departments each branch covers, and the people (职工 / 党员) with their development."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from hongfan.core import pii
from hongfan.org.choices import (
    MEMBER_STATUSES,
    BranchKind,
    CultivationDirection,
    CultivationOutcome,
    DepartmentKind,
    DevelopmentStage,
    DevelopmentStatus,
    Education,
    Gender,
    PersonStatus,
    PoliticalStatus,
    SeatRole,
)


class Authority(models.Model):
    """卫健委: the city health commission above the hospitals."""

    name = models.CharField("名称", max_length=100, unique=True)
    city = models.CharField("城市", max_length=50)
    region_code = models.CharField("行政区划代码", max_length=6, default="370800")

    class Meta:
        verbose_name = "卫健委"

    def __str__(self) -> str:
        return self.name


class Hospital(models.Model):
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="hospitals")
    name = models.CharField("医院名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=30, blank=True)
    level = models.CharField("等级", max_length=20, blank=True)
    region_code = models.CharField("行政区划代码", max_length=6, default="370800")
    reported_staff = models.PositiveIntegerField("职工总数（含未录入）", null=True, blank=True)
    brand_name = models.CharField("党建服务品牌", max_length=50, blank=True)
    brand_description = models.TextField("品牌内涵", blank=True)

    class Meta:
        verbose_name = "医院"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class PartyCommittee(models.Model):
    hospital = models.OneToOneField(Hospital, on_delete=models.CASCADE, related_name="committee")
    name = models.CharField("名称", max_length=100)
    secretary = models.ForeignKey(
        "Person",
        verbose_name="党委书记",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    term_start = models.DateField("本届起", null=True, blank=True)
    term_end = models.DateField("本届止", null=True, blank=True)

    class Meta:
        verbose_name = "医院党委"

    def __str__(self) -> str:
        return self.name


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


class OrgRule(models.Model):
    """Rules with numbers (DOMAIN.md), versioned by effective date, per city."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="org_rules")
    effective_from = models.DateField("生效日期")
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


class Person(models.Model):
    """职工. Party members are people whose political status is member/probationary."""

    hospital = models.ForeignKey(Hospital, on_delete=models.CASCADE, related_name="people")
    name = models.CharField("姓名", max_length=30)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=10, default="汉族")
    birth_date = models.DateField("出生日期")
    education = models.CharField("学历", max_length=16, choices=Education.choices, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name="科室",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    post = models.CharField("岗位/职务", max_length=50, blank=True)
    title = models.CharField("职称", max_length=30, blank=True)
    is_middle_cadre = models.BooleanField("中层干部", default=False)
    is_department_head = models.BooleanField("科室负责人", default=False)
    is_senior_expert = models.BooleanField("业务骨干/专家", default=False)
    political_status = models.CharField(
        "政治面貌", max_length=16, choices=PoliticalStatus.choices, default=PoliticalStatus.MASSES
    )
    joined_on = models.DateField("入党日期", null=True, blank=True)
    full_member_on = models.DateField("转正日期", null=True, blank=True)
    branch = models.ForeignKey(
        Branch,
        verbose_name="所在支部",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    party_group = models.ForeignKey(
        PartyGroup,
        verbose_name="党小组",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    id_number_enc = models.TextField(blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    mobile_enc = models.TextField(blank=True, editable=False)
    mobile_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    status = models.CharField(
        "状态", max_length=8, choices=PersonStatus.choices, default=PersonStatus.ACTIVE
    )
    left_on = models.DateField("离开日期", null=True, blank=True)
    left_reason = models.CharField("离开原因", max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "职工"
        ordering = ["hospital_id", "pk"]
        indexes = [
            models.Index(
                fields=["hospital", "status", "political_status"], name="person_hosp_status_idx"
            ),
            models.Index(
                fields=["branch", "status", "political_status"], name="person_branch_status_idx"
            ),
            models.Index(
                fields=["hospital", "status", "name", "id"], name="person_roster_order_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["hospital", "id_number_hash"],
                condition=~Q(id_number_hash=""),
                name="person_id_number_unique_in_hospital",
                violation_error_message="本院已有相同身份证号的职工",
            ),
            models.CheckConstraint(
                name="person_member_has_branch",
                condition=~Q(political_status__in=["member", "probationary"], status="active")
                | Q(branch__isnull=False),
                violation_error_message="党员必须编入一个党支部",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    # Personal data: ciphertext + keyed hash; plain values only through these accessors.
    @property
    def id_number(self) -> str:
        return pii.decrypt(self.id_number_enc)

    @id_number.setter
    def id_number(self, value: str) -> None:
        self.id_number_enc = pii.encrypt(value)
        self.id_number_hash = pii.keyed_hash(value)

    @property
    def mobile(self) -> str:
        return pii.decrypt(self.mobile_enc)

    @mobile.setter
    def mobile(self, value: str) -> None:
        self.mobile_enc = pii.encrypt(value)
        self.mobile_hash = pii.keyed_hash(value)

    @property
    def id_number_masked(self) -> str:
        return pii.mask_id_number(self.id_number)

    @property
    def mobile_masked(self) -> str:
        return pii.mask_mobile(self.mobile)

    @property
    def is_member(self) -> bool:
        return self.political_status in MEMBER_STATUSES

    def age_on(self, day: date) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


class Transfer(models.Model):
    """组织关系转接 between branches of one hospital — the history of a member's branch."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="transfers")
    from_branch = models.ForeignKey(
        Branch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_branch = models.ForeignKey(
        Branch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    transferred_on = models.DateField("转接日期")
    reason = models.CharField("原因", max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "组织关系转接"
        ordering = ["-transferred_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.person} {self.transferred_on}"


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
