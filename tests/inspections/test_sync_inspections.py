"""PUT /api/v1/inspections/{uuid}/ and GET of its status (SYNC.md rules 1–7)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checklists.models import PlaceKind, Regime
from inspections.models import Answer, Inspection, Photo
from inspections.services.sync import fingerprint_of

from .sync_world import answers_with, inspection_body, jpeg_bytes, make_version, manifest_entry, put_inspection

NOW = datetime(2026, 5, 11, 0, 0, 2, tzinfo=UTC)


def _writes(ctx: CaptureQueriesContext) -> list[str]:
    writes = ("INSERT", "UPDATE", "DELETE")
    return [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(writes)]


@time_machine.travel(NOW, tick=False)
def test_new_inspection_is_stored_scored_and_complete_without_photos(world, changed):
    client = world.client("street")
    body = inspection_body(world)
    inspection_uuid, response = put_inspection(client, body)

    assert response.status_code == 201
    assert response.json() == {
        "uuid": inspection_uuid, "status": "complete", "missing_photos": [], "refused_photos": [], "score": 70.0,
        "grade": "pass", "vetoed": False, "flags": [], "received_at": "2026-05-11T08:00:02+08:00",
    }
    stored = Inspection.objects.get(uuid=inspection_uuid)
    assert stored.uploader == world.users["street"]
    assert stored.place == world.bs1 and stored.checklist_version == world.weekly
    assert stored.score_tenths == 700 and stored.grade == "pass" and stored.status == "complete"
    assert stored.completed_at == NOW and stored.received_at == NOW
    assert stored.inspected_at == datetime(2026, 5, 10, 1, 20, 41, tzinfo=UTC)
    assert stored.clock_skew_s is None
    assert stored.fingerprint == fingerprint_of(body) and stored.body == body
    assert 50 < stored.distance_m < 60
    answers = {a.item_code: a for a in Answer.objects.filter(inspection=stored)}
    assert set(answers) == {"T01", "T02", "T03", "T04", "T06"}
    assert (answers["T02"].max_tenths, answers["T02"].earned_tenths, answers["T02"].failed) == (300, 200, True)
    assert answers["T02"].note == "两个桶身有污渍"
    assert (answers["T03"].earned_tenths, answers["T03"].value) == (200, {"checked": 10, "wrong": 2})
    assert (answers["T04"].max_tenths, answers["T04"].earned_tenths) == (0, None)
    assert changed == [(stored.uuid, "complete", False)]


def test_replay_returns_the_stored_result_and_writes_nothing(world, changed):
    client = world.client("street")
    body = inspection_body(world)
    inspection_uuid, first = put_inspection(client, body)
    changed.clear()

    with CaptureQueriesContext(connection) as ctx:
        _, again = put_inspection(client, body, inspection_uuid)

    assert again.status_code == 200
    assert again.json() == first.json()
    assert _writes(ctx) == []
    assert Inspection.objects.filter(uuid=inspection_uuid).count() == 1
    assert Answer.objects.count() == 5
    assert changed == []


def test_replay_with_keys_in_another_order_is_the_same_body(world):
    client = world.client("street")
    body = inspection_body(world)
    inspection_uuid, _ = put_inspection(client, body)
    reordered = dict(reversed(list(body.items())))
    _, again = put_inspection(client, reordered, inspection_uuid)
    assert again.status_code == 200


def test_a_different_body_under_the_same_uuid_is_a_conflict_with_the_stored_fingerprint(world):
    client = world.client("street")
    body = inspection_body(world)
    inspection_uuid, _ = put_inspection(client, body)

    _, response = put_inspection(client, inspection_body(world, device_id="dev-2"), inspection_uuid)

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict" and error["fingerprint"] == fingerprint_of(body)
    assert Inspection.objects.get(uuid=inspection_uuid).device_id == "dev-1"


def test_a_uuid_used_by_another_user_is_refused_revealing_nothing(world):
    inspection_uuid, _ = put_inspection(world.client("street"), inspection_body(world))

    _, response = put_inspection(world.client("admin"), inspection_body(world), inspection_uuid)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "uuid_taken"
    assert "fingerprint" not in response.json()["error"]
    assert Inspection.objects.get(uuid=inspection_uuid).uploader == world.users["street"]


def test_unknown_checklist_version_is_a_field_error(world):
    _, response = put_inspection(world.client("street"), inspection_body(world, checklist_version=999_999))
    assert response.status_code == 400
    assert "checklist_version" in response.json()["error"]["fields"]
    assert Inspection.objects.count() == 0


def test_a_draft_version_is_refused(world):
    draft = make_version(PlaceKind.BIN_STATION, Regime.WEEKLY_GUIDANCE, state="draft")
    _, response = put_inspection(world.client("street"), inspection_body(world, checklist_version=draft.pk))
    assert response.status_code == 400
    assert "checklist_version" in response.json()["error"]["fields"]
    assert Inspection.objects.count() == 0


def test_a_version_of_another_kind_or_regime_is_refused(world):
    _, response = put_inspection(world.client("street"), inspection_body(world, checklist_version=world.covert.pk))
    assert response.status_code == 400
    assert "checklist_version" in response.json()["error"]["fields"]


def test_a_retired_version_is_accepted_and_scored_by_its_own_rules(world):
    old_items = [("T01", "check", "50", None, None, None, "optional", False, []),
                 ("T02", "deduct", "50", "10", None, None, "optional", False, [])]
    old = make_version(PlaceKind.BIN_STATION, Regime.WEEKLY_GUIDANCE, state="retired", items=old_items)
    body = inspection_body(world, checklist_version=old.pk, answers=answers_with(T03=None, T04=None, T06=None))
    inspection_uuid, response = put_inspection(world.client("street"), body)

    assert response.status_code == 201
    # Under the old rules: 50 + (50 − 2×10) = 80 of 100; the current version would give something else.
    assert response.json()["score"] == 80.0 and response.json()["grade"] == "good"
    assert Inspection.objects.get(uuid=inspection_uuid).checklist_version == old


def test_a_place_outside_the_scope_is_forbidden(world):
    body = inspection_body(world, place=world.bs2.code)
    _, response = put_inspection(world.client("community"), body)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "out_of_scope"
    assert Inspection.objects.count() == 0


def test_a_community_inspector_may_not_run_a_covert_inspection(world):
    body = inspection_body(world, regime="monthly_covert", checklist_version=world.covert.pk)
    _, response = put_inspection(world.client("community"), body)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "regime_not_allowed"
    assert Inspection.objects.count() == 0


@pytest.mark.parametrize("who", ["office", "company"])
def test_readers_may_not_submit(world, who):
    _, response = put_inspection(world.client(who), inspection_body(world))
    assert response.status_code == 403
    assert Inspection.objects.count() == 0


def test_unknown_place_is_a_field_error(world):
    _, response = put_inspection(world.client("street"), inspection_body(world, place="NOPE"))
    assert response.status_code == 400
    assert "place" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("answers", "key"),
    [
        ([{"item": "ZZ9", "value": "pass"}], "answers.0.item"),
        ([{"item": "T01", "value": 3}], "answers.0.value"),
        ([{"item": "T01", "value": "pass"}, {"item": "T02", "value": -1}], "answers.1.value"),
        ([{"item": "T02", "value": 1.5}], "answers.0.value"),
        ([{"item": "T03", "value": 100.1}], "answers.0.value"),
        ([{"item": "T03", "value": 55.55}], "answers.0.value"),
        ([{"item": "T03", "value": {"checked": 0, "wrong": 0}}], "answers.0.value"),
        ([{"item": "T03", "value": {"checked": 3, "wrong": 4}}], "answers.0.value"),
        ([{"item": "T04", "value": 5}], "answers.0.value"),
        ([{"item": "T05", "value": "c"}], "answers.0.value"),
        ([{"item": "T01", "value": "pass"}, {"item": "T01", "value": "fail"}], "answers.1.item"),
        ([{"item": "T01"}], "answers.0.value"),
        (["T01"], "answers.0"),
        ("T01", "answers"),
    ],
)
def test_answers_that_do_not_fit_the_version_are_field_errors(world, answers, key):
    _, response = put_inspection(world.client("street"), inspection_body(world, answers=answers))
    assert response.status_code == 400
    assert key in response.json()["error"]["fields"], response.json()
    assert Inspection.objects.count() == Answer.objects.count() == 0


def test_a_required_photo_missing_from_the_manifest_is_a_field_error(world):
    body = inspection_body(world, answers=answers_with(T01="fail"))
    _, response = put_inspection(world.client("street"), body)
    assert response.status_code == 400
    assert "answers.0.photo" in response.json()["error"]["fields"]
    assert Inspection.objects.count() == 0


def test_a_photo_on_a_never_item_is_a_field_error(world):
    body = inspection_body(world, photos=[manifest_entry(jpeg_bytes(), item="T04")])
    _, response = put_inspection(world.client("street"), body)
    assert response.status_code == 400
    assert "photos.0.item" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("entry", "key"),
    [
        ({"uuid": "not-a-uuid"}, "photos.0.uuid"),
        ({"item": "ZZ9"}, "photos.0.item"),
        ({"sha256": "abc"}, "photos.0.sha256"),
        ({"bytes": 0}, "photos.0.bytes"),
        ({"bytes": 2**53}, "photos.0.bytes"),  # above PHOTO_MAX_BYTES is the photo's refusal, not a field error
        ({"bytes": -1}, "photos.0.bytes"),
        ({"bytes": "12"}, "photos.0.bytes"),
    ],
)
def test_malformed_manifest_entries_are_field_errors(world, entry, key):
    body = inspection_body(world, photos=[{**manifest_entry(jpeg_bytes()), **entry}])
    _, response = put_inspection(world.client("street"), body)
    assert response.status_code == 400
    assert key in response.json()["error"]["fields"], response.json()
    assert Inspection.objects.count() == Photo.objects.count() == 0


def test_duplicate_photo_uuids_are_a_field_error(world):
    entry = manifest_entry(jpeg_bytes())
    body = inspection_body(world, photos=[entry, {**entry, "item": "T02"}])
    _, response = put_inspection(world.client("street"), body)
    assert response.status_code == 400
    assert "photos.1.uuid" in response.json()["error"]["fields"]


def test_a_photo_uuid_of_another_inspection_is_a_conflict(world):
    entry = manifest_entry(jpeg_bytes())
    put_inspection(world.client("street"), inspection_body(world, photos=[entry]))
    _, response = put_inspection(world.client("street"), inspection_body(world, device_id="x", photos=[entry]))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "photo_uuid_taken"
    assert Inspection.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("finished_at", "2026-05-10T09:20:41"),  # no offset
        ("finished_at", "yesterday"),
        ("finished_at", None),
        ("started_at", 12),
        ("location", "here"),
        ("location", {"lat": 95, "lng": 106}),
        ("regime", "daily"),
        ("checklist_version", "12"),
        ("checklist_version", 10**30),
        ("device_id", {"a": 1}),
    ],
)
def test_wrong_types_are_field_errors(world, field, value):
    _, response = put_inspection(world.client("street"), inspection_body(world, **{field: value}))
    assert response.status_code == 400
    assert any(key.startswith(field) for key in response.json()["error"]["fields"]), response.json()
    assert Inspection.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_clock_skew_is_measured_from_the_date_header_and_corrects_the_inspection_time(world):
    device_now = NOW - timedelta(minutes=30)  # the phone's clock is half an hour behind
    inspection_uuid, response = put_inspection(
        world.client("street"), inspection_body(world), Date=format_datetime(device_now, usegmt=True)
    )
    assert response.status_code == 201
    assert "clock_skew" in response.json()["flags"]
    stored = Inspection.objects.get(uuid=inspection_uuid)
    assert stored.clock_skew_s == 1800
    assert stored.inspected_at == stored.finished_at + timedelta(seconds=1800)


@time_machine.travel(NOW, tick=False)
def test_a_small_skew_is_stored_but_not_flagged(world):
    inspection_uuid, response = put_inspection(
        world.client("street"), inspection_body(world), Date=format_datetime(NOW - timedelta(seconds=90), usegmt=True)
    )
    assert response.json()["flags"] == []
    stored = Inspection.objects.get(uuid=inspection_uuid)
    assert stored.clock_skew_s == 90 and stored.inspected_at == stored.finished_at


@time_machine.travel(NOW, tick=False)
def test_the_pwa_can_send_its_clock_as_x_device_date(world):
    inspection_uuid, response = put_inspection(
        world.client("street"), inspection_body(world), **{"X-Device-Date": (NOW + timedelta(hours=1)).isoformat()}
    )
    assert "clock_skew" in response.json()["flags"]
    assert Inspection.objects.get(uuid=inspection_uuid).clock_skew_s == -3600


def test_an_unreadable_date_header_is_no_skew_not_an_error(world):
    inspection_uuid, response = put_inspection(world.client("street"), inspection_body(world), Date="garbage")
    assert response.status_code == 201
    assert Inspection.objects.get(uuid=inspection_uuid).clock_skew_s is None


def test_far_from_place_is_flagged_not_rejected(world):
    location = {"lat": 29.6012, "lng": 106.4621, "accuracy": 10, "mock": False}  # ~1.1 km north
    inspection_uuid, response = put_inspection(world.client("street"), inspection_body(world, location=location))
    assert response.status_code == 201
    assert response.json()["flags"] == ["far_from_place"]
    stored = Inspection.objects.get(uuid=inspection_uuid)
    assert 1100 < stored.distance_m < 1120 and stored.flags == ["far_from_place"]


def test_no_fix_is_flagged(world):
    inspection_uuid, response = put_inspection(world.client("street"), inspection_body(world, location=None))
    assert response.status_code == 201
    assert response.json()["flags"] == ["no_fix"]
    stored = Inspection.objects.get(uuid=inspection_uuid)
    assert stored.lat is None and stored.distance_m is None


def test_poor_accuracy_and_mock_location_are_flagged(world):
    location = {"lat": 29.5917, "lng": 106.4621, "accuracy": 80, "mock": True}
    inspection_uuid, response = put_inspection(world.client("street"), inspection_body(world, location=location))
    assert response.json()["flags"] == ["poor_accuracy", "mock_location"]
    assert Inspection.objects.get(uuid=inspection_uuid).mock_location is True


def test_an_inspection_with_photos_awaits_them(world, changed):
    data = jpeg_bytes()
    entry = manifest_entry(data, item="T01")
    body = inspection_body(world, answers=answers_with(T01="fail"), photos=[entry])
    inspection_uuid, response = put_inspection(world.client("street"), body)

    assert response.status_code == 201
    assert response.json()["status"] == "awaiting_photos"
    assert response.json()["missing_photos"] == [entry["uuid"]]
    photo = Photo.objects.get(uuid=entry["uuid"])
    assert photo.sha256 == entry["sha256"] and photo.declared_bytes == len(data) and photo.received_at is None
    assert Inspection.objects.get(uuid=inspection_uuid).completed_at is None
    assert changed == []


def test_status_is_readable_by_the_uploader_and_street_staff_only(world):
    inspection_uuid, created = put_inspection(world.client("community"), inspection_body(world))
    for who, expected in [("community", 200), ("admin", 200), ("street", 200), ("other_community", 404),
                          ("office", 404), ("company", 404)]:
        response = world.client(who).get(f"/api/v1/inspections/{inspection_uuid}/")
        assert response.status_code == expected, who
        if expected == 200:
            assert response.json() == created.json()
    assert world.client("street").get(f"/api/v1/inspections/{uuid.uuid4()}/").status_code == 404


def test_history_lists_the_users_inspections_newest_first(world):
    client = world.client("community")
    first, _ = put_inspection(client, inspection_body(world))
    second, _ = put_inspection(client, inspection_body(world, device_id="again"))
    put_inspection(world.client("street"), inspection_body(world, place=world.bs2.code))

    response = client.get("/api/v1/inspections/")

    assert response.status_code == 200
    page = response.json()
    assert page["count"] == 2
    assert [row["uuid"] for row in page["results"]] == [second, first]
    assert page["results"][0]["place"] == world.bs1.code and page["results"][0]["score"] == 70.0
    assert world.client("street").get("/api/v1/inspections/").json()["count"] == 3
    assert world.client("street").get("/api/v1/inspections/?mine=1").json()["count"] == 1
    assert world.client("admin").get("/api/v1/inspections/?mine=true").json()["count"] == 0


def test_query_count_does_not_grow_with_the_answers(world):
    client = world.client("street")
    four = inspection_body(world, answers=answers_with(T04=None))  # the scored items: the least that is accepted
    six = inspection_body(world, place=world.bs2.code, answers=answers_with(T05="a"))
    with CaptureQueriesContext(connection) as few:
        assert put_inspection(client, four)[1].status_code == 201
    with CaptureQueriesContext(connection) as many:
        assert put_inspection(client, six)[1].status_code == 201
    assert len(many.captured_queries) == len(few.captured_queries)
    assert Answer.objects.count() == 10


def test_a_replay_is_one_read(world):
    client = world.client("street")
    body = inspection_body(world)
    inspection_uuid, _ = put_inspection(client, body)
    with CaptureQueriesContext(connection) as ctx:
        assert put_inspection(client, body, inspection_uuid)[1].status_code == 200
    # The look-up by UUID; the user is already authenticated (force_authenticate) and the record complete.
    assert len(ctx.captured_queries) == 1


# --- unknown keys (issue 10, point 3) ---------------------------------------------------------------------


def _nested(depth: int) -> object:
    value: object = "deep"
    for n in range(depth):
        value = {f"level{n}": value, "list": [1, 2, {"x": n}]}
    return value


def test_a_newer_apps_unknown_keys_are_ignored_fingerprinted_and_not_stored(world):
    client = world.client("street")
    known = inspection_body(world, photos=[manifest_entry(jpeg_bytes(), item="T02")])
    body = {
        **known,
        "weather": _nested(200),  # deep, at the top
        "app_version": "9.0",
        "location": {**known["location"], "altitude": 312.5, "satellites": {"gps": 9, "beidou": [1] * 1000}},
        "answers": [{**known["answers"][0], "confidence": {"model": "x" * 10_000}}, *known["answers"][1:]],
        "photos": [{**known["photos"][0], "width": 1600, "exif": {"Make": "Huawei"}}],
    }

    inspection_uuid, response = put_inspection(client, body)

    assert response.status_code == 201, response.json()
    stored = Inspection.objects.get(uuid=inspection_uuid)
    assert stored.body == known  # only the keys this server knows, at every level
    assert stored.fingerprint == fingerprint_of(body) != fingerprint_of(known)  # … of the body as sent
    assert stored.score == 70.0 and stored.lat == known["location"]["lat"]
    assert list(stored.answers.order_by("item_code").values_list("item_code", "value")) == [
        (a["item"], a["value"]) for a in sorted(known["answers"], key=lambda a: a["item"])
    ]
    assert Photo.objects.get(inspection=stored).item_code == "T02"
    # A replay is the body as sent; the same record without the new fields is a different body.
    assert put_inspection(client, body, inspection_uuid)[1].status_code == 200
    conflict = put_inspection(client, known, inspection_uuid)[1]
    assert conflict.status_code == 409 and conflict.json()["error"]["fingerprint"] == fingerprint_of(body)
    assert Inspection.objects.count() == 1


def test_unknown_keys_do_not_excuse_known_ones(world):
    body = inspection_body(world, future={"a": 1})
    body["answers"][0] = {"item": "T01", "value": "maybe", "extra": True}

    _uuid, response = put_inspection(world.client("street"), body)

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["answers.0.value"]
    assert Inspection.objects.count() == 0
