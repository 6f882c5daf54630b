"""The API, mounted at /api/: sync endpoints under v1/, the OpenAPI schema under schema/."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import views

urlpatterns = [
    path("v1/pack/", views.PackView.as_view(), name="api-pack"),
    path("v1/inspections/", views.InspectionListView.as_view(), name="api-inspections"),
    path("v1/inspections/<uuid:uuid>/", views.InspectionView.as_view(), name="api-inspection"),
    path(
        "v1/inspections/<uuid:uuid>/photos/<uuid:photo_uuid>",
        views.PhotoUploadView.as_view(),
        name="api-inspection-photo",
    ),
    path("v1/photos/<uuid:uuid>/original", views.PhotoOriginalView.as_view(), name="api-photo-original"),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[]), name="api-schema"),
    path("schema/docs/", views.SchemaDocsView.as_view(), name="api-schema-docs"),
]
