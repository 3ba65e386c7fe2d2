from __future__ import annotations

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
