"""service's pages. One block per part of the app; each part's views live in
views/<noun>.py."""

from django.urls import path  # noqa: F401

app_name = "service"

# --- activities: brand, measures, places, planning, records -------------------------------
activity_patterns: list = []


# --- sign-up, check-in, hours, volunteer record ------------------------------------------
from hongfan.service.views import hours as hours_views  # noqa: E402
from hongfan.service.views import signup as signup_views  # noqa: E402
from hongfan.service.views import volunteer_rule as volunteer_rule_views  # noqa: E402

hours_patterns: list = [
    path("volunteer/", signup_views.volunteer, name="volunteer"),
    path("shifts/<id:pk>/signup/", signup_views.signup_create, name="signup_create"),
    path("signups/<id:pk>/cancel/", signup_views.signup_cancel, name="signup_cancel"),
    path("signups/<id:pk>/mark/", signup_views.signup_mark, name="signup_mark"),
    path("signups/<id:pk>/correct/", hours_views.correct, name="hours_correct"),
    path("activities/<id:pk>/checkin/<str:token>/", signup_views.checkin, name="checkin"),
    path("activities/<id:pk>/roster/", signup_views.roster, name="roster"),
    path("activities/<id:pk>/hours/", hours_views.confirm, name="confirm"),
    path("hours/pending/", hours_views.pending, name="hours_pending"),
    path("hours/", hours_views.volunteer_table, name="hours_table"),
    path("hours/national/", hours_views.national_export, name="hours_national"),
    path("volunteer/me/", hours_views.my_record, name="my_record"),
    path("volunteer/people/<id:pk>/", hours_views.person_record, name="person_record"),
    path("volunteer/people/<id:pk>/certificate/", hours_views.certificate, name="certificate"),
    path("volunteer/rules/", volunteer_rule_views.volunteer_rules, name="volunteer_rules"),
]


# --- 红帆驿站 and model posts --------------------------------------------------------------
desk_patterns: list = []


# --- 互联网+护理服务 -------------------------------------------------------------------------
nursing_patterns: list = []


# --- dashboards ----------------------------------------------------------------------------
dashboard_patterns: list = []


urlpatterns = [
    *activity_patterns,
    *hours_patterns,
    *desk_patterns,
    *nursing_patterns,
    *dashboard_patterns,
]
