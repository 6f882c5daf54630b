"""Every sync endpoint × every kind of user → the expected status, generated from one table (QUALITY.md).

"other_community" is a community inspector of another community than the inspected place's."""

from __future__ import annotations

import uuid

import pytest

from checklists.models import PlaceKind, Regime
from checklists.periods import PeriodKind, period_of
from inspections.models import Inspection
from rankings.publication import publication_draft, publication_publish, publication_review

from . import sync_world
from .sync_world import inspection_body, jpeg_bytes, make_version, manifest_entry, put_inspection, put_photo

world = sync_world.world  # the fixture

WHO = ("admin", "street", "other_community", "office", "company", None)


def _stored_with_photo(world) -> tuple[str, dict, bytes]:
    data = jpeg_bytes()
    entry = manifest_entry(data)
    body = inspection_body(world, answers=[{"item": "T01", "value": "fail"}], photos=[entry])
    inspection_uuid, response = put_inspection(world.client("street"), body)
    assert response.status_code == 201
    return inspection_uuid, entry, data


def pack(world, client):
    return client.get("/api/v1/pack/")


def history(world, client):
    return client.get("/api/v1/inspections/")


def submit(world, client):
    return put_inspection(client, inspection_body(world))[1]


def status(world, client):
    inspection_uuid, _entry, _data = _stored_with_photo(world)
    return client.get(f"/api/v1/inspections/{inspection_uuid}/")


def upload_photo(world, client):
    inspection_uuid, entry, data = _stored_with_photo(world)
    return put_photo(client, inspection_uuid, entry["uuid"], data)


def original(world, client):
    inspection_uuid, entry, data = _stored_with_photo(world)
    assert put_photo(world.client("street"), inspection_uuid, entry["uuid"], data).status_code == 201
    return client.get(f"/api/v1/photos/{entry['uuid']}/original")


def schema(world, client):
    return client.get("/api/schema/")


def schema_docs(world, client):
    return client.get("/api/schema/docs/")


# endpoint → expected status for (admin, street, other_community, office, company, anonymous)
MATRIX = {
    pack: (200, 200, 200, 200, 200, 401),
    history: (200, 200, 200, 200, 200, 401),
    submit: (201, 201, 403, 403, 403, 401),
    status: (200, 200, 404, 404, 404, 401),
    upload_photo: (404, 201, 404, 404, 404, 401),  # only the uploader sends the photos of an inspection
    original: (200, 200, 404, 404, 404, 401),
    schema: (200, 200, 200, 200, 200, 200),
    schema_docs: (200, 200, 200, 200, 200, 200),
}

CASES = [
    pytest.param(endpoint, who, expected, id=f"{endpoint.__name__}-{who or 'anonymous'}")
    for endpoint, row in MATRIX.items()
    for who, expected in zip(WHO, row, strict=True)
]


@pytest.mark.parametrize(("endpoint", "who", "expected"), CASES)
def test_authorization_matrix(world, endpoint, who, expected):
    before = Inspection.objects.count()
    response = endpoint(world, world.client(who))
    assert response.status_code == expected
    if expected >= 400 and endpoint is submit:
        assert Inspection.objects.count() == before  # a refusal stores nothing
    if expected == 401:
        assert response.json()["error"]["code"] == "not_authenticated"


# --- covert results stay hidden from the inspected parties until published ------------------------------


@pytest.fixture
def covert_and_weekly(world):
    """A covert inspection of company1's bin station and of office1's unit, and a weekly visit at the station."""
    unit_covert = make_version(PlaceKind.PUBLIC_INSTITUTION, Regime.MONTHLY_COVERT)
    client = world.client("street")
    covert = {"regime": "monthly_covert"}
    covert_bs, _ = put_inspection(client, inspection_body(world, checklist_version=world.covert.pk, **covert))
    unit_body = inspection_body(world, checklist_version=unit_covert.pk, place=world.unit1.code, **covert)
    covert_unit, response = put_inspection(client, unit_body)
    assert response.status_code == 201
    weekly, _ = put_inspection(client, inspection_body(world))
    return covert_bs, covert_unit, weekly


def _listed(world, who: str) -> set[str]:
    return {row["uuid"] for row in world.client(who).get("/api/v1/inspections/").json()["results"]}


def _publish_month_of(world, inspection_uuid: str) -> None:
    """The street admin computes, reviews and publishes the monthly list that contains an inspection."""
    inspection = Inspection.objects.get(uuid=inspection_uuid)
    month = period_of(PeriodKind.MONTH, inspection.inspected_at)
    admin = world.users["admin"]
    draft = publication_draft(street=world.street, period_kind=PeriodKind.MONTH, period=month, user=admin)
    for category in draft.data["categories"]:
        for key in category["black"]:
            draft = publication_review(publication=draft, key=key, photo_ids=[])
    publication_publish(publication=draft, user=admin)


def test_covert_results_are_hidden_from_company_and_office_until_published(world, covert_and_weekly):
    covert_bs, covert_unit, weekly = covert_and_weekly

    assert _listed(world, "company") == {weekly}
    assert _listed(world, "office") == set()
    assert _listed(world, "street") == {covert_bs, covert_unit, weekly}
    for who in ("company", "office"):
        for hidden in (covert_bs, covert_unit):
            assert world.client(who).get(f"/api/v1/inspections/{hidden}/").status_code == 404

    _publish_month_of(world, covert_bs)

    assert Inspection.objects.filter(uuid__in=[covert_bs, covert_unit], covert_released_at__isnull=False).count() == 2
    assert _listed(world, "company") == {covert_bs, weekly}
    assert _listed(world, "office") == {covert_unit}


def test_covert_results_are_hidden_from_community_inspectors(world, covert_and_weekly):
    covert_bs, _covert_unit, weekly = covert_and_weekly
    assert _listed(world, "community") == {weekly}
    assert covert_bs not in _listed(world, "community")


def test_a_uuid_unknown_and_a_uuid_of_someone_else_look_the_same(world):
    inspection_uuid, _entry, _data = _stored_with_photo(world)
    client = world.client("company")
    mine = client.get(f"/api/v1/inspections/{inspection_uuid}/")
    unknown = client.get(f"/api/v1/inspections/{uuid.uuid4()}/")
    assert mine.status_code == unknown.status_code == 404
    assert mine.json() == unknown.json()
