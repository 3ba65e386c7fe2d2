"""service's pages. One block per part of the app; each part's views live in
views/<noun>.py."""

from django.urls import path  # noqa: F401

app_name = "service"

# --- activities: brand, measures, places, planning, records -------------------------------
activity_patterns: list = []


# --- sign-up, check-in, hours, volunteer record ------------------------------------------
hours_patterns: list = []


# --- 红帆驿站 and model posts --------------------------------------------------------------
desk_patterns: list = []


# --- 互联网+护理服务 -------------------------------------------------------------------------
from hongfan.service.views import nursing as nursing_views  # noqa: E402

nursing_patterns: list = [
    path("nursing/book/<id:hospital_id>/", nursing_views.nursing_book, name="nursing_book"),
    path("nursing/status/", nursing_views.nursing_status, name="nursing_status"),
    path("nursing/", nursing_views.nursing_queue, name="nursing_queue"),
    path("nursing/bookings/<id:pk>/", nursing_views.nursing_booking, name="nursing_booking"),
    path("nursing/bookings/<id:pk>/triage/", nursing_views.nursing_triage, name="nursing_triage"),
    path("nursing/bookings/<id:pk>/refuse/", nursing_views.nursing_refuse, name="nursing_refuse"),
    path("nursing/bookings/<id:pk>/assign/", nursing_views.nursing_assign, name="nursing_assign"),
    path("nursing/bookings/<id:pk>/visit/", nursing_views.nursing_visit, name="nursing_visit"),
    path("nursing/bookings/<id:pk>/close/", nursing_views.nursing_close, name="nursing_close"),
    path("nursing/mine/", nursing_views.nursing_mine, name="nursing_mine"),
    path("nursing/services/", nursing_views.nursing_services, name="nursing_services"),
    path(
        "nursing/services/<id:pk>/", nursing_views.nursing_service_edit, name="nursing_service_edit"
    ),
    path("nursing/nurses/", nursing_views.nursing_nurses, name="nursing_nurses"),
    path("nursing/nurses/<id:pk>/", nursing_views.nursing_nurse_edit, name="nursing_nurse_edit"),
    path("nursing/promise/", nursing_views.nursing_promise, name="nursing_promise"),
    path("nursing/city/", nursing_views.nursing_city, name="nursing_city"),
    path("nursing/rules/", nursing_views.nursing_rules, name="nursing_rules"),
]


# --- dashboards ----------------------------------------------------------------------------
dashboard_patterns: list = []


urlpatterns = [
    *activity_patterns,
    *hours_patterns,
    *desk_patterns,
    *nursing_patterns,
    *dashboard_patterns,
]
