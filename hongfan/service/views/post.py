"""Pages of 党员先锋岗 / 党员示范岗: the list (posts that no longer meet the designation rule
flagged), designate and edit, a post with its staff, reviews and duty, the printable 公开承诺
card, and the city's designation rule. Thin: writes in ``services.post``, reads in
``selectors.post``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hongfan.core.access import Access, hospital_for, request_access
from hongfan.core.dates import today
from hongfan.core.forms import apply_errors, error_text, form_save, id_or_none, search_url
from hongfan.org.selectors.hospitals import hospital_choices
from hongfan.service.choices import PostKind
from hongfan.service.forms.post import DutyForm, MemberForm, PostForm, ReviewForm, RuleForm
from hongfan.service.selectors import post as post_selectors
from hongfan.service.services import post as post_services


def _hospital(request: HttpRequest, access: Access):  # type: ignore[no-untyped-def]
    return hospital_for(
        request, access, hospitals=hospital_choices(access=access), business=True, members=True
    )


@login_required
def posts(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    hospital = _hospital(request, access)
    branches = post_selectors.post_branches(access=access, hospital_id=hospital.pk)
    branch_id = id_or_none(request.GET.get("branch"))
    rows = post_selectors.with_warnings(
        list(post_selectors.post_list(access=access, hospital_id=hospital.pk, branch_id=branch_id)),
        hospital.authority_id,
        today(),
    )
    return render(
        request,
        "service/post/list.html",
        {
            "hospital": hospital,
            "hospitals": hospital_choices(access=access) if access.is_city else [],
            "posts": rows,
            "branches": branches,
            "branch_id": branch_id,
            "warned": len([p for p in rows if p.warnings]),  # type: ignore[attr-defined]
            "manages": access.administers_hospital(hospital.pk),
            "rule": post_selectors.model_post_rule_for(hospital.authority_id, today()),
        },
    )


def _post_form(request: HttpRequest, hospital_id: int, initial: dict) -> PostForm:
    form = PostForm(
        request.POST or None,
        initial=initial,
        branches=post_selectors.post_branches(
            access=request_access(request), hospital_id=hospital_id
        ),
        departments=post_selectors.post_departments(hospital_id),
        people=post_selectors.staff_of(hospital_id),
    )
    search_url(form, "head", reverse("service:staff_search"))
    return form


@login_required
def post_new(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    hospital = _hospital(request, access)
    if not access.administers_hospital(hospital.pk):
        raise access.denied(hospital.pk, "先锋岗", "认定")
    form = _post_form(request, hospital.pk, {"kind": PostKind.PIONEER, "designated_on": today()})
    saved, post = form_save(
        request,
        form,
        lambda d: post_services.post_designate(
            access=access, hospital=hospital, request=request, **d
        ),
        success="已认定岗位",
    )
    if saved:
        return redirect("service:post", post.pk)
    return render(
        request, "service/post/form.html", {"form": form, "title": "认定党员先锋岗/示范岗"}
    )


@login_required
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    post = post_selectors.post_get(access=access, pk=pk)
    if not access.administers_hospital(post.hospital_id):
        raise access.denied(post.hospital_id, "先锋岗", "修改")
    form = _post_form(
        request,
        post.hospital_id,
        {
            "kind": post.kind,
            "name": post.name,
            "branch": post.branch_id,
            "department": post.department_id,
            "head": post.head_id,
            "commitment": post.commitment,
            "designated_on": post.designated_on,
        },
    )
    saved, _ = form_save(
        request,
        form,
        lambda d: post_services.post_update(access=access, post=post, request=request, **d),
        success="已保存",
    )
    if saved:
        return redirect("service:post", post.pk)
    return render(
        request,
        "service/post/form.html",
        {"form": form, "title": f"修改：{post.name}", "post": post},
    )


@login_required
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    post = post_selectors.post_get(access=access, pk=pk)
    manages = access.manages_branch(post.branch_id, post.hospital_id)
    check = post_selectors.post_rule_check(post, post.hospital.authority_id, today())
    member_form = MemberForm(people=post_selectors.staff_of(post.hospital_id))
    search_url(member_form, "person", reverse("service:staff_search"))
    records = post_selectors.records_duty(access, post) and post.active
    return render(
        request,
        "service/post/detail.html",
        {
            "post": post,
            "check": check,
            "members": post_selectors.post_members(post),
            "reviews": post_selectors.post_reviews(post),
            "duties": post_selectors.post_duties(post),
            "manages": manages and post.active,
            "admin": access.administers_hospital(post.hospital_id),
            "records": records,
            "member_form": member_form if manages and post.active else None,
            "review_form": ReviewForm(initial={"year": today().year})
            if manages and post.active
            else None,
            "duty_form": DutyForm(people=post_selectors.duty_people(post), initial={"on": today()})
            if records
            else None,
        },
    )


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    post = post_selectors.post_get(access=access, pk=pk)
    if not access.manages_branch(post.branch_id, post.hospital_id):
        raise access.denied(post.hospital_id, "先锋岗", "调整人员")
    form = MemberForm(request.POST, people=post_selectors.staff_of(post.hospital_id))
    if not form.is_valid():
        messages.error(request, "请选择本院在职人员，日期格式如 2026-01-01")
    else:
        try:
            m = post_services.post_member_add(access=access, post=post, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, f"{m.person.name}已上岗")
    return redirect(reverse("service:post", args=[post.pk]) + "#staff")


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    member = post_selectors.post_member_get(access=access, pk=pk)
    try:
        post_services.post_member_remove(access=access, member=member)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"{member.person.name}已离岗")
    return redirect(reverse("service:post", args=[member.post_id]) + "#staff")


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    post = post_selectors.post_get(access=access, pk=pk)
    if not post_selectors.reviews_post(access, post):
        raise access.denied(post.hospital_id, "先锋岗", "评议")
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写评议年度和评议结果")
    else:
        try:
            r = post_services.post_review(
                access=access, post=post, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                f"已记录{r.year}年度评议：{r.get_result_display()}"
                + ("，岗位已撤销" if r.result == "revoked" else ""),
            )
    return redirect(reverse("service:post", args=[post.pk]) + "#reviews")


@login_required
def duty(request: HttpRequest, pk: int) -> HttpResponse:
    """The head or the secretary records a member's day of duty (a phone page)."""
    access = request_access(request)
    post = post_selectors.post_get(access=access, pk=pk)
    if not post_selectors.records_duty(access, post):
        raise access.denied(post.hospital_id, "先锋岗", "记录值守")
    form = DutyForm(
        request.POST or None, people=post_selectors.duty_people(post), initial={"on": today()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            _duty, result = post_services.post_duty_record(
                access=access, post=post, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            name = form.cleaned_data["person"].name
            if result is not None and result.granted:
                messages.success(request, f"已记录{name}的值守，积分 +{result.granted.normalize()}")
            elif result is not None:
                messages.success(request, f"已记录{name}的值守（{result.message}）")
            else:
                messages.success(request, f"已记录{name}的值守（本院未启用岗位值守积分规则）")
            return redirect(reverse("service:post", args=[post.pk]) + "#duty")
    return render(request, "service/post/duty.html", {"post": post, "form": form})


@login_required
def card(request: HttpRequest, pk: int) -> HttpResponse:
    """The 公开承诺 card for the plaque at the ward: printable."""
    access = request_access(request)
    post = post_selectors.post_get(access=access, pk=pk)
    return render(
        request,
        "service/post/card.html",
        {"post": post, "members": post_selectors.post_members(post)},
    )


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    """The city's designation rule of model posts, a version per date."""
    access = request_access(request)
    authority = post_selectors.city_authority(access=access)
    form = RuleForm(request.POST or None)
    saved, _ = form_save(
        request,
        form,
        lambda d: post_services.post_rule_add(
            access=access, authority=authority, request=request, **d
        ),
        success="已保存新的认定规则版本",
    )
    if saved:
        return redirect("service:post_rules")
    return render(
        request,
        "service/post/rules.html",
        {
            "form": form,
            "versions": post_selectors.rule_versions(authority),
            "in_force": post_selectors.model_post_rule_for(authority.pk, today()),
        },
    )
