"""The city health commission (卫健委), its hospitals and each hospital's Party committee."""

from __future__ import annotations

from django.db import models


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
    # One hospital, two names (济宁市第三人民医院 is also 济宁市兖州区人民医院): the other
    # name is shown beside the first, never as a second hospital.
    alias = models.CharField("别名", max_length=100, blank=True)
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
