"""Non-admin URLs. Each area owns its own module:
api/ (sync API, auth, schema), public/ (published lists, no login), staff/ (desk pages), app_urls (the PWA)."""

from django.urls import include, path

urlpatterns = [
    path("api/", include("inspections.api.urls")),
    path("public/", include("inspections.public.urls")),
    path("staff/", include("inspections.staff.urls")),
    path("", include("inspections.app_urls")),
]
