from django.urls import path

from hongfan.points.api import views

urlpatterns = [
    path("points/me/", views.MyPointsAPI.as_view(), name="api-points-me"),
    path("points/me/ledger/", views.MyLedgerAPI.as_view(), name="api-points-ledger"),
    path("points/rankings/", views.RankingAPI.as_view(), name="api-points-rankings"),
    path("points/claims/", views.ClaimsAPI.as_view(), name="api-points-claims"),
    path("points/claims/review/", views.ClaimReviewAPI.as_view(), name="api-points-claim-review"),
    path(
        "points/claims/<id:pk>/decide/",
        views.ClaimDecideAPI.as_view(),
        name="api-points-claim-decide",
    ),
]
