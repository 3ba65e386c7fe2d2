from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hongfan.core.access import Access, request_access
from hongfan.core.dates import today
from hongfan.core.forms import apply_errors, run_form
from hongfan.org.choices import MEMBER_STATUSES, PersonStatus
from hongfan.org.models import Branch, Hospital
from hongfan.org.selectors import hospitals as org_hospitals_selectors
from hongfan.org.selectors import people as org_people_selectors
from hongfan.org.selectors import structure as org_structure_selectors
from hongfan.org.views.hospitals import current_hospital
from hongfan.points import claims, selectors, services
from hongfan.points.choices import Period
from hongfan.points.forms import ManualAwardForm, ReverseForm, RuleCreateForm, RuleVersionForm
from hongfan.points.models import PointEntry, PointRule
from hongfan.points.periods import period_label, period_start

VERSION_KEYS = (
    "points",
    "daily_cap",
    "monthly_cap",
    "quarterly_cap",
    "yearly_cap",
    "needs_approval",
)


def _period(request: HttpRequest) -> tuple[str, date]:
    period = request.GET.get("period", Period.QUARTER)
    if period not in (Period.MONTH, Period.QUARTER, Period.YEAR):
        period = Period.QUARTER
    try:
        at = date.fromisoformat(request.GET.get("at", ""))
    except ValueError:
        at = today()
    return period, period_start(period, min(at, today()))


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    if not access.person_id:
        raise PermissionDenied("此账号未关联党员，没有个人积分")
    return _points_page(request, access, access.person_id)


@login_required
def person_points(request: HttpRequest, pk: int) -> HttpResponse:
    return _points_page(request, request_access(request), pk)


def _points_page(request: HttpRequest, access: Access, person_pk: int) -> HttpResponse:
    person = org_people_selectors.person_get(access, person_pk)
    data = selectors.my_points(access, person)
    page = Paginator(data.entries, 20).get_page(request.GET.get("page"))
    reversed_ids = set(
        PointEntry.objects.filter(reverses__in=[e.pk for e in page]).values_list(
            "reverses_id", flat=True
        )
    )
    return render(
        request,
        "points/mine.html",
        {
            "d": data,
            "page": page,
            "reversed_ids": reversed_ids,
            "is_self": access.person_id == person.pk,
            "can_reverse": access.manages_branch(person.branch_id, person.hospital_id),
            "quarter_label": period_label(Period.QUARTER, period_start(Period.QUARTER, today())),
            "reverse_form": ReverseForm(),
            "open_appeal_ids": claims.open_appeal_entry_ids([e.pk for e in page]),
        },
    )


def ranking_scope(request: Any, access: Access) -> tuple[Hospital | None, Branch | None]:
    """Which ranking a request asks for: the city (scope=city), a hospital, or a branch; a
    secretary without hospital rights gets their own branch. Shared by the page and the API."""
    params = getattr(request, "query_params", request.GET)
    if params.get("scope") == "city":
        return None, None
    hospital = current_hospital(request, access)
    raw = params.get("branch", "")
    if raw.isdigit():
        return hospital, org_structure_selectors.branch_get(access, int(raw))
    if access.reads_hospital(hospital.pk):
        return hospital, None
    if access.branch_ids:
        return hospital, Branch.objects.get(pk=min(access.branch_ids))
    raise PermissionDenied("没有权限查看积分排名")


