"""GET /api/v1/checklists/ — every published version in full, for the phone's offline pack."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .selectors import published_etag, published_versions, version_document

# The error body is the project's one JSON error shape (settings.REST_FRAMEWORK's exception handler, in the
# inspections app, which this app does not import): an object here.
_ERRORS = {401: "not authenticated, or the access token expired", 406: "Accept header not satisfiable"}


def _matches(header: str, etag: str) -> bool:
    """If-None-Match: a list of tags or `*`; weak comparison, as RFC 9110 asks for this header."""
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag in tags


class ChecklistListApi(APIView):
    @extend_schema(
        operation_id="checklists",
        summary="Published checklist versions",
        responses={
            200: OpenApiTypes.OBJECT,
            304: OpenApiResponse(description="unchanged (If-None-Match)"),
            **{code: OpenApiResponse(OpenApiTypes.OBJECT, description=text) for code, text in _ERRORS.items()},
        },
    )
    def get(self, request: Request) -> Response:
        etag = published_etag()
        headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
        if _matches(request.headers.get("If-None-Match", ""), etag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers=headers)
        checklists = [version_document(version) for version in published_versions()]
        return Response({"checklists": checklists}, headers=headers)
