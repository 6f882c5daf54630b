"""Public JSON of published lists: read-only, anonymous, throttled, in the schema, nothing personal."""

import json

import pytest
from django.core.cache import cache
from rest_framework.throttling import ScopedRateThrottle

from rankings.publication import publication_draft

from .support import assert_nothing_personal

pytestmark = pytest.mark.django_db


def test_lists_and_a_list_as_published(client, published_list):
    pub = published_list["pub"]
    index = client.get("/api/v1/public/lists/")
    assert index.status_code == 200
    assert [(r["id"], r["period"], r["state"], r["superseded_by"]) for r in index.json()] == [
        (pub.pk, "2026-05", "published", None)]
    detail = client.get(f"/api/v1/public/lists/{pub.pk}/")
    body = detail.json()
    assert detail.status_code == 200
    compounds = body["categories"][0]
    assert [(e["rank"], e["name"], e["score"], e["grade"], e["vetoed"], e["trend"]) for e in compounds["entries"]] == [
        (1, "好小区", "96.0", "excellent", False, None), (2, "其他小区", "85.0", "good", False, None),
        (3, "差小区", "70.0", "fail", True, None)]
    assert compounds["red"] == ["G"] and compounds["black"] == ["B"]
    black = compounds["entries"][2]
    assert black["reasons"][0] == {"code": "D", "label": "检查项D", "lost": "10.0", "veto": True}
    assert black["photos"][0] == {"url": f"/photos/{published_list['bad_photo'].uuid}/display/",
                                  "thumbnail_url": f"/photos/{published_list['bad_photo'].uuid}/thumbnail/",
                                  "item_code": "D"}
    assert_nothing_personal(json.dumps(body, ensure_ascii=False))


def test_drafts_are_not_served_and_errors_are_json(client, published_list):
    publication_draft(street=published_list["street"], period_kind="month", period="2026-05", user=None)
    draft = published_list["pub"].__class__.objects.get(state="draft")
    response = client.get(f"/api/v1/public/lists/{draft.pk}/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert client.post("/api/v1/public/lists/").status_code == 405  # read-only


def test_public_api_is_in_the_schema_and_throttled(client, published_list, monkeypatch):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content.decode()
    assert "/api/v1/public/lists/" in schema and "/api/v1/public/lists/{id}/" in schema
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"public": "2/min"})
    cache.clear()
    codes = [client.get("/api/v1/public/lists/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
