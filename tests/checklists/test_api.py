"""GET /api/v1/checklists/: the published versions in full, ETag / If-None-Match; read-only."""

import json

import pytest
from django.urls import reverse

from checklists.models import ChecklistVersion, Item
from checklists.services import version_publish

from .snapshots import snapshot

pytestmark = pytest.mark.django_db
URL = "/api/v1/checklists/"


@pytest.fixture
def client(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("inspector"))
    return client


def test_the_url_is_named():
    assert reverse("checklists:list") == URL


def test_anonymous_is_refused(db):
    from django.test import Client

    response = Client().get(URL)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_it_returns_every_published_version_in_full(client):
    response = client.get(URL)

    assert response.status_code == 200
    checklists = response.json()["checklists"]
    assert len(checklists) == ChecklistVersion.objects.filter(state="published").count() == 16
    codes = {item["code"] for checklist in checklists for item in checklist["items"]}
    assert {"BS06", "CP07", "CM09", "PI04", "EN04", "PP07"} <= codes
    bin_station = next(c for c in checklists if (c["place_kind"], c["regime"]) == ("bin_station", "monthly_covert"))
    assert set(bin_station) == {"id", "place_kind", "regime", "version", "title", "title_en", "items"}
    assert bin_station["title_en"] == "Bin station: monthly covert inspection checklist"
    bs06 = next(item for item in bin_station["items"] if item["code"] == "BS06")
    assert bs06 == {
        "code": "BS06", "section": "分类质量", "section_en": "Sorting quality",
        "label": "厨余垃圾纯净度（抽查袋数/错误袋数）",
        "label_en": "kitchen-waste purity from a bag sample", "help": bs06["help"], "help_en": bs06["help_en"],
        "type": "percent",
        "points": 20.0, "per_fault": None, "target": 90.0, "per_percent": 2.0, "choices": None,
        "photo": "always", "veto": False, "category": "mixed_sorting", "required": False,
    }


def test_numbers_have_one_decimal_and_unused_ones_are_null(client):
    text = client.get(URL).content.decode()

    assert '"points":20.0' in text.replace(" ", "")
    items = [item for checklist in json.loads(text)["checklists"] for item in checklist["items"]]
    bs16 = next(item for item in items if item["code"] == "BS16")
    assert [bs16[k] for k in ("points", "per_fault", "target", "per_percent", "choices")] == [None] * 5


def test_if_none_match_gives_304_until_something_is_published(client, published):
    first = client.get(URL)
    etag = first["ETag"]

    again = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", etag)
    assert client.get(URL, HTTP_IF_NONE_MATCH=f'W/{etag}, "other"').status_code == 304
    assert client.get(URL, HTTP_IF_NONE_MATCH='"stale"').status_code == 200

    from checklists.services import version_clone

    version_publish(version=version_clone(version=published))

    changed = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_a_304_does_not_load_the_items(client, django_assert_max_num_queries):
    etag = client.get(URL)["ETag"]

    with django_assert_max_num_queries(3):  # session, user, the ids and fingerprints
        assert client.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_the_full_answer_takes_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        assert client.get(URL).status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_it_is_read_only(client, published, method):
    before = snapshot(published), Item.objects.count()
    body = json.dumps({"items": [{"code": "BS06", "points": 1}]})

    response = getattr(client, method)(URL, body, content_type="application/json")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert (snapshot(published), Item.objects.count()) == before
