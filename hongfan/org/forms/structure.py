"""Forms for the organisation's structure: departments, branches, committee elections, groups,
rule numbers."""

from __future__ import annotations

from typing import Any

from django import forms

from hongfan.core.forms import set_queryset
from hongfan.org.choices import BranchKind, DepartmentKind, PersonStatus, PoliticalStatus
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
    parent = forms.ModelChoiceField(
        label="上级党总支", queryset=Branch.objects.none(), required=False
    )
    departments = forms.ModelMultipleChoiceField(
        label="覆盖科室（“支部建在科室上”）",
        queryset=Department.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    secretary = forms.ModelChoiceField(
        label="书记", queryset=Person.objects.none(), required=False, help_text="须为本支部正式党员"
    )
    brand_name = forms.CharField(label="支部品牌", max_length=50, required=False)
    founded_on = forms.DateField(label="成立日期", widget=DATE, required=False)

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
    elected_on = forms.DateField(label="选举日期", widget=DATE)
    term_start = forms.DateField(label="任期起", widget=DATE)
    term_end = forms.DateField(label="任期止", widget=DATE)


class GroupForm(forms.Form):
    name = forms.CharField(label="党小组名称", max_length=50)
    leader = forms.ModelChoiceField(label="组长", queryset=Person.objects.none(), required=False)

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


class RuleForm(forms.ModelForm):
    class Meta:
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
