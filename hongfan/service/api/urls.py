from django.urls import path

from hongfan.service.api import views

urlpatterns = [
    path("service/activities/", views.OpenActivitiesAPI.as_view(), name="api-service-activities"),
    path("service/signups/", views.MySignupsAPI.as_view(), name="api-service-signups"),
    path(
        "service/shifts/<id:pk>/signup/",
        views.SignupCreateAPI.as_view(),
        name="api-service-signup",
    ),
    path(
        "service/signups/<id:pk>/cancel/",
        views.SignupCancelAPI.as_view(),
        name="api-service-cancel",
    ),
    path(
        "service/activities/<id:pk>/checkin/",
        views.ScanAPI.as_view(),
        name="api-service-checkin",
    ),
    path("service/hours/", views.MyHoursAPI.as_view(), name="api-service-hours"),
]
