"""gzip when asked, only where no secret sits next to reflected input (issue 10, point 6), and the pack's
ETag / 304 path with and without it."""

from __future__ import annotations

import gzip
import json

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from .sync_world import inspection_body, put_inspection

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def _json(response) -> dict:
    raw = gzip.decompress(response.content) if response.get("Content-Encoding") == "gzip" else response.content
    return json.loads(raw)


def _without_time(pack: dict) -> dict:
    return {k: v for k, v in pack.items() if k != "server_time"}


def test_the_pack_is_gzipped_when_asked_and_the_same_otherwise(world):
    client = world.client("street")

    plain = client.get("/api/v1/pack/")
    packed = client.get("/api/v1/pack/", headers=GZIP)

    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) < len(plain.content)
    assert _without_time(_json(packed)) == _without_time(plain.json())
    # One weak tag for both: the content, not the bytes.
    assert plain["ETag"] == packed["ETag"] and packed["ETag"].startswith('W/"')
    assert packed["Cache-Control"] == "private, no-cache"


@pytest.mark.parametrize("encoding", [GZIP, {}])
def test_the_304_path_works_with_and_without_gzip(world, encoding):
    client = world.client("street")
    etag = client.get("/api/v1/pack/", headers=encoding)["ETag"]

    for sent in (etag, etag.removeprefix("W/"), f'"other", {etag}', "*"):
        again = client.get("/api/v1/pack/", headers={**encoding, "If-None-Match": sent})
        assert again.status_code == 304, sent
        assert again["ETag"] == etag and not again.content and "Content-Encoding" not in again

    world.bs1.name = "改名的投放点"
    world.bs1.save()
    changed = client.get("/api/v1/pack/", headers={**encoding, "If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert any(p["name"] == "改名的投放点" for p in _json(changed)["places"])


def test_the_history_list_and_the_schema_are_gzipped_when_asked(world):
    client = world.client("street")
    for n in range(3):
        assert put_inspection(client, inspection_body(world, device_id=f"d{n}"))[1].status_code == 201

    history = client.get("/api/v1/inspections/?mine=1", headers=GZIP)
    schema = APIClient().get("/api/schema/", headers=GZIP)

    assert history.status_code == 200 and history["Content-Encoding"] == "gzip"
    assert _json(history)["count"] == 3
    assert schema.status_code == 200 and schema["Content-Encoding"] == "gzip"
    assert b"openapi" in gzip.decompress(schema.content)


def test_token_answers_are_never_compressed(world):
    # BREACH: the tokens sit next to the reflected username; their size must not depend on what they share.
    cache.clear()
    client = APIClient()
    login = client.post("/api/v1/auth/token/", {"username": "street1", "password": "pw"}, format="json",
                        headers=GZIP)
    assert login.status_code == 200, login.content
    assert "Content-Encoding" not in login and len(login.content) > 200
    refresh = client.post("/api/v1/auth/refresh/", {"refresh": login.json()["refresh"]}, format="json",
                          headers=GZIP)
    assert refresh.status_code == 200 and "Content-Encoding" not in refresh
    me = client.get("/api/v1/me/", headers={**GZIP, "Authorization": f"Bearer {login.json()['access']}"})
    assert me.status_code == 200 and "Content-Encoding" not in me
