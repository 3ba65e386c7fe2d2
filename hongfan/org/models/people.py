"""People (职工 / 党员) and their transfers between branches."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from hongfan.core import pii
from hongfan.core.pinyin import sort_key
from hongfan.org.choices import MEMBER_STATUSES, Education, Gender, PersonStatus, PoliticalStatus
from hongfan.org.models.hospitals import Hospital
from hongfan.org.models.structure import Branch, Department, PartyGroup


class PersonQuerySet(models.QuerySet["Person"]):
    def bulk_create(self, objs, *args, **kwargs):  # type: ignore[no-untyped-def]
        """Fill each person's pinyin sort key (``save`` does it for one)."""
        objs = list(objs)
        for person in objs:
            person.name_key = sort_key(person.name)
        return super().bulk_create(objs, *args, **kwargs)


class Person(models.Model):
    """职工. Party members are people whose political status is member/probationary."""

    hospital = models.ForeignKey(Hospital, on_delete=models.CASCADE, related_name="people")
    name = models.CharField("姓名", max_length=30)
    # The pinyin sort key of the name (core.pinyin.sort_key), kept by save() and bulk_create:
    # lists sort by it so that the order is the same on SQLite and PostgreSQL.
    name_key = models.CharField(max_length=255, blank=True, editable=False, default="")
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
    id_number_enc = pii.EncryptedTextField(blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    mobile_enc = pii.EncryptedTextField(blank=True, editable=False)
    mobile_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    status = models.CharField(
        "状态", max_length=8, choices=PersonStatus.choices, default=PersonStatus.ACTIVE
    )
    left_on = models.DateField("离开日期", null=True, blank=True)
    left_reason = models.CharField("离开原因", max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

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
            models.Index(
                fields=["hospital", "status", "name_key", "id"], name="person_pinyin_order_idx"
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

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.name_key = sort_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

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
        return pii.masked(self.id_number_enc, pii.mask_id_number, where="person.id_number")

    @property
    def mobile_masked(self) -> str:
        return pii.masked(self.mobile_enc, pii.mask_mobile, where="person.mobile")

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
