"""Checklist API, mounted under /api/v1/."""

from django.urls import path

from .apis import ChecklistListApi

app_name = "checklists"

urlpatterns = [
    path("checklists/", ChecklistListApi.as_view(), name="list"),
]
