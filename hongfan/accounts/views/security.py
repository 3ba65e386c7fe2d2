"""The security admin's pages: roles (one at a time, and one role to many accounts), the
policy (lockout, passwords, sessions per role, SMS limits), unlocking."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hongfan.accounts import selectors, services
from hongfan.accounts.forms import BulkGrantForm, PolicyForm, RoleGrantForm
from hongfan.accounts.policy import get_policy
from hongfan.core.access import request_access
from hongfan.core.forms import apply_errors, id_or_none
from hongfan.core.roles import Role


@login_required
def security_roles(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    rows = selectors.role_assignment_list(access=access)
    form = RoleGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = selectors.user_by_username(access=access, username=data["username"])
        hospital, branch = selectors.grant_scope(
            access=access, hospital_id=data["hospital"], branch_id=data["branch"]
        )
        if user is None:
            form.add_error("username", "用户不存在")
        else:
            try:
                services.role_grant(
                    access=access,
                    user=user,
                    role=data["role"],
                    hospital=hospital,
                    branch=branch,
                    request=request,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, f"已授予 {user.username} 角色：{Role(data['role']).label}"
                )
                return redirect("security:roles")
    hospitals, branches = selectors.grant_scope_options(access=access)
    return render(
        request,
        "accounts/security_roles.html",
        {"rows": rows, "form": form, "hospitals": hospitals, "branches": branches},
    )


@login_required
@require_POST
def security_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    access = request_access(request)
    ra = selectors.role_assignment_get(access=access, pk=pk)  # 403 unless security admin
    try:
        services.role_revoke(access=access, assignment=ra, request=request)
        messages.success(request, "角色已撤销")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("security:roles")


@login_required
def security_policy(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    selectors.role_assignment_list(access=access)
    policy = get_policy(request)
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(access=access, data=form.cleaned_data, request=request)
        except ValidationError as exc:
            policy.refresh_from_db()
            apply_errors(form, exc)
        else:
            messages.success(request, "安全策略已保存")
            return redirect("security:policy")
    return render(request, "accounts/security_policy.html", {"form": form})


@login_required
def security_unlock(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    selectors.role_assignment_list(access=access)
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        if not username:
            messages.error(request, "请填写要解锁的用户名")
        elif "\x00" in username or len(username) > 150:
            messages.error(request, "用户名无效，请检查后重新填写")
        else:
            services.unlock_user(access=access, username=username, request=request)
            messages.success(request, f"已解锁 {username}")
        return redirect("security:unlock")
    attempts = selectors.login_attempts(access=access)
    return render(
        request,
        "accounts/security_unlock.html",
        {"attempts": attempts, "policy": get_policy(request)},
    )


@login_required
def security_roles_bulk(request: HttpRequest) -> HttpResponse:
    """批量授权: narrow the accounts (a hospital, part of a name), tick them, grant one role."""
    access = request_access(request)
    hospitals, branches = selectors.grant_scope_options(access=access)
    hospital_id = id_or_none(request.GET.get("hospital", ""))
    text = request.GET.get("q", "")
    listed = selectors.grantable_users(access=access, hospital_id=hospital_id, text=text)
    form = BulkGrantForm(
        request.POST or None,
        users=selectors.grantable_users(access=access, hospital_id=None, text=""),
        hospitals=hospitals,
        branches=branches,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            granted, held = services.roles_grant_bulk(
                access=access,
                users=list(data["users"]),
                role=data["role"],
                hospital=data["hospital"],
                branch=data["branch"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            label = Role(data["role"]).label
            note = f"，{held}个账号原已有此角色" if held else ""
            messages.success(request, f"已为{granted}个账号授予角色：{label}{note}")
            return redirect(request.get_full_path())
    page = Paginator(listed, 100).get_page(request.GET.get("page"))
    chosen = {str(v) for v in request.POST.getlist("users")}
    return render(
        request,
        "accounts/security_roles_bulk.html",
        {
            "form": form,
            "page": page,
            "hospitals": hospitals,
            "hospital_id": hospital_id,
            "q": text.replace("\x00", "")[:30],
            "chosen": chosen,
        },
    )
