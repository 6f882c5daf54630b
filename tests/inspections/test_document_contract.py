"""One input contract (issue 12, point 3): the OpenAPI schema of the inspection document (InspectionIn) says
what the validator (inspections/services/inspection_document.py) does: the same keys, the same required ones,
the same limits, and the same verdict on documents at every edge of the shape.

The schema describes the shape only; answers against the checklist version (an answer's value for its item's
type, each item once) are the validator's second step and beyond any static schema. String formats (date-time,
uuid) are not checked here: jsonschema ignores them unless asked, and the validator's parsers are its own."""

from __future__ import annotations

import copy
import uuid

import pytest
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator

from inspections.errors import RecordInvalid
from inspections.services import inspection_document as doc

VALID = {
    "checklist_version": 12,
    "place": "LF-PDS-01-BS03",
    "regime": "monthly_covert",
    "device_id": "b7f2",
    "started_at": "2026-05-10T09:12:03+08:00",
    "finished_at": "2026-05-10T09:20:41+08:00",
    "location": {"lat": 29.5912, "lng": 106.4621, "accuracy": 12.5, "captured_at": "2026-05-10T09:13:00+08:00",
                 "mock": False},
    "answers": [
        {"item": "BS01", "value": "pass"},
        {"item": "BS03", "value": 2, "note": "两个桶身有污渍"},
        {"item": "BS06", "value": {"checked": 12, "wrong": 2}},
    ],
    "photos": [{"uuid": str(uuid.uuid4()), "item": "BS06", "sha256": "9f86d0" + "0" * 58, "bytes": 183422}],
    "notes": "",
}
# Each level of the document: its path in VALID, the schema component, the validator's keys for it.
LEVELS = [
    ((), "InspectionIn", doc.DOCUMENT_KEYS),
    (("location",), "Location", doc.LOCATION_KEYS),
    (("answers", 1), "AnswerIn", doc.ANSWER_KEYS),
    (("photos", 0), "PhotoManifest", doc.PHOTO_KEYS),
]


def _json_schema(node):
    """OpenAPI 3.0's `nullable` as JSON Schema's null type, everything else as it is."""
    if isinstance(node, list):
        return [_json_schema(value) for value in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    return {"anyOf": [converted, {"type": "null"}]} if node.get("nullable") else converted


@pytest.fixture(scope="module")
def components() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]


@pytest.fixture(scope="module")
def schema_accepts(components):
    root = {"$ref": "#/components/schemas/InspectionIn", "components": {"schemas": _json_schema(components)}}
    validator = Draft202012Validator(root)
    return validator.is_valid


def validator_errors(body: dict) -> dict:
    try:
        doc.document_shape(body)
    except RecordInvalid as refused:
        assert refused.code == "invalid"
        return refused.fields
    return {}


def _at(body: dict, path: tuple):
    for step in path:
        body = body[step]
    return body


def test_the_documented_document_passes_both():
    assert validator_errors(VALID) == {}


def test_the_schema_has_the_validators_keys_and_limits(components):
    for _path, name, keys in LEVELS:
        assert set(components[name]["properties"]) == set(keys), name
    document = components["InspectionIn"]["properties"]
    assert document["answers"]["maxItems"] == doc.MAX_ANSWERS
    assert document["photos"]["maxItems"] == doc.MAX_PHOTOS
    assert document["answers"]["default"] == document["photos"]["default"] == []
    assert (document["place"]["minLength"], document["place"]["maxLength"]) == (1, doc.MAX_PLACE_CODE)
    assert document["device_id"]["maxLength"] == doc.MAX_DEVICE_ID and document["device_id"]["default"] == ""
    assert document["notes"]["maxLength"] == doc.MAX_TEXT
    assert (document["checklist_version"]["minimum"], document["checklist_version"]["maximum"]) == (1, doc.MAX_ID)
    answer, photo = components["AnswerIn"]["properties"], components["PhotoManifest"]["properties"]
    assert answer["note"]["maxLength"] == doc.MAX_TEXT
    assert answer["item"]["maxLength"] == photo["item"]["maxLength"] == doc.MAX_ITEM_CODE
    assert photo["sha256"]["pattern"] == doc.SHA256_PATTERN
    assert (photo["bytes"]["minimum"], photo["bytes"]["maximum"]) == (1, doc.MAX_DECLARED_BYTES)
    assert components["Location"]["properties"]["mock"]["default"] is False


@pytest.mark.parametrize(("path", "name", "keys"), LEVELS, ids=[level[1] for level in LEVELS])
def test_a_key_is_required_in_the_schema_exactly_when_the_validator_refuses_it_missing(
    components, schema_accepts, path, name, keys
):
    required = set(components[name].get("required", ()))
    for key in keys:
        body = copy.deepcopy(VALID)
        del _at(body, path)[key]
        field = ".".join(str(step) for step in (*path, key))
        assert (field in validator_errors(body)) == (key in required), field
        assert schema_accepts(body) == (key not in required), field


def _set(path: tuple, value):
    def change(body: dict) -> None:
        _at(body, path[:-1])[path[-1]] = value

    return change


def _answers(n: int):
    return _set(("answers",), [{"item": f"I{i}", "value": "na"} for i in range(n)])


def _photos(n: int):
    return _set(("photos",), [{**VALID["photos"][0], "uuid": str(uuid.uuid4())} for _ in range(n)])


