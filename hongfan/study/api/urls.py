from django.urls import path

from hongfan.study.api import views

urlpatterns = [
    path("study/items/", views.MyItemsAPI.as_view(), name="api-study-items"),
    path("study/log/", views.MyLogAPI.as_view(), name="api-study-log"),
    path("study/exams/", views.MyExamsAPI.as_view(), name="api-study-exams"),
    path("study/exams/<id:pk>/start/", views.ExamStartAPI.as_view(), name="api-study-exam-start"),
    path(
        "study/attempts/<id:pk>/answer/",
        views.AttemptAnswerAPI.as_view(),
        name="api-study-attempt-answer",
    ),
    path(
        "study/attempts/<id:pk>/submit/",
        views.AttemptSubmitAPI.as_view(),
        name="api-study-attempt-submit",
    ),
]
