"""service's pages. One block per part of the app; each part's views live in
views/<noun>.py."""

from django.urls import path  # noqa: F401

app_name = "service"

# --- activities: brand, measures, places, planning, records -------------------------------
from hongfan.service.views import activity as activity_views  # noqa: E402
from hongfan.service.views import brand as brand_views  # noqa: E402
from hongfan.service.views import place as place_views  # noqa: E402
from hongfan.service.views import record as record_views  # noqa: E402

activity_patterns: list = [
    path("brand/", brand_views.brand, name="brand"),
    path("brand/edit/", brand_views.brand_edit, name="brand_edit"),
    path("brand/measures/new/", brand_views.measure_new, name="measure_new"),
    path("brand/measures/<id:pk>/edit/", brand_views.measure_edit, name="measure_edit"),
    path("places/", place_views.places, name="places"),
    path("places/new/", place_views.place_new, name="place_new"),
    path("places/<id:pk>/edit/", place_views.place_edit, name="place_edit"),
    path("activities/", activity_views.activities, name="activities"),
    path("activities/new/", activity_views.activity_new, name="activity_new"),
    path("activities/leads/", activity_views.lead_search, name="lead_search"),
    path("activities/<id:pk>/", activity_views.activity_detail, name="activity"),
    path("activities/<id:pk>/edit/", activity_views.activity_edit, name="activity_edit"),
    path("activities/<id:pk>/publish/", activity_views.activity_publish, name="activity_publish"),
    path("activities/<id:pk>/cancel/", activity_views.activity_cancel, name="activity_cancel"),
    path("activities/<id:pk>/record/", record_views.record, name="record"),
    path("activities/<id:pk>/households/new/", record_views.household_new, name="household_new"),
    path("activities/<id:pk>/photos/", record_views.photo_add, name="photo_add"),
    path("photos/<id:pk>/", record_views.photo, name="photo"),
    path(
        "households/<id:pk>/followed-up/",
        record_views.household_followed_up,
        name="household_followed_up",
    ),
    path("follow-ups/", record_views.follow_ups, name="follow_ups"),
]


# --- sign-up, check-in, hours, volunteer record ------------------------------------------
hours_patterns: list = []


# --- 红帆驿站 and model posts --------------------------------------------------------------
desk_patterns: list = []


# --- 互联网+护理服务 -------------------------------------------------------------------------
nursing_patterns: list = []


# --- dashboards ----------------------------------------------------------------------------
from hongfan.service.views import dashboard as dashboard_views  # noqa: E402

dashboard_patterns: list = [
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/city/", dashboard_views.dashboard_city, name="dashboard_city"),
]


urlpatterns = [
    *activity_patterns,
    *hours_patterns,
    *desk_patterns,
    *nursing_patterns,
    *dashboard_patterns,
]
