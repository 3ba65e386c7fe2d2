from django.urls import path

from hongfan.study.views import exams, learning

app_name = "study"
urlpatterns = [
    path("", learning.mine, name="mine"),
    path("items/", learning.items, name="items"),
    path("items/new/", learning.item_new, name="item_new"),
    path("items/<int:pk>/", learning.item, name="item"),
    path("items/<int:pk>/read/", learning.item_read, name="item_read"),
    path("items/<int:pk>/document/", learning.item_document, name="item_document"),
    path("items/<int:pk>/log/", learning.log_new, name="log_new"),
    path("items/<int:pk>/withdraw/", learning.item_withdraw, name="item_withdraw"),
    path("review/", learning.review, name="review"),
    path("log/<int:pk>/decide/", learning.log_decide, name="log_decide"),
    path("hours/", learning.hours, name="hours"),
    path("hours/export/", learning.hours_export, name="hours_export"),
    path("rules/", learning.rules, name="rules"),
    *exams.urlpatterns,
]
