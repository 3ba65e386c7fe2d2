"""The demo city: hospitals of 济宁 named in shared/reference, with the figures the reports
give (branches, members, staff, service brands) and generated people for the rest."""

from __future__ import annotations

from hongfan.org.demo.build import HospitalSpec

DEMO_PASSWORD = "Hongfan@2026"
# One hospital with two names, as the report on it says (济宁市第三人民医院, also named
# 济宁市兖州区人民医院): one hospital of the demo city, the other name its 别名.
ALIAS_OF_PRIMARY = "济宁市兖州区人民医院"

JINING = [
    HospitalSpec(
        name="济宁市第一人民医院",
        short_name="市一院",
        staff=2600,
        members=560,
        branches=26,
        region="370811",
        brand="百年一院",
        general_branches=2,
        brand_description="百年老院的公益品牌：医疗救助基金、先心病患儿救治兜底。",
        uncovered_departments=1,
    ),
    HospitalSpec(
        name="济宁市第二人民医院",
        short_name="市二院",
        staff=1250,
        members=280,
        branches=17,
        region="370811",
        brand="党建引领 暖医惠民",
        brand_description="运用“1323工作法”，围绕服务患者、服务基层、服务发展。",
        branch_brands={"急诊科党支部": "急救先锋队", "康复医学科党支部": "暖心康复"},
        dual_leader_share=0.99,
        recruited_this_year=20,
    ),
    HospitalSpec(
        name="济宁市第三人民医院",
        short_name="市三院",
        alias=ALIAS_OF_PRIMARY,
        staff=1500,
        members=348,
        branches=22,
        region="370812",
        brand="心连馨",
        reported_staff=1500,
        brand_description="用心服务，呵护健康：下乡义诊、乡医培训、红帆驿站、互联网+护理服务。",
        dual_leader_share=0.9,
    ),
    HospitalSpec(
        name="济宁市公共卫生医疗中心",
        short_name="公卫中心",
        staff=760,
        members=124,
        branches=8,
        level="三级专科",
        region="370811",
        brand="抓党建、促业务、提服务",
        warnings=False,
    ),
    HospitalSpec(
        name="金乡县人民医院",
        short_name="金乡县医院",
        staff=1200,
        members=245,
        branches=15,
        region="370828",
        level="三级综合",
        brand="医心向党",
        brand_description="医心向党、姓党为民：党员先锋岗、红帆驿站、下乡义诊。",
    ),
    HospitalSpec(
        name="曲阜市人民医院",
        short_name="曲阜市医院",
        staff=950,
        members=190,
        branches=12,
        region="370881",
        level="三级综合",
        warnings=False,
    ),
    HospitalSpec(
        name="微山县人民医院",
        short_name="微山县医院",
        staff=820,
        members=165,
        branches=11,
        region="370826",
        level="二级甲等",
        uncovered_departments=1,
    ),
]

PRIMARY = "济宁市第三人民医院"
SECOND = "济宁市第二人民医院"


def small_city() -> list[HospitalSpec]:
    """A tiny city with the same shape, for tests and browser tests."""
    return [
        HospitalSpec(
            name=PRIMARY,
            short_name="市三院",
            alias=ALIAS_OF_PRIMARY,
            staff=160,
            members=48,
            branches=6,
            region="370812",
            brand="心连馨",
        ),
        HospitalSpec(
            name=SECOND,
            short_name="市二院",
            staff=90,
            members=30,
            branches=4,
            region="370811",
            brand="党建引领 暖医惠民",
            warnings=False,
        ),
    ]
