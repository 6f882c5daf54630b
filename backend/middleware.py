"""Security headers Django 5.2 has no setting for: Content-Security-Policy and Permissions-Policy.

The policies themselves are settings (CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_API, PERMISSIONS_POLICY).
Pages get the full policy; API answers that are not pages (JSON, schema, photo files) get the API policy, which
allows nothing to load. The service worker script is a page-side answer on purpose: its CSP governs the
worker's own fetches."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        is_page = response.get("Content-Type", "").startswith("text/html")
        if request.path.startswith("/api/") and not is_page:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY_API)
        else:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