@login_required
def rankings(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    period, start = _period(request)
    scope = request.GET.get("scope", "hospital")
    hospital, branch = ranking_scope(request, access)
    rows = selectors.member_ranking(
        access, hospital=hospital, period=period, start=start, branch=branch, limit=100
    )
    branch_rows = (
        selectors.branch_ranking(access, hospital=hospital, period=period, start=start)
        if hospital is not None and branch is None
        else []
    )
    return render(
        request,
        "points/rankings.html",
        {
            "rows": rows,
            "branch_rows": branch_rows,
            "period": period,
            "start": start,
            "label": period_label(period, start),
            "hospital": hospital,
            "branch": branch,
            "scope": scope,
            "branches": org_structure_selectors.branch_options(access, hospital.pk)
            if hospital
            else [],
            "periods": [(Period.MONTH, "月"), (Period.QUARTER, "季度"), (Period.YEAR, "年")],
        },
    )


@login_required
def rankings_export(request: HttpRequest) -> HttpResponse:
    """The ranking on screen as .xlsx (members and branches), audited as an export."""
    from io import BytesIO

    from openpyxl import Workbook

    from hongfan.core.audit import AuditAction, audit_log
    from hongfan.org.downloads import content_disposition, escape_cell

    access = request_access(request)
    period, start = _period(request)
    hospital, branch = ranking_scope(request, access)
    rows = selectors.member_ranking(
        access, hospital=hospital, period=period, start=start, branch=branch, limit=100000
    )
    title = f"{hospital.name if hospital else '全市'}{branch.name if branch else ''}{period_label(period, start)}积分排名"
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "党员排名"
    ws.append(["名次", "姓名", "支部", "科室", "积分"])
    for r in rows:
        ws.append(
            [
                r.rank,
                escape_cell(r.name),
                escape_cell(r.branch),
                escape_cell(r.department),
                float(r.points),
            ]
        )
    if hospital is not None and branch is None:
        bs = wb.create_sheet("支部排名")
        bs.append(["名次", "支部", "党员数", "总积分", "人均积分"])
        for b in selectors.branch_ranking(access, hospital=hospital, period=period, start=start):
            bs.append([b.rank, escape_cell(b.name), b.members, float(b.total), float(b.average)])
    buf = BytesIO()
    wb.save(buf)
    audit_log(
        action=AuditAction.EXPORT,
        request=request,
        actor_id=access.user_id,
        hospital_id=hospital.pk if hospital else None,
        what="points_ranking",
        period=period,
        start=str(start),
        count=len(rows),
    )
    response = HttpResponse(
        buf.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition(f"{title}.xlsx", fallback="ranking.xlsx")
    return response


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
        hospital = Hospital.objects.get(pk=access.person_hospital_id)
    else:
        hospital = current_hospital(request, access)
    catalogue = selectors.rule_catalogue(access, hospital)
    can_edit = access.is_city if hospital is None else access.administers_hospital(hospital.pk)
    form = RuleCreateForm(request.POST or None, initial={"effective_from": today()})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("没有权限维护积分规则")
        if form.is_valid():
            d = form.cleaned_data
            authority = org_hospitals_selectors.authority_for(access) if city else None
            try:
                services.point_rule_create(
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
    rule = selectors.rule_get(access, pk)
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
        lambda d: services.point_rule_revise(
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
    hospital = current_hospital(request, access)
    n = services.point_rules_copy_defaults(access=access, hospital=hospital, request=request)
    messages.success(
        request, f"已从市级默认目录复制{n}条规则" if n else "本院已有市级目录中的全部规则"
    )
    return redirect(f"{reverse('points:rules')}?hospital={hospital.pk}")


@login_required
def award(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    hospital = current_hospital(request, access)
    if not (access.administers_hospital(hospital.pk) or access.branch_ids):
        raise PermissionDenied("只有支部书记或医院党委可以手工计分")
    people = org_people_selectors.person_qs(access).filter(
        hospital=hospital, status=PersonStatus.ACTIVE, political_status__in=MEMBER_STATUSES
    )
    if not access.administers_hospital(hospital.pk):
        people = people.filter(branch_id__in=access.branch_ids)
    initial: dict[str, object] = {"occurred_on": today(), "quantity": 1}
    if request.GET.get("person", "").isdigit():
        initial["person"] = int(request.GET["person"])
    form = ManualAwardForm(
        request.POST or None,
        initial=initial,
        people=people.order_by("name"),
        rules=PointRule.objects.filter(hospital=hospital, active=True),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            result = services.points_manual(
                access=access,
                person=d["person"],
                rule=d["rule"],
                occurred_on=d["occurred_on"],
                reason=d["reason"],
                quantity=d["quantity"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            (messages.success if result.entry else messages.warning)(
                request, f"{d['person'].name}：{result.message}"
            )
            return redirect("points:person", pk=d["person"].pk)
    return render(
        request,
        "org/simple_form.html",
        {
            "form": form,
            "title": "手工加减分",
            "back": reverse("points:rankings"),
            "intro": "按积分规则为本支部党员加分或扣分，须写明事由；受规则的每日/每月等上限约束。",
        },
    )


@login_required
@require_POST
def reverse_entry(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    entry = PointEntry.objects.select_related("person").filter(pk=pk).first()
    if entry is None:
        raise Http404("积分流水不存在")
    org_people_selectors.person_get(access, entry.person_id)  # 404/403 out of scope
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写冲正原因")
    else:
        try:
            services.points_reverse(
                access=access, entry=entry, reason=form.cleaned_data["reason"], request=request
            )
            messages.success(request, "已冲正，原记录保留")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    return redirect("points:person", pk=entry.person_id)
