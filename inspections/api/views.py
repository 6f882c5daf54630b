"""The sync API (SYNC.md): one small view per operation; the work is in services and selectors."""

from __future__ import annotations

import hashlib
import json
import uuid as uuid_lib

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers as drf_serializers
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..media import file_response
from ..selectors.inspections import (
    inspection_for_status,
    inspection_history,
    inspection_status,
    pack_for,
)
from ..selectors.photos import photo_for_staff
from ..services.sync import inspection_receive, photo_receive, photo_too_large
from . import serializers as s
from .compression import compressed_when_asked, etag_matches
from .errors import ApiError
from .parsers import BoundedJSONParser

_ERROR_TEXT = {
    400: "invalid: field errors keyed like `answers.3.value`, nothing stored; or malformed JSON",
    401: "not authenticated, or the access token expired: refresh and retry",
    403: "place outside the user's scope, or a regime the role may not run",
    404: "not found (or not yours)",
    406: "Accept header not satisfiable",
    409: "the UUID holds a different body (`fingerprint` of the stored one), or belongs to someone else",
    413: "body too large",
    415: "unsupported content type",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: OpenApiResponse(s.ErrorSerializer, description=_ERROR_TEXT[code]) for code in (401, 406, *codes)}


UUID_PATH = [OpenApiParameter("uuid", OpenApiTypes.UUID, OpenApiParameter.PATH)]
PHOTO_PATH = [*UUID_PATH, OpenApiParameter("photo_uuid", OpenApiTypes.UUID, OpenApiParameter.PATH)]


def _uuid(text: str) -> uuid_lib.UUID:
    try:
        return uuid_lib.UUID(text)
    except ValueError:
        raise ApiError(status_code=404, code="not_found", message=_("没有这个编号。")) from None


def _device_date(request: Request) -> str | None:
    # Browsers may not set Date on fetch(): the PWA sends the same value as X-Device-Date. Read from META, not
    # request.headers, which copies every header into a new mapping first.
    return request.META.get("HTTP_DATE") or request.META.get("HTTP_X_DEVICE_DATE")


@compressed_when_asked
class PackView(APIView):
    @extend_schema(
        operation_id="pack",
        summary="Offline pack: user, places in scope, published checklists, assignments, policy, server time",
        responses={200: s.PackSerializer, 304: OpenApiResponse(description="unchanged (If-None-Match)"), **errors()},
    )
    def get(self, request: Request) -> Response:
        pack = pack_for(request.user)
        # The tag covers the content, not server_time: an unchanged pack answers 304 however often asked.
        digest = hashlib.sha256(json.dumps(pack, sort_keys=True, default=str).encode()).hexdigest()
        # Weak: equal tags mean the same content, not the same bytes (server_time, and gzip when asked).
        etag = f'W/"{digest[:32]}"'
        # Private (it is this user's scope) and always revalidated: the phone keeps its copy and asks again.
        headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
        if etag_matches(etag, request.headers.get("If-None-Match")):
            return Response(status=304, headers=headers)
        return Response({"server_time": timezone.localtime().isoformat(), **pack}, headers=headers)


class InspectionPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


@compressed_when_asked
class InspectionListView(ListAPIView):
    serializer_class = s.InspectionListItemSerializer
    pagination_class = InspectionPagination

    @extend_schema(
        operation_id="inspections_list",
        summary="Recent inspections the user may see (the PWA's history; all visible ones for street staff)",
        parameters=[OpenApiParameter("mine", bool, description="only the user's own uploads")],
        responses={200: s.InspectionListItemSerializer(many=True), **errors(404)},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    def get_queryset(self):  # noqa: ANN201 - DRF hook
        mine = self.request.query_params.get("mine", "").lower() in ("1", "true", "yes")
        return inspection_history(self.request.user, mine=mine)


class InspectionView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        operation_id="inspection_put",
        parameters=UUID_PATH,
        summary="Submit an inspection (idempotent by UUID)",
        request=s.InspectionInSerializer,
        responses={
            200: OpenApiResponse(s.InspectionStatusSerializer, description="replay: the stored result, no write"),
            201: s.InspectionStatusSerializer,
            **errors(400, 403, 404, 409, 413, 415),
        },
    )
    def put(self, request: Request, uuid: str) -> Response:
        received = inspection_receive(
            user=request.user, uuid=_uuid(uuid), body=request.data, device_date=_device_date(request)
        )
        return Response(
            inspection_status(received.inspection, missing_photos=received.missing_photos),
            status=201 if received.created else 200,
        )

    @extend_schema(
        operation_id="inspection_status",
        parameters=UUID_PATH,
        summary="The server's view of an inspection (uploader and street staff)",
        responses={200: s.InspectionStatusSerializer, **errors(404)},
    )
    def get(self, request: Request, uuid: str) -> Response:
        inspection = inspection_for_status(request.user, _uuid(uuid))
        if inspection is None:
            raise ApiError(status_code=404, code="not_found", message=_("没有这条检查记录。"))
        return Response(inspection_status(inspection))


