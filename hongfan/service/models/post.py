"""党员先锋岗 / 党员示范岗: posts the hospital designates, their head (a full member), their
public commitment, the staff on the post, the yearly review and the duty recorded."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hongfan.service.choices import PostKind, PostReviewResult


class ModelPost(models.Model):
    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey(
        "org.Branch", verbose_name="所属支部", on_delete=models.PROTECT, related_name="model_posts"
    )
    kind = models.CharField("岗位类型", max_length=10, choices=PostKind.choices)
    name = models.CharField("岗位名称", max_length=60)
    department = models.ForeignKey(
        "org.Department",
        verbose_name="科室",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    head = models.ForeignKey(
        "org.Person", verbose_name="岗长", on_delete=models.PROTECT, related_name="+"
    )
    commitment = models.TextField("公开承诺")
    designated_on = models.DateField("授牌日期")
    active = models.BooleanField("在岗", default=True)
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "党员先锋岗/示范岗"
        ordering = ["branch_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["hospital", "name"],
                name="service_post_unique_name",
                violation_error_message="已有同名岗位",
            ),
            models.CheckConstraint(
                condition=~Q(commitment=""),
                name="service_post_commitment",
                violation_error_message="请填写公开承诺",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ModelPostMember(models.Model):
    """A staff member on the post (members and non-members: the share of members is a rule)."""

    post = models.ForeignKey(ModelPost, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    joined_on = models.DateField("上岗日期")
    left_on = models.DateField("离岗日期", null=True, blank=True)

    class Meta:
        verbose_name = "岗位成员"
        constraints = [
            models.UniqueConstraint(
                fields=["post", "person"],
                condition=Q(left_on__isnull=True),
                name="service_postmember_once",
                violation_error_message="该职工已在此岗位",
            )
        ]

    def __str__(self) -> str:
        return f"{self.post_id}:{self.person_id}"


class ModelPostReview(models.Model):
    post = models.ForeignKey(ModelPost, on_delete=models.CASCADE, related_name="reviews")
    year = models.PositiveSmallIntegerField("年度")
    result = models.CharField("评议结果", max_length=10, choices=PostReviewResult.choices)
    note = models.TextField("评议意见", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "岗位年度评议"
        constraints = [
            models.UniqueConstraint(
                fields=["post", "year"],
                name="service_postreview_once_a_year",
                violation_error_message="该岗位本年度已评议",
            )
        ]

    def __str__(self) -> str:
        return f"{self.post_id} {self.year} {self.get_result_display()}"


class ModelPostDuty(models.Model):
    """A day of duty on the post by a member (awards points under POST-DUTY)."""

    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(ModelPost, on_delete=models.CASCADE, related_name="duties")
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    on = models.DateField("值守日期")
    note = models.CharField("值守内容", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "岗位值守"
        constraints = [
            models.UniqueConstraint(
                fields=["post", "person", "on"],
                name="service_postduty_once_a_day",
                violation_error_message="该党员当天的值守已记录",
            )
        ]

    def __str__(self) -> str:
        return f"{self.post_id}:{self.person_id} {self.on}"
