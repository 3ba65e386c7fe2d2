from django.urls import path

from hongfan.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/otp/", views.login_otp_view, name="login_otp"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_view, name="password"),
    path("2fa/", views.twofa_view, name="2fa"),
]

security_patterns = (
    [
        path("", views.security_roles, name="roles"),
        path("roles/<int:pk>/revoke/", views.security_revoke, name="revoke"),
        path("policy/", views.security_policy, name="policy"),
        path("unlock/", views.security_unlock, name="unlock"),
    ],
    "security",
)

system_patterns = (
    [
        path("users/", views.system_users, name="users"),
        path("users/<int:pk>/active/", views.system_user_active, name="user_active"),
    ],
    "system",
)

audit_patterns = (
    [
        path("", views.audit_trail, name="trail"),
        path("changes/", views.audit_changes, name="changes"),
    ],
    "audit",
)
