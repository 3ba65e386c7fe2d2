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
from hongfan.service.views import desk as desk_views  # noqa: E402
from hongfan.service.views import loan as loan_views  # noqa: E402
from hongfan.service.views import post as post_views  # noqa: E402

desk_patterns: list = [
    path("desks/", desk_views.desks, name="desks"),
    path("desks/new/", desk_views.desk_new, name="desk_new"),
    path("desks/fill/", desk_views.fill_rate, name="desk_fill"),
    path("desks/staff/", desk_views.staff_search, name="staff_search"),
    path("desks/<id:pk>/", desk_views.desk_detail, name="desk"),
    path("desks/<id:pk>/edit/", desk_views.desk_edit, name="desk_edit"),
    path("desks/<id:pk>/help/", desk_views.help_add, name="help_add"),
    path("desks/<id:pk>/help/summary/", desk_views.help_summary, name="help_summary"),
    path("desks/<id:pk>/roster/", desk_views.roster, name="desk_roster"),
    path("desks/<id:pk>/roster/new/", desk_views.roster_new, name="roster_new"),
    path("desks/duty/<id:pk>/swap/", desk_views.swap_new, name="swap_new"),
    path("desks/swaps/<id:pk>/answer/", desk_views.swap_answer, name="swap_answer"),
    path("desks/<id:pk>/ledger/", loan_views.ledger, name="ledger"),
    path("desks/<id:pk>/items/new/", loan_views.item_new, name="item_new"),
    path("desks/items/<id:pk>/edit/", loan_views.item_edit, name="item_edit"),
    path("desks/items/<id:pk>/lend/", loan_views.lend, name="lend"),
    path("desks/items/<id:pk>/return/", loan_views.return_by_mobile, name="return_by_mobile"),
    path("desks/loans/<id:pk>/return/", loan_views.loan_return, name="loan_return"),
    path("desks/loans/<id:pk>/lost/", loan_views.loan_lost, name="loan_lost"),
    path("posts/", post_views.posts, name="posts"),
    path("posts/new/", post_views.post_new, name="post_new"),
    path("posts/rules/", post_views.rules, name="post_rules"),
    path("posts/<id:pk>/", post_views.post_detail, name="post"),
    path("posts/<id:pk>/edit/", post_views.post_edit, name="post_edit"),
    path("posts/<id:pk>/members/", post_views.member_add, name="post_member_add"),
    path("posts/members/<id:pk>/remove/", post_views.member_remove, name="post_member_remove"),
    path("posts/<id:pk>/review/", post_views.review, name="post_review"),
    path("posts/<id:pk>/duty/", post_views.duty, name="post_duty"),
    path("posts/<id:pk>/card/", post_views.card, name="post_card"),
]


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
