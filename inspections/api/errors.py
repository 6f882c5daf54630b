"""Every API error is JSON: {"error": {"code": "...", "message": "...", "fields": {...}}} (SYNC.md rule 7)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import is_valid_path
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..errors import (
    DomainError,
    PhotoRefused,
    PhotoTooLarge,
    ReasonRequired,
    RecordConflict,
    RecordInvalid,
    RecordNotFound,
    RecordOutOfScope,
)


class ApiError(exceptions.APIException):
    """An error of the HTTP layer itself (a path that is no UUID, an oversized body, a login lockout), with a
    stable machine code, a human message and optional field errors. The services' refusals are DomainErrors."""

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


def too_large() -> ApiError:
    return ApiError(status_code=413, code="too_large", message=_("请求内容太大。"))


# Each refusal of the services (inspections/errors.py), by meaning, and the status the API answers it with; the
# most specific class wins (PhotoTooLarge before PhotoRefused).
DOMAIN_STATUS: dict[type[DomainError], int] = {
    RecordInvalid: 400,
    PhotoRefused: 400,
    ReasonRequired: 400,
    RecordOutOfScope: 403,
    RecordNotFound: 404,
    RecordConflict: 409,
    PhotoTooLarge: 413,
}


def status_of(error: DomainError) -> int:
    return next(DOMAIN_STATUS[cls] for cls in type(error).__mro__ if cls in DOMAIN_STATUS)


def error_body(code: str, message: str, fields: dict | None = None, **extra: Any) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}, **extra}}


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(value) for value in detail]
    return str(detail)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every error a view raises, in the one JSON shape."""
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.message, exc.fields, **exc.extra), status=status_of(exc))
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        # Django's own limits, met when a view first reads request.data or request.FILES.
        exc = too_large()
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


# Errors raised outside DRF's views (no such URL, a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a crash) reach
# Django's handlers; under /api/ they answer in the same JSON shape, elsewhere as Django's own pages.
API_PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def json_error(status_code: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status_code, json_dumps_params={"ensure_ascii": False})


def error_for_status(status_code: int) -> JsonResponse:
    """The JSON answer for an error that came without one (a handler, a middleware, DEBUG's pages)."""
    code, message = {
        400: ("bad_request", _("请求无法处理。")),
        403: ("forbidden", _("没有权限执行此操作。")),
        404: ("not_found", _("没有这个接口地址。")),
        405: ("method_not_allowed", _("此接口不支持这个请求方法。")),
        413: ("too_large", _("请求内容太大。")),
    }.get(status_code, ("error" if status_code < 500 else "server_error", _("服务器出错了，请稍后再试。")))
    return json_error(status_code, code, message)


def missing_slash_error(request: HttpRequest) -> JsonResponse | None:
    """A JSON 404 naming the right address when only the trailing slash is missing (instead of a redirect
    that would drop a PUT's body), or None when the path is fine or wrong in another way."""
    path = request.path_info
    if path.endswith("/") or is_valid_path(path) or not is_valid_path(f"{path}/"):
        return None
    message = _("接口地址要以 / 结尾：%(path)s/") % {"path": request.path}
    return json_error(404, "missing_trailing_slash", message)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return missing_slash_error(request) or error_for_status(404)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return error_for_status(413 if isinstance(exception, RequestDataTooBig) else 400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return error_for_status(403)
    return defaults.permission_denied(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return error_for_status(500)
    return defaults.server_error(request)
