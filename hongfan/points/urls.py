from django.urls import path

from hongfan.points.views import catalogue, claims, ledger, rankings

app_name = "points"
urlpatterns = [
    path("me/", ledger.mine, name="mine"),
    path("people/<id:pk>/", ledger.person_points, name="person"),
    path("rankings/", rankings.rankings, name="rankings"),
    path("rankings/export/", rankings.rankings_export, name="rankings_export"),
    path("rules/", catalogue.rules, name="rules"),
    path("rules/<id:pk>/", catalogue.rule_edit, name="rule_edit"),
    path("rules/copy-defaults/", catalogue.copy_defaults, name="copy_defaults"),
    path("award/", ledger.award, name="award"),
    path("entries/<id:pk>/reverse/", ledger.reverse_entry, name="reverse"),
    path("claims/new/", claims.claim_new, name="claim_new"),
    path("claims/mine/", claims.claims_mine, name="claims_mine"),
    path("claims/review/", claims.claim_review, name="claim_review"),
    path("claims/<id:pk>/decide/", claims.claim_decide, name="claim_decide"),
    path("claims/<id:pk>/photo/", claims.claim_photo, name="claim_photo"),
    path("entries/<id:pk>/appeal/", claims.appeal_new, name="appeal_new"),
    path("appeals/review/", claims.appeal_review, name="appeal_review"),
    path("appeals/<id:pk>/decide/", claims.appeal_decide, name="appeal_decide"),
]
