"""service's pages. One block per part of the app; each part's views live in
views/<noun>.py."""

from django.urls import path  # noqa: F401

app_name = "service"

# --- activities: brand, measures, places, planning, records -------------------------------
activity_patterns: list = []


# --- sign-up, check-in, hours, volunteer record ------------------------------------------
hours_patterns: list = []


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
