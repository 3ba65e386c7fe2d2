"""The hospital's service brand (服务品牌) and the measures (服务举措) grouped under it, and
the register of places (villages, communities, schools, wards) its service reaches."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from hongfan.service.choices import PlaceKind


class ServiceBrand(models.Model):
    """One brand per hospital (e.g. "心连馨"): every activity belongs to one of its measures."""

    hospital = models.OneToOneField(
        "org.Hospital", on_delete=models.CASCADE, related_name="service_brand"
    )
    name = models.CharField("品牌名称", max_length=50)
    slogan = models.CharField("品牌口号", max_length=100, blank=True)
    description = models.TextField("品牌简介", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "服务品牌"
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="service_brand_name_not_blank",
                violation_error_message="品牌名称不能为空",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ServiceMeasure(models.Model):
    """A measure of the brand (e.g. 送医上门爱心服务); stopped measures keep their history."""

    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    brand = models.ForeignKey(ServiceBrand, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField("举措名称", max_length=60)
    description = models.TextField("举措说明", blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = "服务举措"
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "name"],
                name="service_measure_unique_name",
                violation_error_message="同一品牌下已有同名举措",
            ),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="service_measure_name_not_blank",
                violation_error_message="举措名称不能为空",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Place(models.Model):
    """A village, community, school or ward the hospital serves, with its township: the
    register shows which were reached this year and which not."""

    hospital = models.ForeignKey("org.Hospital", on_delete=models.CASCADE, related_name="+")
    name = models.CharField("名称", max_length=60)
    kind = models.CharField("类型", max_length=12, choices=PlaceKind.choices)
    township = models.CharField("乡镇/街道", max_length=40)
    county = models.CharField("县市区", max_length=40, blank=True)
    active = models.BooleanField("在用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "服务地点"
        ordering = ["township", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["hospital", "township", "name"],
                name="service_place_unique",
                violation_error_message="该乡镇/街道下已有同名地点",
            ),
            models.CheckConstraint(
                condition=~Q(name="") & ~Q(township=""),
                name="service_place_named",
                violation_error_message="地点名称和乡镇/街道不能为空",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.township}{self.name}"
