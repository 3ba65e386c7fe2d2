from django.urls import path

from hongfan.orglife.views import (
    appraisal,
    attendance,
    compliance,
    documents,
    leave,
    meetings,
    rules,
)

app_name = "orglife"
urlpatterns = [
    path("", meetings.meetings, name="meetings"),
    path("new/", meetings.meeting_new, name="meeting_new"),
    path("mine/", attendance.mine, name="mine"),
    path("branches/<int:pk>/lecturers/", meetings.lecturer_search, name="lecturer_search"),
    path("<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("<int:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("<int:pk>/attendance/", attendance.attendance, name="attendance"),
    path("<int:pk>/close/", meetings.meeting_close, name="meeting_close"),
    path("<int:pk>/leave/", leave.leave_new, name="leave_new"),
    path("leave/", leave.leave_list, name="leave_list"),
    path("leave/<int:pk>/answer/", leave.leave_answer, name="leave_answer"),
    path("<int:pk>/cancel/", meetings.meeting_cancel, name="meeting_cancel"),
    path("<int:pk>/files/", meetings.file_add, name="file_add"),
    path("files/<int:pk>/", meetings.file_get, name="file"),
    path("checkin/<int:pk>/<str:token>/", attendance.checkin, name="checkin"),
    path("branches/<int:pk>/calendar/", compliance.calendar, name="calendar"),
    path("branches/<int:pk>/appraisal/<int:year>/", appraisal.appraisal, name="appraisal"),
    path("appraisal/<int:pk>/vote/", appraisal.appraisal_vote, name="appraisal_vote"),
    path("appraisal/<int:pk>/tally/", appraisal.appraisal_tally, name="appraisal_tally"),
    path("<int:pk>/docx/", documents.meeting_docx, name="meeting_docx"),
    path("branches/<int:pk>/yearbook/<int:year>/", documents.yearbook_docx, name="yearbook_docx"),
    path("matrix/", compliance.matrix, name="matrix"),
    path("city/", compliance.city, name="city"),
    path("requirements/", rules.requirements, name="requirements"),
]
