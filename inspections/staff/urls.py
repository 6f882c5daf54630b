"""Desk pages for street staff (session login)."""

from django.urls import path

from . import labels

urlpatterns = [
    path("labels/<str:code>/", labels.compound_labels, name="staff-labels"),
]
