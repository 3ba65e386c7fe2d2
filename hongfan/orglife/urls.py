from django.urls import path

from hongfan.orglife import doc_views, views

app_name = "orglife"
urlpatterns = [
    path("", views.meetings, name="meetings"),
    path("new/", views.meeting_new, name="meeting_new"),
    path("mine/", views.mine, name="mine"),
    path("branches/<int:pk>/lecturers/", views.lecturer_search, name="lecturer_search"),
    path("<int:pk>/", views.meeting_detail, name="meeting"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/close/", views.meeting_close, name="meeting_close"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("<int:pk>/files/", views.file_add, name="file_add"),
    path("files/<int:pk>/", views.file_get, name="file"),
    path("checkin/<int:pk>/<str:token>/", views.checkin, name="checkin"),
    path("branches/<int:pk>/calendar/", views.calendar, name="calendar"),
    path("branches/<int:pk>/appraisal/<int:year>/", views.appraisal, name="appraisal"),
    path("<int:pk>/docx/", doc_views.meeting_docx, name="meeting_docx"),
    path("branches/<int:pk>/yearbook/<int:year>/", doc_views.yearbook_docx, name="yearbook_docx"),
    path("matrix/", views.matrix, name="matrix"),
    path("city/", views.city, name="city"),
    path("requirements/", views.requirements, name="requirements"),
]
