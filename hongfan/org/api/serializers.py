from rest_framework import serializers

from hongfan.core.api import IdField
from hongfan.org.choices import BranchKind, DevelopmentStage, PersonStatus, PoliticalStatus
from hongfan.org.models import Branch, Development, Person

MASKED = "脱敏显示（如 110105********0123、138****8000）；未登记为空"


class PersonQuerySerializer(serializers.Serializer):
    """The people list's filters; an id one cannot see filters to nothing."""

    hospital = IdField(required=False, help_text="医院编号")
    branch = IdField(required=False, help_text="支部编号")
    department = IdField(required=False, help_text="科室编号")
    political_status = serializers.ChoiceField(
        choices=[*PoliticalStatus.choices, ("members", "党员（含预备党员）")], required=False
    )
    status = serializers.ChoiceField(
        choices=PersonStatus.choices, required=False, help_text="不填为全部"
    )


class BranchQuerySerializer(serializers.Serializer):
    hospital = IdField(required=False, help_text="医院编号")
    kind = serializers.ChoiceField(choices=BranchKind.choices, required=False)


class DevelopmentQuerySerializer(serializers.Serializer):
    hospital = IdField(required=False, help_text="医院编号")
    branch = IdField(required=False, help_text="支部编号")
    stage = serializers.ChoiceField(choices=DevelopmentStage.choices, required=False)


class PersonSerializer(serializers.ModelSerializer):
    id_number = serializers.CharField(
        source="id_number_masked", read_only=True, allow_null=True, help_text=f"身份证号，{MASKED}"
    )
    mobile = serializers.CharField(
        source="mobile_masked", read_only=True, allow_null=True, help_text=f"手机号，{MASKED}"
    )
    department = serializers.CharField(
        source="department.name", default=None, read_only=True, allow_null=True
    )
    branch = serializers.CharField(
        source="branch.name", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "education",
            "department",
            "post",
            "title",
            "is_middle_cadre",
            "political_status",
            "joined_on",
            "full_member_on",
            "branch",
            "branch_id",
            "status",
            "id_number",
            "mobile",
        ]


class BranchSerializer(serializers.ModelSerializer):
    secretary = serializers.CharField(
        source="secretary.name", default=None, read_only=True, allow_null=True
    )
    member_count = serializers.IntegerField(read_only=True)
    full_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Branch
        fields = [
            "id",
            "name",
            "kind",
            "hospital_id",
            "parent_id",
            "secretary",
            "member_count",
            "full_count",
            "brand_name",
        ]


class DevelopmentSerializer(serializers.ModelSerializer):
    person = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = Development
        fields = [
            "id",
            "person",
            "person_id",
            "branch_id",
            "stage",
            "status",
            "applied_on",
            "talked_on",
            "activist_on",
            "candidate_on",
            "reviewed_on",
            "training_hours",
            "probation_on",
            "extension_months",
            "full_on",
        ]
