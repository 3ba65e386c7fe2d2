from django.urls import path

from hongfan.org.views import cultivation, development, hospitals, people, roster, structure

app_name = "org"
urlpatterns = [
    path("hospitals/", hospitals.hospitals, name="hospitals"),
    path("hospitals/<id:pk>/", hospitals.hospital, name="hospital"),
    path("branches/<id:pk>/", hospitals.branch, name="branch"),
    path("hospitals/<id:pk>/structure/", structure.structure, name="structure"),
    path("departments/<id:pk>/edit/", structure.department_edit, name="department_edit"),
    path("branches/new/", structure.branch_new, name="branch_new"),
    path("branches/<id:pk>/edit/", structure.branch_edit, name="branch_edit"),
    path("branches/<id:pk>/committee/", structure.committee_elect, name="committee_elect"),
    path("branches/<id:pk>/groups/new/", structure.group_new, name="group_new"),
    path("groups/<id:pk>/edit/", structure.group_edit, name="group_edit"),
    path("rules/", structure.rules, name="rules"),
    path("people/", people.people, name="people"),
    path("people/new/", people.person_new, name="person_new"),
    path("people/<id:pk>/", people.person, name="person"),
    path("people/<id:pk>/edit/", people.person_edit, name="person_edit"),
    path("people/<id:pk>/transfer/", people.person_transfer, name="person_transfer"),
    path("people/<id:pk>/leave/", people.person_leave, name="person_leave"),
    path("people/<id:pk>/reveal/<str:field>/", people.person_reveal, name="person_reveal"),
    path("development/", development.development_board, name="development"),
    path("development/new/", development.development_new, name="development_new"),
    path("development/rules/", development.development_rules, name="development_rules"),
    path("development/applicants/", development.applicant_search, name="applicant_search"),
    path("development/<id:pk>/", development.development_edit, name="development_edit"),
    path("development/<id:pk>/stop/", development.development_stop, name="development_stop"),
    path(
        "development/<id:pk>/steps/<slug:kind>/",
        development.development_step,
        name="development_step",
    ),
    path(
        "development/<id:pk>/introducers/",
        development.development_introducers,
        name="development_introducers",
    ),
    path("development/<id:pk>/extend/", development.development_extend, name="development_extend"),
    path(
        "development/<id:pk>/introducers/search/",
        development.introducer_search,
        name="introducer_search",
    ),
    path(
        "development/<id:pk>/papers/<slug:paper>/",
        development.development_paper,
        name="development_paper",
    ),
    path(
        "development/steps/<id:pk>/documents/",
        development.development_document_add,
        name="development_document_add",
    ),
    path(
        "development/documents/<id:pk>/",
        development.development_document,
        name="development_document",
    ),
    path("cultivation/", cultivation.cultivation, name="cultivation"),
    path("roster/import/", roster.roster_import, name="roster_import"),
    path("roster/import/marked/", roster.roster_import_marked, name="roster_import_marked"),
    path("roster/template/", roster.roster_template, name="roster_template"),
    path("roster/export/", roster.roster_export, name="roster_export"),
    path("roster/export/full/", roster.roster_export_full, name="roster_export_full"),
    path("cultivation/<id:pk>/close/", cultivation.cultivation_close, name="cultivation_close"),
]
