from django.urls import path

from hongfan.study.views import exams, hours, items, logs, questions, rules, videos

app_name = "study"
urlpatterns = [
    path("", items.mine, name="mine"),
    path("items/", items.items, name="items"),
    path("items/new/", items.item_new, name="item_new"),
    path("items/<id:pk>/", items.item, name="item"),
    path("items/<id:pk>/read/", items.item_read, name="item_read"),
    path("items/<id:pk>/watch/", videos.item_watch, name="item_watch"),
    path("items/<id:pk>/document/", items.item_document, name="item_document"),
    path("items/<id:pk>/log/", logs.log_new, name="log_new"),
    path("items/<id:pk>/withdraw/", items.item_withdraw, name="item_withdraw"),
    path("review/", logs.review, name="review"),
    path("log/<id:pk>/decide/", logs.log_decide, name="log_decide"),
    path("hours/", hours.hours, name="hours"),
    path("hours/export/", hours.hours_export, name="hours_export"),
    path("board/", hours.board, name="board"),
    path("rules/", rules.rules, name="rules"),
    path("questions/", questions.questions, name="questions"),
    path("questions/import/", questions.question_import_view, name="question_import"),
    path("questions/template/", questions.question_template, name="question_template"),
    path("exams/", exams.exam_list, name="exams"),
    path("exams/new/", exams.exam_new, name="exam_new"),
    path("exams/<id:pk>/", exams.exam_detail, name="exam"),
    path("exams/<id:pk>/start/", exams.exam_start, name="exam_start"),
    path("exams/<id:pk>/stats/", exams.exam_stats, name="exam_stats"),
    path("attempts/<id:pk>/", exams.attempt_detail, name="attempt"),
    path("attempts/<id:pk>/answer/", exams.attempt_answer, name="attempt_answer"),
    path("attempts/<id:pk>/submit/", exams.attempt_submit, name="attempt_submit"),
]
