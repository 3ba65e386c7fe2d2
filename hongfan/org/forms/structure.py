"""Forms for the organisation's structure: departments, branches, committee elections, groups,
rule numbers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from hongfan.core.forms import DayField, IdChoice, IdModelForm, IdMultipleChoice, set_queryset
from hongfan.org.choices import BranchKind, DepartmentKind, PersonStatus, PoliticalStatus, SeatRole
from hongfan.org.forms.widgets import DATE
from hongfan.org.models import Branch, Department, OrgRule, Person
from hongfan.org.services import structure as structure_services


class DepartmentForm(forms.Form):
    name = forms.CharField(label="科室名称", max_length=50)
    kind = forms.ChoiceField(label="类别", choices=DepartmentKind.choices)
    active = forms.BooleanField(label="在用", required=False, initial=True)


class BranchForm(forms.Form):
    name = forms.CharField(label="支部名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=BranchKind.choices, initial=BranchKind.BRANCH)
    parent = IdChoice(label="上级党总支", queryset=Branch.objects.none(), required=False)
    departments = IdMultipleChoice(
        label="覆盖科室（“支部建在科室上”）",
        queryset=Department.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    secretary = IdChoice(
        label="书记", queryset=Person.objects.none(), required=False, help_text="须为本支部正式党员"
    )
    brand_name = forms.CharField(label="支部品牌", max_length=50, required=False)
    founded_on = DayField(label="成立日期", widget=DATE, required=False)

    def __init__(self, *args: Any, hospital_id: int, branch: Branch | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        set_queryset(
            self,
            "parent",
            Branch.objects.filter(
                hospital_id=hospital_id, kind=BranchKind.GENERAL_BRANCH, active=True
            ),
        )
        set_queryset(
            self,
            "departments",
            Department.objects.filter(hospital_id=hospital_id, active=True).order_by(
                "kind", "name"
            ),
        )
        set_queryset(
            self,
            "secretary",
            (
                Person.objects.filter(
                    branch=branch,
                    status=PersonStatus.ACTIVE,
                    political_status=PoliticalStatus.MEMBER,
                ).order_by("name")
                if branch
                else Person.objects.none()
            ),
        )
        for f in self.fields.values():
            css = "form-select" if isinstance(f.widget, forms.Select) else "form-control"
            f.widget.attrs.setdefault("class", css)


class CommitteeForm(forms.Form):
    elected_on = DayField(label="选举日期", widget=DATE)
    term_start = DayField(label="任期起", widget=DATE)
    term_end = DayField(label="任期止", widget=DATE)


# Seats offered on the election form, in the order a committee lists them.
SEAT_ROLES = [
    SeatRole.SECRETARY,
    SeatRole.DEPUTY,
    SeatRole.ORGANISATION,
    SeatRole.PROPAGANDA,
    SeatRole.DISCIPLINE,
    SeatRole.YOUTH,
    SeatRole.MEMBER,
    SeatRole.MEMBER,
]
NOT_A_CANDIDATE = "所选人员不是本支部的正式党员"


class SeatChoice(IdChoice):
    """One seat: a full member of the branch, or nobody. A value that is not a number leaves
    the seat empty (as the page always did); a number that is not a candidate is refused."""

    default_error_messages = {"invalid_choice": NOT_A_CANDIDATE}

    def to_python(self, value: Any) -> Any:
        if not (isinstance(value, str) and value.isascii() and value.isdigit()):
            return None
        return super().to_python(value)

    def label_from_instance(self, obj: Any) -> str:
        dept = obj.department.name if obj.department_id and obj.department else ""
        return f"{obj.name}（{dept}）"


class CommitteeSeatsForm(forms.Form):
    """The seats of a new committee: ``seat_<i>`` for the i-th of ``SEAT_ROLES``."""

    def __init__(self, *args: Any, candidates: QuerySet[Person], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for i, role in enumerate(SEAT_ROLES):
            self.fields[f"seat_{i}"] = SeatChoice(
                label=SeatRole(role).label,
                queryset=candidates,
                required=False,
                empty_label="—",
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def seats(self) -> list[tuple[Person, str]]:
        """The seats filled, in order: (person, role)."""
        return [
            (person, role)
            for i, role in enumerate(SEAT_ROLES)
            if (person := self.cleaned_data.get(f"seat_{i}")) is not None
        ]

    def first_error(self) -> str:
        """The first refused seat's message (the page shows one)."""
        for i in range(len(SEAT_ROLES)):
            errors = self.errors.get(f"seat_{i}")
            if errors:
                return str(errors[0])
        return ""


class GroupForm(forms.Form):
    name = forms.CharField(label="党小组名称", max_length=50)
    leader = IdChoice(label="组长", queryset=Person.objects.none(), required=False)

    def __init__(self, *args: Any, branch: Branch, **kwargs: Any):
        super().__init__(*args, **kwargs)
        set_queryset(
            self,
            "leader",
            Person.objects.filter(
                branch=branch,
                status=PersonStatus.ACTIVE,
                political_status__in=[PoliticalStatus.MEMBER, PoliticalStatus.PROBATIONARY],
            ).order_by("name"),
        )


class RuleForm(IdModelForm):
    class Meta(IdModelForm.Meta):
        model = OrgRule
        fields = ["effective_from", *structure_services.RULE_FIELDS]
        widgets = {"effective_from": DATE}


def _style(form: forms.BaseForm) -> Any:
    for f in form.fields.values():
        if isinstance(f.widget, forms.CheckboxInput):
            continue
        css = "form-select" if isinstance(f.widget, forms.Select) else "form-control"
        f.widget.attrs.setdefault("class", css)
    return form
