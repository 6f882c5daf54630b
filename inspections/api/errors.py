"""Every API error is JSON: {"error": {"code": "...", "message": "...", "fields": {...}}} (SYNC.md rule 7)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class ApiError(exceptions.APIException):
    """An error with a stable machine code, a human message and optional field errors."""

    def __init__(self, *, status_code: int, code: str, message: str, fields: dict | None = None, **extra: Any):
        self.status_code = status_code
        self.error_code = code
        self.message = message
        self.fields = fields or {}
        self.extra = extra
        super().__init__(detail=message, code=code)


_CODES = {
    exceptions.ParseError: "malformed",
    exceptions.AuthenticationFailed: "not_authenticated",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.PermissionDenied: "forbidden",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    exceptions.ValidationError: "invalid",
}


def error_body(code: str, message: str, fields: dict | None = None, **extra: Any) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}, **extra}}


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(value) for value in detail]
    return str(detail)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, ApiError):
        retry = exc.extra.get("retry_after")
        headers = {"Retry-After": str(retry)} if retry is not None else None
        return Response(
            error_body(exc.error_code, exc.message, exc.fields, **exc.extra), status=exc.status_code, headers=headers
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = next((c for cls, c in _CODES.items() if isinstance(exc, cls)), "error")
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail) if isinstance(exc.detail, dict) else {"non_field_errors": _flatten(exc.detail)}
        message = _("提交的数据有误，请检查标出的字段。")
    else:
        fields = {}
        detail = getattr(exc, "detail", "")
        message = str(detail.get("detail", detail)) if isinstance(detail, dict) else str(detail)
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        # Keep the reason machine-readable (e.g. token_not_valid): simplejwt puts it under "code",
        # our own AuthenticationFailed carries it as the exception's code.
        detail = getattr(exc, "detail", None)
        codes = detail.get("code") if isinstance(detail, dict) else exc.get_codes()
        code = str(codes) if isinstance(codes, str) else code
        if code == "token_not_valid":
            message = _("登录已过期或已失效，请重新登录。")
    response.data = error_body(code, message, fields)
    return response
