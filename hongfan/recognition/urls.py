"""Pages of 季度之星. Included under ``points/`` (hongfan/urls.py): the addresses stay those
of the days when stars were part of points."""

from django.urls import path

from hongfan.recognition.views import stars

app_name = "recognition"
urlpatterns = [
    path("stars/", stars.star_list, name="stars"),
    path("stars/new/", stars.star_new, name="star_new"),
    path("stars/<id:pk>/", stars.star_detail, name="star_detail"),
    path("stars/<id:pk>/edit/", stars.star_edit, name="star_edit"),
    path("stars/<id:pk>/draft/", stars.star_draft, name="star_draft"),
    path("stars/<id:pk>/remove/", stars.star_remove, name="star_remove"),
    path("stars/<id:pk>/tie/", stars.star_tie, name="star_tie"),
    path("stars/<id:pk>/publish/", stars.star_publish, name="star_publish"),
    path("stars/<id:pk>/confirm/", stars.star_confirm, name="star_confirm"),
    path("stars/<id:pk>/announcement.docx", stars.star_export, name="star_export"),
]
