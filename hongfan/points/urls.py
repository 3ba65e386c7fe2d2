from django.urls import path

from hongfan.points import claim_views, star_views, views

app_name = "points"
urlpatterns = (
    [
        path("me/", views.mine, name="mine"),
        path("people/<int:pk>/", views.person_points, name="person"),
        path("rankings/", views.rankings, name="rankings"),
        path("rankings/export/", views.rankings_export, name="rankings_export"),
        path("rules/", views.rules, name="rules"),
        path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
        path("rules/copy-defaults/", views.copy_defaults, name="copy_defaults"),
        path("award/", views.award, name="award"),
        path("entries/<int:pk>/reverse/", views.reverse_entry, name="reverse"),
    ]
    + claim_views.urlpatterns
    + star_views.urlpatterns
)
