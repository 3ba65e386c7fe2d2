"""The system admin's pages: accounts, linking one to a person (searched by name), and
accounts made in bulk from the roster."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hongfan.accounts import selectors, services
from hongfan.accounts.filters import UserFilter
from hongfan.accounts.forms import RosterAccountsForm, UserCreateForm
from hongfan.core.access import Access, request_access
from hongfan.core.forms import apply_errors, search_url
from hongfan.core.roles import Role


def _system_admin(request: HttpRequest) -> Access:
    access = request_access(request)
    if not access.has(Role.SYSTEM_ADMIN):
        raise PermissionDenied("只有系统管理员可以管理账号")
    return access


@login_required
def system_users(request: HttpRequest) -> HttpResponse:
    access = _system_admin(request)
    filtered = UserFilter(request.GET, queryset=selectors.user_list(access=access))
    q = filtered.text()
    users = filtered.qs.prefetch_related("role_assignments")
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    form = UserCreateForm(
        request.POST or None, people=selectors.account_person_options(access=access)
    )
    search_url(form, "person", reverse("system:person_search"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_create(
                access=access,
                username=data["username"],
                display_name=data["display_name"],
                password=data["password"],
                person=data["person"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"账号 {data['username']} 已创建，请安全管理员为其授予角色")
            return redirect("system:users")
    return render(request, "accounts/system_users.html", {"page": page, "form": form, "q": q})


@login_required
def person_search(request: HttpRequest) -> JsonResponse:
    """Type-ahead for 关联职工: staff without an account, by name."""
    access = _system_admin(request)
    found = selectors.person_search(access=access, text=request.GET.get("q", ""))
    label = UserCreateForm.base_fields["person"].label_from_instance  # type: ignore[attr-defined]
    return JsonResponse({"results": [{"value": p.pk, "text": label(p)} for p in found]})


@login_required
@require_POST
def system_user_active(request: HttpRequest, pk: int) -> HttpResponse:
    access = _system_admin(request)
    user = selectors.user_get(access=access, pk=pk)
    try:
        services.user_set_active(
            access=access, user=user, active=request.POST.get("active") == "1", request=request
        )
        messages.success(request, "账号状态已更新")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("system:users")


@login_required
def roster_accounts(request: HttpRequest) -> HttpResponse:
    """按花名册批量开通: pick a hospital (and a branch), see who has no account, make them."""
    access = _system_admin(request)
    hospitals, branches = selectors.grant_scope_options(access=access)
    data = (
        request.POST
        if request.method == "POST"
        else (request.GET if "hospital" in request.GET else None)
    )
    form = RosterAccountsForm(data, hospitals=hospitals, branches=branches)
    people = []
    result = None
    if data is not None and form.is_valid():
        hospital, branch = form.cleaned_data["hospital"], form.cleaned_data["branch"]
        if branch is not None and branch.hospital_id != hospital.pk:
            form.add_error("branch", "该支部不属于所选医院")
        elif request.method == "POST":
            try:
                result = services.roster_accounts_create(
                    access=access, hospital=hospital, branch=branch, request=request
                )
            except ValidationError as exc:
                apply_errors(form, exc)
        if not form.errors:
            people = selectors.people_without_account(
                access=access, hospital=hospital, branch=branch
            )
    return render(
        request,
        "accounts/roster_accounts.html",
        {"form": form, "people": people, "result": result},
    )
