"""PUT /api/v1/inspections/{uuid}/photos/{photo_uuid} and the staff-only original (SYNC.md rule 2)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections.models import Inspection, Photo
from inspections.selectors.coverage import flagged_inspections
from inspections.signals import inspection_changed

from .sync_world import answers_with, inspection_body, jpeg_bytes, manifest_entry, put_inspection, put_photo


@pytest.fixture
def two_photos(world):
    red, blue = jpeg_bytes("red"), jpeg_bytes("blue", (80, 40))
    entries = [manifest_entry(red, "T01"), manifest_entry(blue, "T02")]
    answers = answers_with(T01="fail", T02=1)
    body = inspection_body(world, answers=answers, photos=entries)
    inspection_uuid, response = put_inspection(world.client("street"), body)
    assert response.status_code == 201
    return inspection_uuid, entries, (red, blue)


def _stored_files() -> list[Path]:
    roots = (Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT))
    return sorted(p for root in roots if root.exists() for p in root.rglob("*") if p.is_file())


def test_photos_arrive_and_the_last_one_completes_the_inspection(world, two_photos, changed):
    inspection_uuid, entries, (red, blue) = two_photos
    client = world.client("street")

    first = put_photo(client, inspection_uuid, entries[0]["uuid"], red)

    assert first.status_code == 201
    assert first.json()["inspection"]["status"] == "awaiting_photos"
    assert first.json()["inspection"]["missing_photos"] == [entries[1]["uuid"]]
    photo = Photo.objects.get(uuid=entries[0]["uuid"])
    assert photo.received_at is not None and photo.content_type == "image/jpeg"
    assert (photo.width, photo.height) == (64, 48)
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / photo.original).read_bytes() == red
    assert (Path(settings.MEDIA_ROOT) / photo.display).is_file()
    assert (Path(settings.MEDIA_ROOT) / photo.thumbnail).is_file()
    assert changed == []

    second = put_photo(client, inspection_uuid, entries[1]["uuid"], blue)

    assert second.status_code == 201
    assert second.json()["inspection"]["status"] == "complete"
    assert second.json()["inspection"]["missing_photos"] == []
    inspection = Inspection.objects.get(uuid=inspection_uuid)
    assert inspection.status == "complete" and inspection.completed_at is not None
    assert changed == [(inspection.uuid, "complete", False)]
    status = client.get(f"/api/v1/inspections/{inspection_uuid}/").json()
    assert status["status"] == "complete" and status["missing_photos"] == []


def test_the_same_bytes_again_are_accepted_without_a_write(world, two_photos, changed):
    inspection_uuid, entries, (red, _blue) = two_photos
    client = world.client("street")
    put_photo(client, inspection_uuid, entries[0]["uuid"], red)
    files = _stored_files()

    with CaptureQueriesContext(connection) as ctx:
        again = put_photo(client, inspection_uuid, entries[0]["uuid"], red)

    assert again.status_code == 200
    assert not [q for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert _stored_files() == files
    assert changed == []


def test_different_bytes_for_a_received_photo_are_a_conflict(world, two_photos):
    inspection_uuid, entries, (red, blue) = two_photos
    client = world.client("street")
    put_photo(client, inspection_uuid, entries[0]["uuid"], red)
    received_at = Photo.objects.get(uuid=entries[0]["uuid"]).received_at

    response = put_photo(client, inspection_uuid, entries[0]["uuid"], blue)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "photo_conflict"
    assert Photo.objects.get(uuid=entries[0]["uuid"]).received_at == received_at


def test_bytes_that_do_not_match_the_manifest_are_refused(world, two_photos):
    inspection_uuid, entries, (_red, blue) = two_photos
    response = put_photo(world.client("street"), inspection_uuid, entries[0]["uuid"], blue)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "sha256_mismatch"
    assert Photo.objects.get(uuid=entries[0]["uuid"]).received_at is None
    assert _stored_files() == []


def test_a_photo_not_in_the_manifest_is_not_found(world, two_photos):
    inspection_uuid, _entries, (red, _blue) = two_photos
    response = put_photo(world.client("street"), inspection_uuid, str(uuid.uuid4()), red)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "photo_not_in_manifest"


def test_a_photo_for_an_inspection_not_yet_received_is_not_found(world):
    response = put_photo(world.client("street"), str(uuid.uuid4()), str(uuid.uuid4()), jpeg_bytes())
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "inspection_not_found"


def test_another_users_inspection_is_not_found(world, two_photos):
    inspection_uuid, entries, (red, _blue) = two_photos
    response = put_photo(world.client("admin"), inspection_uuid, entries[0]["uuid"], red)
    assert response.status_code == 404
    assert Photo.objects.get(uuid=entries[0]["uuid"]).received_at is None


def test_a_file_that_is_not_an_image_is_refused_with_a_reason(world):
    junk = b"<html><script>alert(1)</script></html>"
    entry = manifest_entry(junk, "T01")
    body = inspection_body(world, answers=answers_with(T01="fail"), photos=[entry])
    inspection_uuid, _ = put_inspection(world.client("street"), body)

    response = put_photo(world.client("street"), inspection_uuid, entry["uuid"], junk)

    assert response.status_code == 400
    assert response.json()["error"]["message"]
    assert Photo.objects.get(uuid=entry["uuid"]).received_at is None
    assert _stored_files() == []


def test_a_missing_file_field_is_a_field_error(world, two_photos):
    inspection_uuid, entries, _ = two_photos
    response = world.client("street").put(
        f"/api/v1/inspections/{inspection_uuid}/photos/{entries[0]['uuid']}", {"other": "x"}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]


def test_a_json_body_is_an_unsupported_media_type(world, two_photos):
    inspection_uuid, entries, _ = two_photos
    response = world.client("street").put(
        f"/api/v1/inspections/{inspection_uuid}/photos/{entries[0]['uuid']}", {"file": "x"}, format="json"
    )
    assert response.status_code == 415


def test_a_failed_write_leaves_no_files_behind(world, two_photos, monkeypatch):
    inspection_uuid, entries, (red, _blue) = two_photos

    def broken(sender, inspection, **kwargs):
        raise RuntimeError("listener failed")

    # Make the transaction fail after the files were written: the last photo completes the inspection.
    put_photo(world.client("street"), inspection_uuid, entries[0]["uuid"], red)
    files_before = _stored_files()
    inspection_changed.connect(broken)
    try:
        with pytest.raises(RuntimeError):
            put_photo(world.client("street"), inspection_uuid, entries[1]["uuid"], two_photos[2][1])
    finally:
        inspection_changed.disconnect(broken)
    assert _stored_files() == files_before
    assert Photo.objects.get(uuid=entries[1]["uuid"]).received_at is None
    assert Inspection.objects.get(uuid=inspection_uuid).status == "awaiting_photos"


def test_the_original_is_served_to_street_staff_only(world, two_photos):
    inspection_uuid, entries, (red, _blue) = two_photos
    put_photo(world.client("street"), inspection_uuid, entries[0]["uuid"], red)
    url = f"/api/v1/photos/{entries[0]['uuid']}/original"

    for who, expected in [("street", 200), ("admin", 200), ("community", 404), ("other_community", 404),
                          ("office", 404), ("company", 404), (None, 401)]:
        response = world.client(who).get(url)
        assert response.status_code == expected, who
        if expected == 200:
            assert b"".join(response.streaming_content) == red
            assert response["Content-Type"] == "image/jpeg"
    assert world.client("street").get(f"/api/v1/photos/{entries[1]['uuid']}/original").status_code == 404


# --- photos over the limit: refused on their own (issue 10, point 2) ------------------------------------

TEN_AND_A_HALF_MB = 10 * 1024 * 1024 + 512 * 1024


@pytest.fixture
def oversized(world):
    """An inspection whose manifest declares a 10.5 MB photo for T01 (failed) next to a small one for T02."""
    big = jpeg_bytes() + b"\0" * (TEN_AND_A_HALF_MB - len(jpeg_bytes()))
    small = jpeg_bytes("blue")
    entries = [manifest_entry(big, "T01"), manifest_entry(small, "T02")]
    answers = answers_with(T01="fail", T02=1)
    return inspection_body(world, answers=answers, photos=entries), entries, (big, small)


def test_a_photo_declared_over_the_limit_does_not_stop_the_inspection(world, oversized, changed):
    body, entries, (big, small) = oversized
    client = world.client("street")

    inspection_uuid, response = put_inspection(client, body)

    assert response.status_code == 201, response.json()
    status = response.json()
    assert status["status"] == "awaiting_photos"
    assert status["missing_photos"] == [entries[1]["uuid"]]  # the refused one is never waited for
    assert status["refused_photos"] == [{
        "uuid": entries[0]["uuid"], "item": "T01", "code": "too_large", "limit": settings.PHOTO_MAX_BYTES,
        "message": "照片过大：最大 10 MB。",
    }]
    assert "photo_refused" in status["flags"]
    inspection = Inspection.objects.get(uuid=inspection_uuid)
    assert sorted(inspection.answers.values_list("item_code", flat=True)) == ["T01", "T02", "T03", "T04", "T06"]
    refused = Photo.objects.get(uuid=entries[0]["uuid"])
    assert refused.refused_reason == "too_large" and refused.declared_bytes == TEN_AND_A_HALF_MB
    assert Photo.objects.get(uuid=entries[1]["uuid"]).refused_reason == ""

    # The phone tries the big one anyway: 413 with the limit, nothing stored.
    put_big = put_photo(client, inspection_uuid, entries[0]["uuid"], big)

    assert put_big.status_code == 413
    assert put_big.json()["error"]["code"] == "too_large"
    assert put_big.json()["error"]["limit"] == settings.PHOTO_MAX_BYTES
    assert _stored_files() == []
    assert Photo.objects.get(uuid=entries[0]["uuid"]).received_at is None

    # The other photo completes the inspection: it counts.
    put_small = put_photo(client, inspection_uuid, entries[1]["uuid"], small)

    assert put_small.status_code == 201
    assert put_small.json()["inspection"]["status"] == "complete"
    assert put_small.json()["inspection"]["refused_photos"][0]["uuid"] == entries[0]["uuid"]
    assert changed == [(inspection.uuid, "complete", False)]
    replay = put_inspection(client, body, inspection_uuid)[1]
    assert replay.status_code == 200
    assert replay.json()["status"] == "complete" and replay.json()["missing_photos"] == []
    assert [p["uuid"] for p in replay.json()["refused_photos"]] == [entries[0]["uuid"]]


def test_an_inspection_whose_only_photo_is_refused_is_complete_on_arrival(world, oversized, changed):
    body, entries, _data = oversized
    body["photos"] = entries[:1]
    body["answers"] = answers_with(T02=0, T03=100)  # nothing failed but T01: one photo required

    inspection_uuid, response = put_inspection(world.client("street"), body)

    assert response.status_code == 201
    assert response.json()["status"] == "complete" and response.json()["missing_photos"] == []
    inspection = Inspection.objects.get(uuid=inspection_uuid)
    assert inspection.status == "complete" and inspection.completed_at is not None
    assert inspection.flags[-1] == "photo_refused"
    assert changed == [(inspection.uuid, "complete", False)]
    # Listed for staff on the dashboard's "to review" table.
    since = inspection.inspected_at - timedelta(days=1)
    assert flagged_inspections(street=world.street, since=since) == [inspection]


def test_a_refused_photo_is_413_even_when_small_bytes_are_sent_for_it(world, oversized):
    body, entries, _data = oversized
    inspection_uuid, _response = put_inspection(world.client("street"), body)
    cheat = jpeg_bytes("green")

    response = put_photo(world.client("street"), inspection_uuid, entries[0]["uuid"], cheat)

    assert response.status_code == 413
    assert response.json()["error"] == {
        "code": "too_large", "message": "照片过大：最大 10 MB。", "fields": {}, "limit": settings.PHOTO_MAX_BYTES,
    }
    assert Photo.objects.get(uuid=entries[0]["uuid"]).received_at is None
    assert _stored_files() == []
