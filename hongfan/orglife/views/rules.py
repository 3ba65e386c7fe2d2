"""The city's page of the rules of 组织生活 (frequencies, how each kind is run)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from hongfan.core.access import request_access
from hongfan.core.dates import today
from hongfan.core.forms import form_save
from hongfan.orglife.choices import QuorumOf
from hongfan.orglife.forms.rules import MeetingRuleForm, RequirementForm
from hongfan.orglife.selectors import rules as rule_selectors
from hongfan.orglife.services import rules as rule_services


@login_required
def requirements(request: HttpRequest) -> HttpResponse:
    """The city's rules of organisational life: how often each kind of meeting is due, and
    how each is run (the QR check-in window, the quorum); each saved as a dated version."""
    access = request_access(request)
    authority = rule_selectors.city_authority(access=access)
    which = request.POST.get("which", "") if request.method == "POST" else ""
    next_year = date(today().year + 1, 1, 1)
    form = RequirementForm(
        request.POST if which != "rule" and request.method == "POST" else None,
        initial={"effective_from": next_year},
    )
    rule_form = MeetingRuleForm(
        request.POST if which == "rule" else None,
        initial={"effective_from": today(), "quorum_of": QuorumOf.NONE},
        prefix="rule",
    )
    saved, _ = (
        form_save(
            request,
            rule_form,
            lambda d: rule_services.meeting_rule_revise(
                access=access, authority=authority, request=request, **d
            ),
            success="已保存新的会议规则版本",
        )
        if which == "rule"
        else form_save(
            request,
            form,
            lambda d: rule_services.meeting_requirement_revise(
                access=access, authority=authority, request=request, **d
            ),
            success="已保存新的频次要求版本",
        )
    )
    if saved:
        return redirect("orglife:requirements")
    rows = rule_selectors.requirement_versions(authority)
    return render(
        request,
        "orglife/rules/requirements.html",
        {
            "form": form,
            "rule_form": rule_form,
            "rows": rows,
            "in_force": rule_selectors.requirements_for(authority.pk, today().year),
            "rules_in_force": rule_selectors.meeting_rules_in_force(authority.pk, today()),
        },
    )
