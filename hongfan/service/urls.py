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
