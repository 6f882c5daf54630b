"""Non-admin URLs of the inspections app. Each area owns its own module: api/ (sync API, auth, schema),
app_urls (the PWA); photo files only through the checked view of inspections/media.py (no media folder is
mapped); printable QR labels for staff."""

from django.urls import include, path

from . import labels, media

urlpatterns = [
    path("photos/<uuid:uuid>/<str:variant>/", media.photo_file, name="photo-file"),
    path("staff/labels/<str:code>/", labels.compound_labels, name="staff-labels"),
    path("api/", include("inspections.api.urls")),
    path("", include("inspections.app_urls")),
]
