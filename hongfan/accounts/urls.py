from django.urls import path

from hongfan.accounts.views import audit, login, password, security, system

app_name = "accounts"
urlpatterns = [
    path("login/", login.login_view, name="login"),
    path("login/otp/", login.login_otp_view, name="login_otp"),
    path("logout/", login.logout_view, name="logout"),
    path("password/", password.password_view, name="password"),
    path("password/reset/", password.password_reset, name="password_reset"),
    path("activate/", password.account_activate, name="activate"),
    path("2fa/", password.twofa_view, name="2fa"),
    path("security/", password.account_security, name="security"),
    path("wechat/", login.wechat_start, name="wechat_start"),
    path("wechat/callback/", login.wechat_callback, name="wechat_callback"),
    path("wechat/unbind/", login.wechat_unbind, name="wechat_unbind"),
]

security_patterns = (
    [
        path("", security.security_roles, name="roles"),
        path("roles/bulk/", security.security_roles_bulk, name="roles_bulk"),
        path("roles/<id:pk>/revoke/", security.security_revoke, name="revoke"),
        path("policy/", security.security_policy, name="policy"),
        path("unlock/", security.security_unlock, name="unlock"),
    ],
    "security",
)

system_patterns = (
    [
        path("users/", system.system_users, name="users"),
        path("users/people/", system.person_search, name="person_search"),
        path("users/roster/", system.roster_accounts, name="roster_accounts"),
        path("users/<id:pk>/active/", system.system_user_active, name="user_active"),
    ],
    "system",
)

audit_patterns = (
    [
        path("", audit.audit_trail, name="trail"),
        path("changes/", audit.audit_changes, name="changes"),
    ],
    "audit",
)
