"""Non-admin URLs. Each area owns its own module:
api/ (sync API, auth, schema), public/ (published lists, no login), staff/ (desk pages), app_urls (the PWA);
photo files only through the checked view of inspections/media.py (no media folder is mapped)."""

from django.urls import include, path

from . import media

urlpatterns = [
    path("photos/<uuid:uuid>/<str:variant>/", media.photo_file, name="photo-file"),
    path("api/", include("inspections.api.urls")),
    path("public/", include("inspections.public.urls")),
    path("staff/", include("inspections.staff.urls")),
    path("", include("inspections.app_urls")),
]
