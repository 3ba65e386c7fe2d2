"""Pages of this part of the points app (being built)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
