"""The same inspection UUID PUT from two threads at once: one row, both told it is stored (SYNC.md rule 1)."""

from __future__ import annotations

import uuid

import pytest

from inspections.models import Answer, Inspection, Photo

from .sync_world import answers_with, inspection_body, jpeg_bytes, manifest_entry, put_inspection

pytestmark = pytest.mark.django_db(transaction=True)


def _race(world, all_at_once, body: dict, inspection_uuid: str, n: int = 2) -> list[int]:
    def send(go) -> int:
        client = world.client("street")
        go()
        _, response = put_inspection(client, body, inspection_uuid)
        return response.status_code

    return sorted(all_at_once([send] * n))


def test_the_same_uuid_at_once_from_two_threads_stores_one_row(world, all_at_once):
    data = jpeg_bytes()
    body = inspection_body(
        world, answers=answers_with(T01="fail"), photos=[manifest_entry(data, "T01")]
    )
    inspection_uuid = str(uuid.uuid4())

    statuses = _race(world, all_at_once, body, inspection_uuid)

    assert statuses == [200, 201]
    assert Inspection.objects.filter(uuid=inspection_uuid).count() == 1
    assert Answer.objects.count() == 5 and Photo.objects.count() == 1


def test_different_bodies_at_once_store_one_and_refuse_the_other(world, all_at_once):
    inspection_uuid = str(uuid.uuid4())

    def send_from(device_id: str):
        def send(go) -> int:
            client = world.client("street")
            go()
            _, response = put_inspection(client, inspection_body(world, device_id=device_id), inspection_uuid)
            return response.status_code

        return send

    statuses = all_at_once([send_from("a"), send_from("b")])

    assert sorted(statuses) == [201, 409]
    assert Inspection.objects.filter(uuid=inspection_uuid).count() == 1


def test_losing_the_insert_race_answers_from_the_winners_row(world, monkeypatch):
    """The window the threads above may or may not hit: the row appears between the look-up and the insert."""
    from inspections.services import sync

    body = inspection_body(world)
    inspection_uuid, first = put_inspection(world.client("street"), body)
    real_stored, calls = sync._stored, []

    def stored_after_the_race(key):
        calls.append(key)
        return None if len(calls) == 1 else real_stored(key)

    monkeypatch.setattr(sync, "_stored", stored_after_the_race)
    _, again = put_inspection(world.client("street"), body, inspection_uuid)

    assert len(calls) == 2  # the insert failed on the unique UUID and the winner's row was read
    assert again.status_code == 200 and again.json() == first.json()
    assert Inspection.objects.filter(uuid=inspection_uuid).count() == 1
    assert Answer.objects.count() == 5
