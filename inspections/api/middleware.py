"""Every answer under /api/ is JSON, whatever produced it.

DRF's views already answer errors as JSON (errors.py). What is left are answers made before or around a view:
CommonMiddleware's trailing-slash redirect (which loses a PUT's body, and is a 500 under DEBUG), and
Django's HTML pages for 404/400/403/500, which DEBUG replaces with its technical pages. This middleware sits
outside CommonMiddleware: it answers a slashless API address itself and turns any non-JSON error into the
API's error shape. Successful non-JSON answers (the schema, photo files) pass untouched."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .errors import error_for_status, is_api_request, missing_slash_error

JSON_TYPES = ("application/json", "application/problem+json")


class ApiErrorsAsJsonMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_api_request(request):
            return self.get_response(request)
        early = missing_slash_error(request)
        if early is not None:
            return early
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(JSON_TYPES):
            answer = error_for_status(response.status_code)
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    answer[header] = response[header]
            return answer
        return response