# (what is changed, the change, whether both accept the result)
EDGES = [
    ("place at its limit", _set(("place",), "P" * doc.MAX_PLACE_CODE), True),
    ("place over its limit", _set(("place",), "P" * (doc.MAX_PLACE_CODE + 1)), False),
    ("place empty", _set(("place",), ""), False),
    ("place a number", _set(("place",), 7), False),
    ("version zero", _set(("checklist_version",), 0), False),
    ("version at its limit", _set(("checklist_version",), doc.MAX_ID), True),
    ("version over its limit", _set(("checklist_version",), doc.MAX_ID + 1), False),
    ("version as text", _set(("checklist_version",), "12"), False),
    ("version true", _set(("checklist_version",), True), False),
    ("unknown regime", _set(("regime",), "yearly"), False),
    ("device_id null", _set(("device_id",), None), True),
    ("device_id empty", _set(("device_id",), ""), True),
    ("device_id at its limit", _set(("device_id",), "d" * doc.MAX_DEVICE_ID), True),
    ("device_id over its limit", _set(("device_id",), "d" * (doc.MAX_DEVICE_ID + 1)), False),
    ("device_id a number", _set(("device_id",), 5), False),
    ("started_at null", _set(("started_at",), None), True),
    ("finished_at null", _set(("finished_at",), None), False),
    ("location null", _set(("location",), None), True),
    ("location empty", _set(("location",), {}), False),
    ("location a list", _set(("location",), [29.5, 106.4]), False),
    ("lat at its limit", _set(("location", "lat"), -90), True),
    ("lat over its limit", _set(("location", "lat"), 90.5), False),
    ("lat as text", _set(("location", "lat"), "29.5"), False),
    ("lng at its limit", _set(("location", "lng"), 180), True),
    ("lng over its limit", _set(("location", "lng"), -180.1), False),
    ("accuracy null", _set(("location", "accuracy"), None), True),
    ("accuracy zero", _set(("location", "accuracy"), 0), True),
    ("accuracy negative", _set(("location", "accuracy"), -1), False),
    ("mock null", _set(("location", "mock"), None), True),
    ("mock as text", _set(("location", "mock"), "yes"), False),
    ("captured_at null", _set(("location", "captured_at"), None), True),
    ("no answers", _set(("answers",), []), True),
    ("answers at their limit", _answers(doc.MAX_ANSWERS), True),
    ("answers over their limit", _answers(doc.MAX_ANSWERS + 1), False),
    ("answers an object", _set(("answers",), {"BS01": "pass"}), False),
    ("answers null", _set(("answers",), None), False),
    ("an answer not an object", _set(("answers", 0), "pass"), False),
    ("item at its limit", _set(("answers", 0, "item"), "I" * doc.MAX_ITEM_CODE), True),
    ("item over its limit", _set(("answers", 0, "item"), "I" * (doc.MAX_ITEM_CODE + 1)), False),
    ("item empty", _set(("answers", 0, "item"), ""), False),
    ("item a number", _set(("answers", 0, "item"), 1), False),
    ("note null", _set(("answers", 1, "note"), None), True),
    ("note at its limit", _set(("answers", 1, "note"), "n" * doc.MAX_TEXT), True),
    ("note over its limit", _set(("answers", 1, "note"), "n" * (doc.MAX_TEXT + 1)), False),
    ("note a list", _set(("answers", 1, "note"), ["n"]), False),
    ("no photos", _set(("photos",), []), True),
    ("photos at their limit", _photos(doc.MAX_PHOTOS), True),
    ("photos over their limit", _photos(doc.MAX_PHOTOS + 1), False),
    ("photos null", _set(("photos",), None), False),
    ("photo item over its limit", _set(("photos", 0, "item"), "I" * (doc.MAX_ITEM_CODE + 1)), False),
    ("sha256 short", _set(("photos", 0, "sha256"), "ab" * 31), False),
    ("sha256 not hex", _set(("photos", 0, "sha256"), "g" * 64), False),
    ("sha256 upper case", _set(("photos", 0, "sha256"), "AB" * 32), True),
    ("bytes zero", _set(("photos", 0, "bytes"), 0), False),
    ("bytes at their limit", _set(("photos", 0, "bytes"), doc.MAX_DECLARED_BYTES), True),
    ("bytes over their limit", _set(("photos", 0, "bytes"), doc.MAX_DECLARED_BYTES + 1), False),
    ("bytes a fraction", _set(("photos", 0, "bytes"), 1.5), False),
    ("notes null", _set(("notes",), None), True),
    ("notes at their limit", _set(("notes",), "n" * doc.MAX_TEXT), True),
    ("notes over their limit", _set(("notes",), "n" * (doc.MAX_TEXT + 1)), False),
    ("notes a number", _set(("notes",), 3), False),
    ("unknown keys at every level", lambda body: (
        body.update(app={"v": 2}), body["location"].update(floor=3), body["answers"][0].update(x=[1]),
        body["photos"][0].update(width=1600),
    ), True),
]


@pytest.mark.parametrize(("change", "accepted"), [edge[1:] for edge in EDGES], ids=[edge[0] for edge in EDGES])
def test_the_schema_and_the_validator_agree_at_every_edge(schema_accepts, change, accepted):
    body = copy.deepcopy(VALID)
    change(body)
    assert (validator_errors(body) == {}) is accepted
    assert schema_accepts(body) is accepted
