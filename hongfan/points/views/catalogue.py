"""Pages of the rule catalogue: the rules with their versions, a new version, a new rule
and the copy of the city's defaults."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hongfan.core.access import hospital_for, request_access
from hongfan.core.dates import today
from hongfan.core.forms import apply_errors, run_form
from hongfan.org.selectors import hospitals as org_hospitals_selectors
from hongfan.org.selectors.hospitals import hospital_choices
from hongfan.points.forms.catalogue import RuleCreateForm, RuleVersionForm
from hongfan.points.selectors import catalogue as catalogue_selectors
from hongfan.points.services import catalogue as catalogue_services

VERSION_KEYS = (
    "points",
    "daily_cap",
    "monthly_cap",
    "quarterly_cap",
    "yearly_cap",
    "needs_approval",
)


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    city = request.GET.get("scope") == "city"
    if city:
        hospital = None
    elif not (access.is_city or access.hospital_ids or access.branch_ids) and (
        access.person_hospital_id
    ):
        # A member reads their own hospital's catalogue: how points are earned.
        hospital = org_hospitals_selectors.member_hospital(access=access)
    else:
        hospital = hospital_for(request, access, hospitals=hospital_choices(access=access))
    catalogue = catalogue_selectors.rule_catalogue(access=access, hospital=hospital)
    can_edit = access.is_city if hospital is None else access.administers_hospital(hospital.pk)
    form = RuleCreateForm(request.POST or None, initial={"effective_from": today()})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("没有权限维护积分规则")
        if form.is_valid():
            d = form.cleaned_data
            authority = org_hospitals_selectors.authority_for(access) if city else None
            try:
                catalogue_services.point_rule_create(
                    access=access,
                    hospital=hospital,
                    authority=authority,
                    code=d["code"],
                    name=d["name"],
                    category=d["category"],
                    effective_from=d["effective_from"],
                    values={k: d[k] for k in VERSION_KEYS},
                    request=request,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"已新增积分规则 {d['name']}")
                return redirect(request.get_full_path())
    return render(
        request,
        "points/rules.html",
        {
            "rules": catalogue,
            "hospital": hospital,
            "city": city,
            "form": form,
            "can_edit": can_edit,
        },
    )


@login_required
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    rule = catalogue_selectors.rule_get(access=access, pk=pk)
    if rule.hospital_id is None and not access.is_city:
        raise PermissionDenied("市级默认积分目录由市卫健委维护")
    if rule.hospital_id is not None and not access.administers_hospital(rule.hospital_id):
        raise PermissionDenied("积分规则由医院党委维护")
    current = rule.versions.order_by("-effective_from").first()
    initial = {k: getattr(current, k) for k in VERSION_KEYS} if current else {}
    initial["effective_from"] = today()
    back = reverse("points:rules") + (
        "?scope=city" if rule.hospital_id is None else f"?hospital={rule.hospital_id}"
    )
    return run_form(
        request,
        RuleVersionForm(request.POST or None, initial=initial),
        lambda d: catalogue_services.point_rule_revise(
            access=access,
            rule=rule,
            effective_from=d["effective_from"],
            values={k: d[k] for k in VERSION_KEYS},
            request=request,
        ),
        success=f"“{rule.name}”的新版本已保存，之前的积分记录仍按原版本计",
        next_url=back,
        title=f"修订积分规则：{rule.name}",
        back=back,
        intro="修订会从生效日期起产生新版本；已记的积分保留原版本，不会改变。",
    )


@login_required
@require_POST
def copy_defaults(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    hospital = hospital_for(request, access, hospitals=hospital_choices(access=access))
    n = catalogue_services.point_rules_copy_defaults(
        access=access, hospital=hospital, request=request
    )
    messages.success(
        request, f"已从市级默认目录复制{n}条规则" if n else "本院已有市级目录中的全部规则"
    )
    return redirect(f"{reverse('points:rules')}?hospital={hospital.pk}")
