from __future__ import annotations

from rest_framework import serializers

from hongfan.core.api import IdField
from hongfan.orglife.choices import MeetingKind, MeetingStatus
from hongfan.orglife.filters import YEAR_MIN
from hongfan.orglife.models import Attendance, Meeting


class MeetingBookQuerySerializer(serializers.Serializer):
    """The meeting book's filters (as 组织生活记录 filters); a branch one does not manage
    filters to nothing."""

    branch = IdField(required=False, help_text="支部编号")
    kind = serializers.ChoiceField(choices=MeetingKind.choices, required=False)
    status = serializers.ChoiceField(choices=MeetingStatus.choices, required=False)
    # 9998: a year's end is the next 1 January, and 10000 is past what a date can hold
    year = serializers.IntegerField(min_value=YEAR_MIN, max_value=9998, required=False)


class MyMeetingSerializer(serializers.ModelSerializer):
    """One meeting a member is expected at, with their own attendance."""

    meeting_id = serializers.IntegerField(source="meeting.pk")
    kind = serializers.CharField(source="meeting.kind")
    kind_label = serializers.CharField(source="meeting.get_kind_display")
    topic = serializers.CharField(source="meeting.topic")
    branch = serializers.CharField(source="meeting.branch.name")
    starts_at = serializers.DateTimeField(source="meeting.starts_at")
    ends_at = serializers.DateTimeField(source="meeting.ends_at")
    place = serializers.CharField(source="meeting.place")
    online = serializers.BooleanField(source="meeting.online")
    meeting_status = serializers.CharField(source="meeting.status")
    checkin_opens_at = serializers.DateTimeField(source="meeting.checkin_opens_at")
    checkin_closes_at = serializers.DateTimeField(source="meeting.checkin_closes_at")
    status_label = serializers.CharField(source="get_status_display")
    points = serializers.DecimalField(
        source="points_entry.points", max_digits=8, decimal_places=1, allow_null=True, default=None
    )

    class Meta:
        model = Attendance
        fields = [
            "meeting_id",
            "kind",
            "kind_label",
            "topic",
            "branch",
            "starts_at",
            "ends_at",
            "place",
            "online",
            "meeting_status",
            "checkin_opens_at",
            "checkin_closes_at",
            "status",
            "status_label",
            "reason",
            "checked_in_at",
            "method",
            "points",
        ]


class CheckinSerializer(serializers.Serializer):
    token = serializers.CharField(
        max_length=100, help_text="会议二维码中的签到码；签到码不对或不在签到时间时返回 400"
    )


class MeetingSerializer(serializers.ModelSerializer):
    """One meeting of the meeting book (组织生活记录), with its attendance counts."""

    kind_label = serializers.CharField(source="get_kind_display")
    status_label = serializers.CharField(source="get_status_display")
    branch = serializers.CharField(source="branch.name")
    branch_id = serializers.IntegerField()
    expected = serializers.IntegerField()
    present = serializers.IntegerField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "kind_label",
            "topic",
            "branch_id",
            "branch",
            "starts_at",
            "ends_at",
            "place",
            "online",
            "status",
            "status_label",
            "expected",
            "present",
            "quorate",
        ]
