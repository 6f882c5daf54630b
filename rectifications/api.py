"""The phone's case API (docs/rectifications.md "From a phone"): the responsible party's answers and the
inspectors' re-checks, each idempotent by the client's UUID, and their photos through the inspections' pipeline.
The work is in services_phone.py; the error shape and statuses are the sync API's (inspections/api/errors.py)."""

from __future__ import annotations

import uuid as uuid_lib

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from inspections.api.errors import ApiError
from inspections.api.parsers import BoundedJSONParser
from inspections.api.serializers import ErrorSerializer, LocationSerializer
from inspections.models import Inspection
from inspections.services.sync import photo_too_large

from .models import CaseEvent, CasePhoto
from .pack import case_document, overdue_now, pack_cases
from .services_phone import answer_receive, case_photo_receive, recheck_receive

NOTE_MAX = 1000
PHOTOS_MAX = 3

_ERROR_TEXT = {
    400: "invalid: field errors keyed like `photos.0.sha256`, nothing stored; or malformed JSON; or a bad photo",
    401: "not authenticated, or the access token expired: refresh and retry",
    404: "no such case for this user (another party's, or covert and not released), or the step not received yet",
    406: "Accept header not satisfiable",
    409: "the UUID holds a different body (`fingerprint` of the stored one), or belongs to someone else; or the "
         "case's state does not allow the step (`illegal_transition`)",
    413: "body or photo too large",
    415: "unsupported content type",
}


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: OpenApiResponse(ErrorSerializer, description=_ERROR_TEXT[code]) for code in (401, 406, *codes)}


CASE_PATH = [OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH),
             OpenApiParameter("uuid", OpenApiTypes.UUID, OpenApiParameter.PATH)]
PHOTO_PATH = [*CASE_PATH, OpenApiParameter("photo_uuid", OpenApiTypes.UUID, OpenApiParameter.PATH)]


def _uuid(text: str) -> uuid_lib.UUID:
    try:
        return uuid_lib.UUID(text)
    except ValueError:
        raise ApiError(status_code=404, code="not_found", message=_("没有这个编号。")) from None


def _case_id(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise ApiError(status_code=404, code="case_not_found", message=_("没有这个整改案件。"))
    return int(text)


# --- documents ---------------------------------------------------------------------------------------------


class PhotoDeclaredSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    sha256 = serializers.RegexField(r"^[0-9a-f]{64}\Z", max_length=64)
    bytes = serializers.IntegerField(min_value=1)

    def validate_bytes(self, value: int) -> int:
        if value > settings.PHOTO_MAX_BYTES:
            raise serializers.ValidationError(
                _("照片过大：最大 %(mb)d MB。") % {"mb": settings.PHOTO_MAX_BYTES // (1024 * 1024)})
        return value


def _photos_field() -> serializers.ListField:
    return serializers.ListField(child=PhotoDeclaredSerializer(), max_length=PHOTOS_MAX, required=False,
                                 default=list)


def _distinct_photos(photos: list[dict]) -> list[dict]:
    if len({p["uuid"] for p in photos}) != len(photos):
        raise serializers.ValidationError({"photos": [_("照片编号重复。")]})
    return photos


class CaseAnswerInSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=NOTE_MAX, help_text=gettext_lazy("整改情况说明"))
    photos = _photos_field()

    def validate(self, attrs: dict) -> dict:
        _distinct_photos(attrs["photos"])
        return attrs


class RecheckInSerializer(serializers.Serializer):
    # A case is one place and one checklist item, so "fixed" is the verdict on that item.
    fixed = serializers.BooleanField()
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, default="")
    location = LocationSerializer(required=False, allow_null=True, default=None)
    photos = _photos_field()

    def validate(self, attrs: dict) -> dict:
        _distinct_photos(attrs["photos"])
        return attrs


class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    place = serializers.CharField()
    place_name = serializers.CharField()
    items = serializers.ListField(child=inline_serializer("CaseItem", {
        "code": serializers.CharField(), "label": serializers.CharField()}))
    severity = serializers.ChoiceField(choices=["normal", "serious"])
    deadline = serializers.DateField()
    state = serializers.CharField()
    overdue = serializers.BooleanField()
    opened_at = serializers.DateTimeField()
    evidence = serializers.ListField(child=serializers.URLField(),
                                     help_text="reviewed, metadata-free photo URLs (none yet: no review flag)")


class StepStatusSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    kind = serializers.CharField()
    status = serializers.ChoiceField(choices=Inspection.Status.choices)  # the same two states as an inspection's
    missing_photos = serializers.ListField(child=serializers.UUIDField())
    received_at = serializers.DateTimeField()
    case = CaseSerializer()


def step_status(event: CaseEvent) -> dict:
    case = event.case
    missing = [str(u) for u in CasePhoto.objects.filter(event=event, received_at__isnull=True)
               .order_by("pk").values_list("uuid", flat=True)]
    return {
        "uuid": str(event.client_uuid),
        "kind": event.kind,
        "status": "awaiting_photos" if missing else "complete",
        "missing_photos": missing,
        "received_at": timezone.localtime(event.at).isoformat(),
        "case": case_document(case, overdue=overdue_now([case])[case.pk]),
    }


# --- views -------------------------------------------------------------------------------------------------


class CaseListView(APIView):
    @extend_schema(
        operation_id="rectifications_list",
        summary="The cases the user acts on: to answer (responsible party) and due for re-check (inspectors)",
        responses={200: inline_serializer("CaseLists", {"cases": CaseSerializer(many=True),
                                                        "rechecks": CaseSerializer(many=True)}), **_errors()},
    )
    def get(self, request: Request) -> Response:
        return Response(pack_cases(request.user))


def _validated(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class AnswerView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        operation_id="rectification_answer_put",
        parameters=CASE_PATH,
        summary="The responsible party answers a case: a note and declared after-photos (idempotent by UUID)",
        request=CaseAnswerInSerializer,
        responses={200: OpenApiResponse(StepStatusSerializer, description="replay: the stored state, no write"),
                   201: StepStatusSerializer, **_errors(400, 404, 409, 413, 415)},
    )
    def put(self, request: Request, id: str, uuid: str) -> Response:  # noqa: A002 - the path's name
        case_id, client_uuid = _case_id(id), _uuid(uuid)
        data = _validated(CaseAnswerInSerializer, request)
        received = answer_receive(user=request.user, case_id=case_id, client_uuid=client_uuid, body=request.data,
                                  note=data["note"], photos=data["photos"])
        return Response(step_status(received.event), status=201 if received.created else 200)


class RecheckView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        operation_id="rectification_recheck_put",
        parameters=CASE_PATH,
        summary="An inspector re-checks a case on site: fixed closes it, not fixed re-opens or escalates it "
                "(idempotent by UUID)",
        request=RecheckInSerializer,
        responses={200: OpenApiResponse(StepStatusSerializer, description="replay: the stored state, no write"),
                   201: StepStatusSerializer, **_errors(400, 404, 409, 413, 415)},
    )
    def put(self, request: Request, id: str, uuid: str) -> Response:  # noqa: A002 - the path's name
        case_id, client_uuid = _case_id(id), _uuid(uuid)
        data = _validated(RecheckInSerializer, request)
        location = data["location"]
        if location and location.get("captured_at"):
            location = {**location, "captured_at": location["captured_at"].isoformat()}
        received = recheck_receive(user=request.user, case_id=case_id, client_uuid=client_uuid, body=request.data,
                                   fixed=data["fixed"], note=data["note"], location=location, photos=data["photos"])
        return Response(step_status(received.event), status=201 if received.created else 200)


