"""The PWA at the site root: the app shell, the worker, django-pwa's manifest, and QR label links."""

from django.urls import include, path

from inspections import app_views

urlpatterns = [
    path("", app_views.app_shell, name="app-shell"),
    path("q/<str:qr_token>", app_views.app_shell, name="app-qr"),
    # Before django-pwa's own route, which serves the worker file without its version.
    path("favicon.ico", app_views.favicon, name="favicon"),
    path("serviceworker.js", app_views.service_worker, name="app-serviceworker"),
    path("", include("pwa.urls")),
]
