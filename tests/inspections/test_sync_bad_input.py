"""No input produces a 500: every bad request gets a JSON 4xx and nothing is stored (SYNC.md rule 7)."""

from __future__ import annotations

import json
import uuid

import pytest

from inspections.models import Answer, Inspection, Photo

from .sync_world import inspection_body


def _put_raw(client, raw: bytes | str, content_type: str = "application/json", **headers):
    return client.generic(
        "PUT", f"/api/v1/inspections/{uuid.uuid4()}/", raw, content_type=content_type, headers=headers
    )


def _assert_refused(response, status: int) -> None:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] and error["message"]
    assert Inspection.objects.count() == Answer.objects.count() == Photo.objects.count() == 0


@pytest.mark.parametrize(
    "raw",
    [
        b"{",
        b"",
        b"null",
        b"[]",
        b'"inspection"',
        b"42",
        b'{"answers": NaN}',
        b'{"checklist_version": Infinity}',
        b'{"checklist_version": 1e999}',
        b'{"checklist_version": ' + b"9" * 5000 + b"}",
        b'{"place": "\\u0000"}',
        b'{"place": "\\ud800"}',
        b"\xff\xfe{}",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a": ' * 5000 + b"1" + b"}" * 5000,
    ],
)
def test_malformed_documents_are_400(world, raw):
    _assert_refused(_put_raw(world.client("street"), raw), 400)


@pytest.mark.parametrize(
    "overrides",
    [
        {"answers": None},
        {"answers": {"item": "T01"}},
        {"answers": [None]},
        {"answers": [{"item": None, "value": None}]},
        {"answers": [{"item": "T01", "value": None}]},
        {"answers": [{"item": "T02", "value": 10**40}]},
        {"answers": [{"item": "T03", "value": 1e308}]},
        {"answers": [{"item": "T03", "value": {"checked": "10", "wrong": 1}}]},
        {"answers": [{"item": "T03", "value": {"checked": 10, "wrong": 1, "x": 1}}]},
        {"answers": [{"item": "T01", "value": "pass", "note": ["a"]}]},
        {"photos": None},
        {"photos": "none"},
        {"photos": [[]]},
        {"location": {"lat": "29.5", "lng": 106.4}},
        {"location": {"lat": 29.5, "lng": 106.4, "accuracy": -1}},
        {"location": {"lat": 29.5, "lng": 106.4, "mock": "yes"}},
        {"location": []},
        {"place": ["T-C1-P1-B1"]},
        {"place": "x" * 10_000},
        {"regime": None},
        {"checklist_version": True},
        {"checklist_version": -1},
        {"checklist_version": 2**63},
        {"started_at": "2026-13-45T99:00:00+08:00"},
        {"finished_at": "9" * 1000},
        {"finished_at": "9999-12-31T23:59:59-12:00"},
        {"finished_at": "0001-01-01T00:00:00+14:00"},
        {"notes": {"a": 1}},
    ],
)
def test_wrong_json_types_anywhere_are_400(world, overrides):
    body = inspection_body(world)
    body.update(overrides)
    _assert_refused(_put_raw(world.client("street"), json.dumps(body)), 400)


def test_a_body_over_the_upload_limit_is_413(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = inspection_body(world, notes="x" * 20_000)
    _assert_refused(_put_raw(world.client("street"), json.dumps(body)), 413)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                                          "application/xml", "image/jpeg"])
def test_other_content_types_are_415(world, content_type):
    response = _put_raw(world.client("street"), json.dumps(inspection_body(world)), content_type=content_type)
    assert response.status_code in (400, 415)
    assert response.json()["error"]["code"]
    assert Inspection.objects.count() == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"Date": "x" * 10_000},
        {"Date": "Mon, 99 Foo 99999 99:99:99 GMT"},
        {"X-Device-Date": "0001-01-01T00:00:00+14:00"},
        {"X-Device-Date": "9999-12-31T23:59:59-12:00"},
        {"X-Device-Date": "2100-12-31T23:59:59+00:00"},
        {"Date": "Fri, 01 Jan 2100 00:00:00 GMT"},
        {"If-None-Match": "*"},
        {"Accept-Language": "xx;q=abc"},
    ],
)
def test_odd_headers_do_not_break_a_valid_request(world, headers):
    response = _put_raw(world.client("street"), json.dumps(inspection_body(world)), **headers)
    assert response.status_code == 201
    assert Inspection.objects.count() == 1


def test_an_unacceptable_accept_header_is_406(world):
    response = _put_raw(world.client("street"), json.dumps(inspection_body(world)), Accept="text/csv")
    assert response.status_code == 406
    assert Inspection.objects.count() == 0


def test_an_odd_page_number_is_404(world):
    response = world.client("street").get("/api/v1/inspections/?page=99999999999999999999")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_photo_upload_over_the_limit_is_413_before_reading(world, settings):
    settings.PHOTO_MAX_BYTES = 2048
    inspection_uuid, photo_uuid = uuid.uuid4(), uuid.uuid4()
    response = world.client("street").generic(
        "PUT", f"/api/v1/inspections/{inspection_uuid}/photos/{photo_uuid}", b"x" * 100_000,
        content_type="multipart/form-data; boundary=zzz",
    )
    assert response.status_code == 413


def test_a_broken_multipart_body_is_400(world):
    response = world.client("street").generic(
        "PUT", f"/api/v1/inspections/{uuid.uuid4()}/photos/{uuid.uuid4()}", b"--zzz\r\nnonsense",
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"]
