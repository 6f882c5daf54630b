"""The API, mounted at /api/: sync endpoints under v1/, the OpenAPI schema under schema/.

UUIDs in paths are taken as strings and checked by the views, so that a malformed one gets the API's
JSON 404 rather than Django's HTML page."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import views
from .auth import LogoutView, MeView, RefreshView, RevokeView, TokenView
from .compression import compressed_when_asked

urlpatterns = [
    path("v1/pack/", views.PackView.as_view(), name="api-pack"),
    path("v1/inspections/", views.InspectionListView.as_view(), name="api-inspections"),
    path("v1/inspections/<str:uuid>/", views.InspectionView.as_view(), name="api-inspection"),
    path(
        "v1/inspections/<str:uuid>/photos/<str:photo_uuid>",
        views.PhotoUploadView.as_view(),
        name="api-inspection-photo",
    ),
    path("v1/photos/<str:uuid>/original", views.PhotoOriginalView.as_view(), name="api-photo-original"),
    path("schema/", compressed_when_asked(SpectacularAPIView.as_view(permission_classes=[])), name="api-schema"),
    path("schema/docs/", views.SchemaDocsView.as_view(), name="api-schema-docs"),
]

# Phone logins (SYNC.md rule 9): inspections/api/auth.py
urlpatterns += [
    path("v1/auth/token/", TokenView.as_view(), name="api-auth-token"),
    path("v1/auth/refresh/", RefreshView.as_view(), name="api-auth-refresh"),
    path("v1/auth/logout/", LogoutView.as_view(), name="api-auth-logout"),
    path("v1/auth/revoke/", RevokeView.as_view(), name="api-auth-revoke"),
    path("v1/me/", MeView.as_view(), name="api-me"),
]
