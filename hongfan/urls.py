from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from hongfan.accounts.urls import audit_patterns, security_patterns, system_patterns
from hongfan.core.api import not_found as api_not_found
from hongfan.core.views import healthz
from hongfan.org.views.home import home

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),  # issue 11: monitoring (core.health)
    path("accounts/", include("hongfan.accounts.urls")),
    path("org/", include("hongfan.org.urls")),
    path("workdays/", include("hongfan.workdays.urls")),
    path("points/", include("hongfan.points.urls")),
    path("points/", include("hongfan.recognition.urls")),  # 季度之星, at their old addresses
    path("orglife/", include("hongfan.orglife.urls")),
    path("study/", include("hongfan.study.urls")),
    path("service/", include("hongfan.service.urls")),
    path("notices/", include("hongfan.notices.urls")),
    path("security/", include(security_patterns)),
    path("system/", include(system_patterns)),
    path("audit/", include(audit_patterns)),
    path("api/", include("hongfan.org.api.urls")),
    path("api/", include("hongfan.points.api.urls")),
    path("api/", include("hongfan.orglife.api.urls")),
    path("api/", include("hongfan.study.api.urls")),
    path("api/", include("hongfan.service.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # issue 11 (apischema): an unknown API address is a JSON 404, never the site's HTML page
    re_path(r"^api/", api_not_found, name="api-unknown"),
]

# The Chinese error pages (issue 11; the CSRF failure page: CSRF_FAILURE_VIEW in settings).
handler400 = "hongfan.core.views.bad_request"
handler403 = "hongfan.core.views.permission_denied"
handler404 = "hongfan.core.views.not_found"
handler500 = "hongfan.core.views.server_error"
