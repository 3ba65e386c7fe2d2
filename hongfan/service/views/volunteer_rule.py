"""The city's volunteer rule (志愿服务规则): its versions and a new one from a date."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from hongfan.core.access import request_access
from hongfan.core.dates import today
from hongfan.core.forms import form_save
from hongfan.org.selectors import hospitals as org_hospitals_selectors
from hongfan.service.forms.volunteer_rule import VolunteerRuleForm
from hongfan.service.selectors import hours as hours_selectors
from hongfan.service.selectors.rules import volunteer_rule_for
from hongfan.service.services import volunteer_rule as rule_services


@login_required
def volunteer_rules(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    access.require_business()
    if not access.is_city:
        raise PermissionDenied("志愿服务规则由市卫健委设定")
    authority = org_hospitals_selectors.authority_for(access)
    if authority is None:
        raise Http404("尚未设置卫健委")
    current = volunteer_rule_for(authority.pk, today())
    initial = {k: getattr(current, k) for k in rule_services.RULE_FIELDS}
    initial["star_thresholds"] = ",".join(str(s) for s in current.star_thresholds)
    form = VolunteerRuleForm(request.POST or None, initial={"effective_from": today(), **initial})
    saved, _ = form_save(
        request,
        form,
        lambda d: rule_services.volunteer_rule_publish(
            access=access,
            authority=authority,
            effective_from=d["effective_from"],
            values={k: d[k] for k in rule_services.RULE_FIELDS},
            request=request,
        ),
        success="已发布新的志愿服务规则",
    )
    if saved:
        return redirect("service:volunteer_rules")
    return render(
        request,
        "service/volunteer_rule/rules.html",
        {
            "form": form,
            "current": current,
            "authority": authority,
            "versions": hours_selectors.volunteer_rule_versions(
                access=access, authority_id=authority.pk
            ),
        },
    )