class StepPhotoView(APIView):
    """PUT the bytes of a photo declared with an answer or a re-check (`step` from the URL configuration)."""

    parser_classes = [MultiPartParser]
    step = "answer"

    def put(self, request: Request, id: str, uuid: str, photo_uuid: str) -> Response:  # noqa: A002
        case_id, client_uuid, photo_key = _case_id(id), _uuid(uuid), _uuid(photo_uuid)
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.PHOTO_MAX_BYTES + 64 * 1024:
            raise photo_too_large()
        upload = request.FILES.get("file")
        if upload is None:
            raise ApiError(status_code=400, code="invalid", message=_("缺少照片文件。"),
                           fields={"file": [_("缺少照片文件。")]})
        if upload.size > settings.PHOTO_MAX_BYTES:
            raise photo_too_large()
        received = case_photo_receive(user=request.user, case_id=case_id, step=self.step, client_uuid=client_uuid,
                                      photo_uuid=photo_key, data=upload.read())
        body = {"uuid": str(received.photo.uuid), "step": step_status(received.photo.event)}
        return Response(body, status=201 if received.created else 200)


_PHOTO_SCHEMA = {
    "parameters": PHOTO_PATH,
    "request": {"multipart/form-data": inline_serializer("CasePhotoUpload", {"file": serializers.FileField()})},
    "responses": {
        200: OpenApiResponse(inline_serializer("CasePhotoStatus", {"uuid": serializers.UUIDField(),
                                                                   "step": StepStatusSerializer()}),
                             description="same bytes again: no write"),
        201: OpenApiResponse(inline_serializer("CasePhotoStatusNew", {"uuid": serializers.UUIDField(),
                                                                      "step": StepStatusSerializer()})),
        **_errors(400, 404, 409, 413, 415),
    },
}


class AnswerPhotoView(StepPhotoView):
    step = "answer"

    @extend_schema(operation_id="rectification_answer_photo_put", summary="Upload an after-photo of an answer "
                   "(idempotent by UUID and SHA-256; the inspections' photo pipeline)", **_PHOTO_SCHEMA)
    def put(self, request: Request, id: str, uuid: str, photo_uuid: str) -> Response:  # noqa: A002
        return super().put(request, id, uuid, photo_uuid)


class RecheckPhotoView(StepPhotoView):
    step = "recheck"

    @extend_schema(operation_id="rectification_recheck_photo_put", summary="Upload a photo of a re-check "
                   "(idempotent by UUID and SHA-256; the inspections' photo pipeline)", **_PHOTO_SCHEMA)
    def put(self, request: Request, id: str, uuid: str, photo_uuid: str) -> Response:  # noqa: A002
        return super().put(request, id, uuid, photo_uuid)

