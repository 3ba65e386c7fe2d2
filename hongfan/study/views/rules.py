"""The city's yearly study-hour targets (学时目标)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from hongfan.core.access import request_access
from hongfan.core.dates import today
from hongfan.core.forms import form_save
from hongfan.org.selectors import hospitals as org_hospitals_selectors
from hongfan.study.forms.rules import StudyRuleForm
from hongfan.study.selectors import rules as rule_selectors
from hongfan.study.services import rules as rule_services


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    access.require_business()
    if not access.is_city:
        raise PermissionDenied("学习学时规则由市卫健委设定")
    authority = org_hospitals_selectors.authority_for(access)
    if authority is None:
        raise Http404("尚未设置卫健委")
    current = rule_selectors.study_rule_for(authority.pk)
    form = StudyRuleForm(
        request.POST or None,
        initial={
            "effective_from": today(),
            **{k: getattr(current, k) for k in rule_services.RULE_FIELDS},
        },
    )
    saved, _ = form_save(
        request,
        form,
        lambda d: rule_services.study_rule_publish(
            access=access,
            authority=authority,
            effective_from=d["effective_from"],
            values={k: d[k] for k in rule_services.RULE_FIELDS},
            request=request,
        ),
        success="已发布新的学习学时规则",
    )
    if saved:
        return redirect("study:rules")
    return render(
        request,
        "study/rules.html",
        {
            "form": form,
            "versions": rule_selectors.rule_list(access=access, authority_id=authority.pk),
            "current": current,
            "authority": authority,
        },
    )
