from django.urls import path

from hongfan.org import roster_views, structure_views, views

app_name = "org"
urlpatterns = [
    path("hospitals/", views.hospitals, name="hospitals"),
    path("hospitals/<int:pk>/", views.hospital, name="hospital"),
    path("branches/<int:pk>/", views.branch, name="branch"),
    path("hospitals/<int:pk>/structure/", structure_views.structure, name="structure"),
    path("departments/<int:pk>/edit/", structure_views.department_edit, name="department_edit"),
    path("branches/new/", structure_views.branch_new, name="branch_new"),
    path("branches/<int:pk>/edit/", structure_views.branch_edit, name="branch_edit"),
    path("branches/<int:pk>/committee/", structure_views.committee_elect, name="committee_elect"),
    path("branches/<int:pk>/groups/new/", structure_views.group_new, name="group_new"),
    path("groups/<int:pk>/edit/", structure_views.group_edit, name="group_edit"),
    path("rules/", structure_views.rules, name="rules"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_new, name="person_new"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/transfer/", views.person_transfer, name="person_transfer"),
    path("people/<int:pk>/leave/", views.person_leave, name="person_leave"),
    path("people/<int:pk>/reveal/<str:field>/", views.person_reveal, name="person_reveal"),
    path("development/", views.development_board, name="development"),
    path("development/new/", views.development_new, name="development_new"),
    path("development/<int:pk>/", views.development_edit, name="development_edit"),
    path("development/<int:pk>/stop/", views.development_stop, name="development_stop"),
    path("cultivation/", views.cultivation, name="cultivation"),
    path("roster/import/", roster_views.roster_import, name="roster_import"),
    path("roster/template/", roster_views.roster_template, name="roster_template"),
    path("roster/export/", roster_views.roster_export, name="roster_export"),
    path("cultivation/<int:pk>/close/", views.cultivation_close, name="cultivation_close"),
]
