from django.urls import path

from hongfan.orglife.api import views

urlpatterns = [
    path("orglife/meetings/", views.MyMeetingsAPI.as_view(), name="api-orglife-meetings"),
    path("orglife/meeting-book/", views.MeetingBookAPI.as_view(), name="api-orglife-meeting-book"),
    path(
        "orglife/meetings/<id:pk>/checkin/",
        views.CheckinAPI.as_view(),
        name="api-orglife-checkin",
    ),
]
