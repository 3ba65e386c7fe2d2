from django.urls import path

from hongfan.workdays import views

app_name = "workdays"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.year, name="year"),
    path("<int:year>/edit/", views.year_edit, name="edit"),
]
