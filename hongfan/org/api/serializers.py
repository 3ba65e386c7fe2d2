from rest_framework import serializers

from hongfan.org.models import Branch, Development, Person


class PersonSerializer(serializers.ModelSerializer):
    id_number = serializers.CharField(source="id_number_masked", read_only=True)
    mobile = serializers.CharField(source="mobile_masked", read_only=True)
    department = serializers.CharField(source="department.name", default=None, read_only=True)
    branch = serializers.CharField(source="branch.name", default=None, read_only=True)

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
    secretary = serializers.CharField(source="secretary.name", default=None, read_only=True)
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