class PhotoUploadView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="inspection_photo_put",
        parameters=PHOTO_PATH,
        summary="Upload a photo declared in the inspection's manifest (idempotent by UUID and SHA-256)",
        request={
            "multipart/form-data": inline_serializer("PhotoUpload", {"file": drf_serializers.FileField()}),
        },
        responses={
            200: OpenApiResponse(s.PhotoStatusSerializer, description="same bytes again: no write"),
            201: s.PhotoStatusSerializer,
            **errors(400, 404, 409, 413, 415),
        },
    )
    def put(self, request: Request, uuid: str, photo_uuid: str) -> Response:
        inspection_uuid, photo_key = _uuid(uuid), _uuid(photo_uuid)
        # Refuse an oversized upload before reading it (multipart overhead allowed for).
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.PHOTO_MAX_BYTES + 64 * 1024:
            raise photo_too_large()
        upload = request.FILES.get("file")
        if upload is None:
            raise ApiError(
                status_code=400, code="invalid", message=_("缺少照片文件。"), fields={"file": [_("缺少照片文件。")]}
            )
        if upload.size > settings.PHOTO_MAX_BYTES:
            raise photo_too_large()
        received = photo_receive(
            user=request.user, inspection_uuid=inspection_uuid, photo_uuid=photo_key, data=upload.read()
        )
        body = {"uuid": str(received.photo.uuid), "inspection": inspection_status(received.inspection)}
        return Response(body, status=201 if received.created else 200)


class PhotoOriginalView(APIView):
    @extend_schema(
        operation_id="photo_original",
        parameters=UUID_PATH,
        summary="The original photo as received (street staff only; never a public URL)",
        responses={(200, "image/*"): OpenApiResponse(description="the original bytes"), **errors(404)},
    )
    def get(self, request: Request, uuid: str) -> HttpResponse:
        # The same rule and the same sending as /photos/<uuid>/original/ (inspections/media.py).
        photo = photo_for_staff(request.user, _uuid(uuid))
        response = None if photo is None else file_response(photo, "original", public=False)
        if response is None:
            raise ApiError(status_code=404, code="not_found", message=_("没有这张照片。"))
        return response


class SchemaDocsView(APIView):
    """A plain page listing the operations and linking the schema: no CDN, nothing fetched at runtime."""

    permission_classes = [AllowAny]
    schema = None

    def get(self, request: HttpRequest) -> HttpResponse:
        schema = SchemaGenerator().get_schema(request=None, public=True)
        rows = format_html_join(
            "\n",
            "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            (
                (method.upper(), path, op.get("summary", ""), ", ".join(sorted(op["responses"])))
                for path, methods in schema["paths"].items()
                for method, op in methods.items()
            ),
        )
        page = format_html(
            "<!doctype html><html lang=\"zh-hans\"><meta charset=\"utf-8\"><title>{title}</title>"
            "<link rel=\"stylesheet\" href=\"{css}\"><h1>{title} {version}</h1><p>{description}</p>"
            "<p><a href=\"{schema_url}\">{schema_link}</a></p>"
            "<table><tr><th>{m}</th><th>{p}</th><th>{d}</th><th>{r}</th></tr>{rows}</table></html>",
            css=static("inspections/schema-docs.css"),  # a file, as the Content-Security-Policy allows no inline style
            title=schema["info"]["title"],
            version=schema["info"]["version"],
            description=schema["info"].get("description", ""),
            schema_url=reverse("api-schema"),
            schema_link=_("OpenAPI 架构（YAML，可导入 Swagger/Redoc 等工具）"),
            m=_("方法"),
            p=_("路径"),
            d=_("说明"),
            r=_("响应"),
            rows=rows,
        )
        return HttpResponse(page)
