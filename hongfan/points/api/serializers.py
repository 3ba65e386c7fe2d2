from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

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
    reverses = serializers.IntegerField(source="reverses_id", read_only=True, allow_null=True)

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
    rule = serializers.IntegerField(source="rule_id")
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
