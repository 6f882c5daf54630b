"""Shapes of the sync API documents (SYNC.md "The documents"), for the OpenAPI schema and for output.

An incoming inspection is validated by one validator, `inspections.services.inspection_document` (field errors
keyed like `answers.3.value`, then checked against the checklist version): the `*In` serializers below only
describe it, with its own limits and defaults, and are never run. tests/inspections/test_document_contract.py
holds the two to each other: the same keys, the same required ones, the same limits, the same verdicts.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from checklists.models import PlaceKind, Regime

from ..models import Grade, Inspection, Role
from ..services import inspection_document as doc

FLAGS = ("no_fix", "poor_accuracy", "far_from_place", "mock_location", "clock_skew", "photo_refused", "out_of_scope")


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string"},
            {"type": "number"},
            {
                "type": "object",
                "properties": {"checked": {"type": "integer"}, "wrong": {"type": "integer"}},
                "required": ["checked", "wrong"],
            },
        ]
    }
)
class AnswerValueField(serializers.JSONField):
    pass


class LocationSerializer(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lng = serializers.FloatField(min_value=-180, max_value=180)
    accuracy = serializers.FloatField(min_value=0, required=False, allow_null=True, help_text="metres")
    captured_at = serializers.DateTimeField(required=False, allow_null=True)
    mock = serializers.BooleanField(required=False, allow_null=True, default=False)


class AnswerInSerializer(serializers.Serializer):
    item = serializers.CharField(min_length=1, max_length=doc.MAX_ITEM_CODE)
    value = AnswerValueField(help_text="check: pass|fail|na; deduct: int ≥ 0|na; percent: 0–100|{checked, wrong}|na")
    note = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=doc.MAX_TEXT)


class PhotoManifestSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    item = serializers.CharField(min_length=1, max_length=doc.MAX_ITEM_CODE)
    sha256 = serializers.RegexField(doc.SHA256_PATTERN)
    bytes = serializers.IntegerField(
        min_value=1, max_value=doc.MAX_DECLARED_BYTES,
        help_text="above PHOTO_MAX_BYTES the photo is refused on its own (refused_photos), not the inspection",
    )


class InspectionInSerializer(serializers.Serializer):
    checklist_version = serializers.IntegerField(
        min_value=1, max_value=doc.MAX_ID, help_text="the version's id from the pack"
    )
    place = serializers.CharField(
        min_length=1, max_length=doc.MAX_PLACE_CODE, help_text="the place's code from the pack"
    )
    regime = serializers.ChoiceField(choices=Regime.choices)
    device_id = serializers.CharField(
        max_length=doc.MAX_DEVICE_ID, required=False, allow_null=True, allow_blank=True, default=""
    )
    started_at = serializers.DateTimeField(required=False, allow_null=True)
    finished_at = serializers.DateTimeField()
    location = LocationSerializer(allow_null=True, required=False, help_text="null or left out: no fix")
    answers = serializers.ListField(
        child=AnswerInSerializer(), max_length=doc.MAX_ANSWERS, required=False, default=(),
        help_text="at most one answer per item; an item left out counts as na",
    )
    photos = serializers.ListField(
        child=PhotoManifestSerializer(), max_length=doc.MAX_PHOTOS, required=False, default=(),
        help_text="one entry per photo, each UUID once",
    )
    notes = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=doc.MAX_TEXT)


class RefusedPhotoSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    item = serializers.CharField()
    code = serializers.ChoiceField(choices=["too_large"])
    limit = serializers.IntegerField(help_text="PHOTO_MAX_BYTES")
    message = serializers.CharField()


class InspectionStatusSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    status = serializers.ChoiceField(choices=Inspection.Status.choices)
    missing_photos = serializers.ListField(child=serializers.UUIDField())
    refused_photos = RefusedPhotoSerializer(many=True, help_text="photos the server refused; never waited for")
    score = serializers.FloatField(allow_null=True)
    grade = serializers.ChoiceField(choices=Grade.choices, allow_null=True)
    vetoed = serializers.BooleanField()
    flags = serializers.ListField(child=serializers.ChoiceField(choices=FLAGS))
    received_at = serializers.DateTimeField()


class PhotoStatusSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    inspection = InspectionStatusSerializer()


class InspectionListItemSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    place = serializers.CharField(source="place.code")
    place_name = serializers.CharField(source="place.name")
    place_kind = serializers.ChoiceField(source="place.kind", choices=PlaceKind.choices)
    regime = serializers.ChoiceField(choices=Regime.choices)
    checklist_version = serializers.IntegerField(source="checklist_version_id")
    status = serializers.ChoiceField(choices=Inspection.Status.choices)
    score = serializers.FloatField(allow_null=True)
    grade = serializers.ChoiceField(choices=Grade.choices, allow_null=True)
    vetoed = serializers.BooleanField()
    voided = serializers.BooleanField()
    flags = serializers.ListField(child=serializers.CharField())
    inspected_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField()


class PackUserSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices, allow_null=True)
    regimes = serializers.ListField(child=serializers.ChoiceField(choices=Regime.choices))


class PackPlaceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=PlaceKind.choices)
    parent = serializers.CharField(allow_null=True)
    company = serializers.CharField(allow_null=True)
    lat = serializers.FloatField(allow_null=True)
    lng = serializers.FloatField(allow_null=True)
    radius_m = serializers.IntegerField()
    qr = serializers.CharField()


class PackItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    section = serializers.CharField(allow_blank=True)
    label = serializers.CharField()
    label_en = serializers.CharField(allow_blank=True)
    help = serializers.CharField(allow_blank=True)
    type = serializers.CharField()
    points = serializers.FloatField(allow_null=True)
    per_fault = serializers.FloatField(allow_null=True)
    target = serializers.FloatField(allow_null=True)
    per_percent = serializers.FloatField(allow_null=True)
    choices = serializers.ListField(child=serializers.CharField(), allow_null=True)
    photo = serializers.ChoiceField(choices=("always", "on_fail", "optional", "never"))
    veto = serializers.BooleanField()
    category = serializers.CharField(allow_blank=True)


class PackChecklistSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    place_kind = serializers.ChoiceField(choices=PlaceKind.choices)
    regime = serializers.ChoiceField(choices=Regime.choices)
    version = serializers.IntegerField()
    title = serializers.CharField()
    items = PackItemSerializer(many=True)


class PackAssignmentSerializer(serializers.Serializer):
    place = serializers.CharField()
    regime = serializers.ChoiceField(choices=Regime.choices)
    period = serializers.CharField(help_text="ISO week, e.g. 2026-W19")
    due_by = serializers.DateField()


class PackSerializer(serializers.Serializer):
    server_time = serializers.DateTimeField()
    user = PackUserSerializer()
    places = PackPlaceSerializer(many=True)
    checklists = PackChecklistSerializer(many=True)
    assignments = PackAssignmentSerializer(many=True)
    policy = serializers.DictField(child=serializers.JSONField())


@extend_schema_field(OpenApiTypes.OBJECT)
class FieldErrorsField(serializers.DictField):
    pass


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = FieldErrorsField(help_text="field → messages, keyed like answers.3.value")
    fingerprint = serializers.CharField(required=False, help_text="409 conflict: the stored body's fingerprint")
    retry_after = serializers.IntegerField(required=False, help_text="429 locked_out: seconds to wait (as Retry-After)")


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()
