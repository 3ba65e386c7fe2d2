from django.urls import path

from hongfan.study import exam_views, views

app_name = "study"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("items/", views.items, name="items"),
    path("items/new/", views.item_new, name="item_new"),
    path("items/<int:pk>/", views.item, name="item"),
    path("items/<int:pk>/read/", views.item_read, name="item_read"),
    path("items/<int:pk>/document/", views.item_document, name="item_document"),
    path("items/<int:pk>/log/", views.log_new, name="log_new"),
    path("items/<int:pk>/withdraw/", views.item_withdraw, name="item_withdraw"),
    path("review/", views.review, name="review"),
    path("log/<int:pk>/decide/", views.log_decide, name="log_decide"),
    path("hours/", views.hours, name="hours"),
    path("hours/export/", views.hours_export, name="hours_export"),
    path("rules/", views.rules, name="rules"),
    *exam_views.urlpatterns,
]
