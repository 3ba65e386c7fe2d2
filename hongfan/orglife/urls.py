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
    path("branches/<id:pk>/lecturers/", meetings.lecturer_search, name="lecturer_search"),
    path("<id:pk>/", meetings.meeting_detail, name="meeting"),
    path("<id:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("<id:pk>/attendance/", attendance.attendance, name="attendance"),
    path("<id:pk>/close/", meetings.meeting_close, name="meeting_close"),
    path("<id:pk>/leave/", leave.leave_new, name="leave_new"),
    path("leave/", leave.leave_list, name="leave_list"),
    path("leave/<id:pk>/answer/", leave.leave_answer, name="leave_answer"),
    path("<id:pk>/cancel/", meetings.meeting_cancel, name="meeting_cancel"),
    path("<id:pk>/files/", meetings.file_add, name="file_add"),
    path("files/<id:pk>/", meetings.file_get, name="file"),
    path("checkin/<id:pk>/<str:token>/", attendance.checkin, name="checkin"),
    path("branches/<id:pk>/calendar/", compliance.calendar, name="calendar"),
    path("branches/<id:pk>/appraisal/<int:year>/", appraisal.appraisal, name="appraisal"),
    path("appraisal/<id:pk>/vote/", appraisal.appraisal_vote, name="appraisal_vote"),
    path("appraisal/<id:pk>/tally/", appraisal.appraisal_tally, name="appraisal_tally"),
    path("<id:pk>/docx/", documents.meeting_docx, name="meeting_docx"),
    path("branches/<id:pk>/yearbook/<int:year>/", documents.yearbook_docx, name="yearbook_docx"),
    path("matrix/", compliance.matrix, name="matrix"),
    path("city/", compliance.city, name="city"),
    path("requirements/", rules.requirements, name="requirements"),
]
