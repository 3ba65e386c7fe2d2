from django.urls import path

from hongfan.org.api import views

urlpatterns = [
    path("org/people/", views.PersonListAPI.as_view(), name="api-people"),
    path("org/people/<id:pk>/", views.PersonDetailAPI.as_view(), name="api-person"),
    path("org/branches/", views.BranchListAPI.as_view(), name="api-branches"),
    path("org/development/", views.DevelopmentListAPI.as_view(), name="api-development"),
]
