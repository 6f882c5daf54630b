"""The public JSON API of published lists (read-only, no login), mounted at /api/v1/public/."""

from django.urls import path

from .api import PublicListsView, PublicListView

urlpatterns = [
    path("lists/", PublicListsView.as_view(), name="api-public-lists"),
    path("lists/<int:pk>/", PublicListView.as_view(), name="api-public-list"),
]
