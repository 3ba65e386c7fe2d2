from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from hongfan.core.api import IdField
from hongfan.points.models import PointEntry


class CapProgressSerializer(serializers.Serializer):
    rule_code = serializers.CharField(source="rule.code")
    rule_name = serializers.CharField(source="rule.name")
    earned = serializers.DecimalField(max_digits=8, decimal_places=1)
    cap = serializers.DecimalField(max_digits=8, decimal_places=1)


class MyPointsSerializer(serializers.Serializer):
    person_id = serializers.IntegerField(source="person.pk")
    name = serializers.CharField(source="person.name")
    today = serializers.DecimalField(source="today_total", max_digits=10, decimal_places=1)
    month = serializers.DecimalField(max_digits=10, decimal_places=1)
    quarter = serializers.DecimalField(max_digits=10, decimal_places=1)
    year = serializers.DecimalField(max_digits=10, decimal_places=1)
    rank_branch = serializers.IntegerField(allow_null=True)
    rank_hospital = serializers.IntegerField(allow_null=True)
    branch_size = serializers.IntegerField()
    hospital_size = serializers.IntegerField()
    daily = CapProgressSerializer(many=True)


class EntrySerializer(serializers.ModelSerializer):
    rule_code = serializers.CharField(source="rule.code", read_only=True)
    rule_name = serializers.CharField(source="rule.name", read_only=True)
    reverses = serializers.IntegerField(
        source="reverses_id", read_only=True, allow_null=True, help_text="冲正的原流水编号"
    )

    class Meta:
        model = PointEntry
        fields = [
            "id",
            "occurred_on",
            "kind",
            "points",
            "requested",
            "reason",
            "rule_code",
            "rule_name",
            "source_type",
            "reverses",
            "created_at",
        ]


class RankRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    person_id = serializers.IntegerField()
    name = serializers.CharField()
    branch = serializers.CharField()
    department = serializers.CharField()
    points = serializers.DecimalField(max_digits=10, decimal_places=1)


class BranchRankRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    branch_id = serializers.IntegerField()
    name = serializers.CharField()
    members = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=12, decimal_places=1)
    average = serializers.DecimalField(max_digits=10, decimal_places=1)


class ClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    person = serializers.CharField(source="person.name", read_only=True)
    rule = IdField(source="rule_id", help_text="积分规则编号；不存在时返回 404")
    rule_name = serializers.CharField(source="rule.name", read_only=True)
    occurred_on = serializers.DateField()
    quantity = serializers.DecimalField(max_digits=6, decimal_places=1, default=Decimal(1))
    description = serializers.CharField(allow_blank=True, required=False, max_length=1000)
    photo = serializers.FileField(required=False, write_only=True)
    has_photo = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True)
    decision_reason = serializers.CharField(read_only=True)
    points = serializers.DecimalField(
        source="entry.points",
        max_digits=8,
        decimal_places=1,
        read_only=True,
        allow_null=True,
        default=None,
    )
    created_at = serializers.DateTimeField(read_only=True)

    def get_has_photo(self, obj: object) -> bool:
        return bool(getattr(obj, "photo", None))


class ClaimDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True, required=False, max_length=200)


class RankingQuerySerializer(serializers.Serializer):
    """The rankings' parameters, read leniently by RankingQuery (shared with the page and its
    export): a value that is not valid is read as the default, never a 400."""

    LENIENT = "；无效值按默认处理"
    period = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="统计期间：month、quarter 或 year，默认 quarter" + LENIENT,
    )
    at = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="期间内任一日期（YYYY-MM-DD），默认今天，晚于今天按今天" + LENIENT,
    )
    hospital = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="医院编号（市卫健委可选）；不存在或不可见时返回 404",
    )
    branch = serializers.CharField(
        required=False, allow_blank=True, help_text="支部编号；不存在或不可见时返回 404" + LENIENT
    )
    scope = serializers.CharField(
        required=False, allow_blank=True, help_text="city 为全市排名，默认本院" + LENIENT
    )


class RankingSerializer(serializers.Serializer):
    period = serializers.CharField()
    start = serializers.DateField(help_text="统计期间的第一天")
    members = RankRowSerializer(many=True, help_text="党员排名（前100）")
    branches = BranchRankRowSerializer(many=True, help_text="支部人均排名（仅全院排名时）")


class ClaimDecidedSerializer(ClaimSerializer):
    message = serializers.CharField(read_only=True, help_text="审核结果说明")
