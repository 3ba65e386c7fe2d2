"""The volunteer API's shapes: open activities with their shifts, my sign-ups, a scan,
and my hours record."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hongfan.service.choices import SignupStatus
from hongfan.service.models import HourEntry, Shift, Signup


class VolunteerShiftSerializer(serializers.ModelSerializer):
    places_left = serializers.IntegerField(source="left", help_text="剩余名额（0 为已满，可候补）")
    waiting = serializers.IntegerField(help_text="候补人数")

    class Meta:
        model = Shift
        fields = ["id", "label", "starts_at", "ends_at", "capacity", "places_left", "waiting"]


class OpenActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    organiser = serializers.SerializerMethodField()
    place = serializers.SerializerMethodField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    signup_deadline = serializers.DateTimeField()
    cancel_deadline = serializers.DateTimeField()
    members_only = serializers.SerializerMethodField()
    shifts = VolunteerShiftSerializer(many=True, source="shifts.all")

    def get_organiser(self, obj: Any) -> str:
        return obj.branch.name if obj.branch else "医院党委"

    def get_place(self, obj: Any) -> str:
        return " ".join(x for x in (obj.place.name if obj.place else "", obj.place_detail) if x)

    def get_members_only(self, obj: Any) -> bool:
        return not obj.open_to_staff


class MySignupSerializer(serializers.ModelSerializer):
    activity_id = serializers.IntegerField()
    activity_title = serializers.CharField(source="activity.title")
    shift_id = serializers.IntegerField()
    shift_label = serializers.CharField(source="shift.label")
    starts_at = serializers.DateTimeField(source="shift.starts_at")
    ends_at = serializers.DateTimeField(source="shift.ends_at")
    status_label = serializers.CharField(source="get_status_display")
    waitlist_position = serializers.SerializerMethodField()
    cancel_deadline = serializers.DateTimeField(source="activity.cancel_deadline")

    class Meta:
        model = Signup
        fields = [
            "id",
            "activity_id",
            "activity_title",
            "shift_id",
            "shift_label",
            "starts_at",
            "ends_at",
            "status",
            "status_label",
            "waitlist_position",
            "cancel_deadline",
            "checked_in_at",
            "checked_out_at",
            "confirmed_hours",
        ]

    @extend_schema_field(
        serializers.IntegerField(allow_null=True, help_text="候补排位；非候补为空")
    )
    def get_waitlist_position(self, obj: Signup) -> int | None:
        if obj.status != SignupStatus.WAITLISTED:
            return None
        return getattr(obj, "position", None)


class ScanSerializer(serializers.Serializer):
    token = serializers.CharField(
        max_length=100, help_text="活动二维码中的签到码；签到码不对或不在签到时间时返回 400"
    )
    action = serializers.ChoiceField(
        choices=[("in", "签到"), ("out", "签退")], required=False, default="in"
    )


class HourEntrySerializer(serializers.ModelSerializer):
    activity_title = serializers.CharField(source="activity.title", allow_null=True, default=None)
    kind_label = serializers.CharField(source="get_kind_display")

    class Meta:
        model = HourEntry
        fields = ["id", "occurred_on", "kind", "kind_label", "hours", "activity_title"]


class RecordSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    year_hours = serializers.DecimalField(max_digits=8, decimal_places=2)
    total_hours = serializers.DecimalField(max_digits=8, decimal_places=2)
    year_training = serializers.DecimalField(max_digits=8, decimal_places=2)
    total_training = serializers.DecimalField(max_digits=8, decimal_places=2)
    year_activities = serializers.IntegerField()
    total_activities = serializers.IntegerField()
    target = serializers.IntegerField(
        allow_null=True, help_text="青年职工年度目标（小时）；非青年职工为空"
    )
    target_met = serializers.BooleanField()
    star = serializers.IntegerField(help_text="星级 0–5")
    next_star_at = serializers.IntegerField(allow_null=True, help_text="下一星级所需累计小时")
    entries = HourEntrySerializer(many=True)
