"""The same inspection UUID PUT from two threads at once: one row, both told it is stored (SYNC.md rule 1)."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection

from inspections.models import Answer, Inspection, Photo

from . import sync_world
from .sync_world import inspection_body, jpeg_bytes, manifest_entry, put_inspection

world = sync_world.world  # the fixture

pytestmark = pytest.mark.django_db(transaction=True)


def _race(world, body: dict, inspection_uuid: str, n: int = 2) -> list[int]:
    barrier = threading.Barrier(n)
    statuses: list[int] = []
    failures: list[BaseException] = []

    def send() -> None:
        try:
            client = world.client("street")
            barrier.wait()
            _, response = put_inspection(client, body, inspection_uuid)
            statuses.append(response.status_code)
        except BaseException as exc:  # reported below: a thread's exception would otherwise vanish
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    return sorted(statuses)


def test_the_same_uuid_at_once_from_two_threads_stores_one_row(world):
    data = jpeg_bytes()
    body = inspection_body(
        world, answers=[{"item": "T01", "value": "fail"}], photos=[manifest_entry(data, "T01")]
    )
    inspection_uuid = str(uuid.uuid4())

    statuses = _race(world, body, inspection_uuid)

    assert statuses == [200, 201]
    assert Inspection.objects.filter(uuid=inspection_uuid).count() == 1
    assert Answer.objects.count() == 1 and Photo.objects.count() == 1


def test_different_bodies_at_once_store_one_and_refuse_the_other(world):
    inspection_uuid = str(uuid.uuid4())
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def send(device_id: str) -> None:
        try:
            client = world.client("street")
            barrier.wait()
            _, response = put_inspection(client, inspection_body(world, device_id=device_id), inspection_uuid)
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

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
    assert Answer.objects.count() == 4
