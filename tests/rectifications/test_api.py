"""The phone's case API: answers by the responsible party, re-checks by inspectors, their photos; exactly once."""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from PIL import Image
from rest_framework_simplejwt.tokens import AccessToken

from checklists.models import Regime
from inspections.models import Office, Role
from rectifications.models import CaseEvent, CasePhoto, CaseState, EventKind, RectificationCase
from rectifications.services import case_release
from tests.rankings.support import user_with

from .world import World, local

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {AccessToken.for_user(user)}"}, HTTP_ACCEPT_LANGUAGE="zh-hans")


def put_json(client: Client, url: str, body) -> object:
    return client.put(url, json.dumps(body), content_type="application/json")


def put_photo(client: Client, url: str, data: bytes) -> object:
    return client.generic("PUT", url, encode_multipart(BOUNDARY, {"file": io.BytesIO(data)}),
                          content_type=MULTIPART_CONTENT)


def camera_jpeg(color: tuple[int, int, int]) -> bytes:
    """A JPEG as a phone's camera writes it: with EXIF (a time and a GPS position)."""
    exif = Image.Exif()
    exif[0x0132] = "2026:05:12 09:30:00"
    exif.get_ifd(0x8825).update({1: "N", 2: (29.0, 35.0, 0.0), 3: "E", 4: (106.0, 27.0, 0.0)})
    buffer = io.BytesIO()
    Image.new("RGB", (96, 64), color).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def declared(data: bytes) -> dict:
    return {"uuid": str(uuid.uuid4()), "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def answer_url(case: RectificationCase, step: str, photo: str | None = None) -> str:
    return f"/api/v1/rectifications/{case.pk}/answers/{step}/" + (f"photos/{photo}/" if photo else "")


def recheck_url(case: RectificationCase, step: str, photo: str | None = None) -> str:
    return f"/api/v1/rectifications/{case.pk}/rechecks/{step}/" + (f"photos/{photo}/" if photo else "")


def company_case(world: World, *, regime: str = Regime.WEEKLY_GUIDANCE) -> RectificationCase:
    world.inspect(world.xb, {"A": "fail"}, regime=regime)
    return RectificationCase.objects.get(place=world.xb, item_code="A")


def counts() -> tuple[int, int, int]:
    return CaseEvent.objects.count(), CasePhoto.objects.count(), RectificationCase.objects.filter(
        state=CaseState.ANSWERED).count()


def test_an_answer_is_stored_once_and_a_replay_writes_nothing(world, monday_may_11):
    case = company_case(world)
    client, step = api(world.users["company"]), str(uuid.uuid4())
    photos = [camera_jpeg((200, 30, 30)), camera_jpeg((30, 200, 30))]
    body = {"note": "已清理桶身并张贴指引", "photos": [declared(p) for p in photos]}

    first = put_json(client, answer_url(case, step), body)

    assert first.status_code == 201, first.content
    assert first.json()["status"] == "awaiting_photos"
    assert first.json()["case"]["state"] == "answered"
    assert set(first.json()["missing_photos"]) == {p["uuid"] for p in body["photos"]}
    stored = counts()
    again = put_json(client, answer_url(case, step), body)
    assert again.status_code == 200
    assert again.json()["uuid"] == step and again.json()["case"]["state"] == "answered"
    assert counts() == stored
    assert CaseEvent.objects.filter(case=case, kind=EventKind.ANSWERED).count() == 1


def test_another_body_under_the_same_uuid_is_a_conflict(world, monday_may_11):
    case = company_case(world)
    client, step = api(world.users["company"]), str(uuid.uuid4())
    assert put_json(client, answer_url(case, step), {"note": "已整改"}).status_code == 201
    stored = counts()

    response = put_json(client, answer_url(case, step), {"note": "另一个说明"})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert response.json()["error"]["fingerprint"]
    assert counts() == stored


def test_photos_go_through_the_pipeline_and_come_out_without_metadata(world, monday_may_11):
    case = company_case(world)
    client, step = api(world.users["company"]), str(uuid.uuid4())
    data = camera_jpeg((200, 30, 30))
    photo = declared(data)
    put_json(client, answer_url(case, step), {"note": "已整改", "photos": [photo]})

    first = put_photo(client, answer_url(case, step, photo["uuid"]), data)
    again = put_photo(client, answer_url(case, step, photo["uuid"]), data)

    assert first.status_code == 201, first.content
    assert first.json()["step"]["status"] == "complete"
    assert again.status_code == 200
    stored = CasePhoto.objects.get(uuid=photo["uuid"])
    assert stored.received_at is not None and stored.exif_lat is not None  # read for checking, from the original
    for name in (stored.display, stored.thumbnail):
        derivative = Path(settings.MEDIA_ROOT) / name
        with Image.open(derivative) as img:
            assert not img.getexif() and "exif" not in img.info
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / stored.original).read_bytes() == data
    other = camera_jpeg((0, 0, 200))
    assert put_photo(client, answer_url(case, step, photo["uuid"]), other).status_code == 409


def test_a_photo_before_its_answer_or_not_an_image_is_refused(world, monday_may_11):
    case = company_case(world)
    client, step = api(world.users["company"]), str(uuid.uuid4())
    junk = b"not a photo at all"
    assert put_photo(client, answer_url(case, step, str(uuid.uuid4())), junk).status_code == 404
    photo = declared(junk)
    put_json(client, answer_url(case, step), {"note": "已整改", "photos": [photo]})
    response = put_photo(client, answer_url(case, step, photo["uuid"]), junk)
    assert response.status_code == 400
    assert CasePhoto.objects.get(uuid=photo["uuid"]).received_at is None


def test_invalid_answers_are_refused_and_nothing_is_stored(world, monday_may_11):
    case = company_case(world)
    client = api(world.users["company"])
    stored = counts()
    too_many = [declared(bytes([n])) for n in range(4)]
    for body in ({}, {"note": ""}, {"note": "x" * 1001}, {"note": "ok", "photos": too_many}, [1], "text",
                 {"note": "ok", "photos": [{"uuid": "x", "sha256": "y", "bytes": -1}]}):
        response = put_json(client, answer_url(case, str(uuid.uuid4())), body)
        assert response.status_code == 400, body
        assert response.json()["error"]["code"] in ("invalid", "malformed")
    assert counts() == stored


def test_a_case_of_another_company_or_covert_and_unreleased_is_not_found(world, monday_may_11):
    other_company = world.company.__class__.objects.create(code="PC-other", name="别家物业")
    stranger = user_with(Role.COMPANY_USER, world.street, "company-other", company=other_company)
    case = company_case(world)
    covert = RectificationCase.objects.get(pk=company_case_covert(world).pk)
    stored = counts()

    assert put_json(api(stranger), answer_url(case, str(uuid.uuid4())), {"note": "已整改"}).status_code == 404
    hidden = put_json(api(world.users["company"]), answer_url(covert, str(uuid.uuid4())), {"note": "已整改"})
    assert hidden.status_code == 404
    assert hidden.json()["error"]["code"] == "case_not_found"
    assert put_json(api(world.users["company"]), "/api/v1/rectifications/999999/answers/"
                    f"{uuid.uuid4()}/", {"note": "x"}).status_code == 404
    assert counts() == stored
    pack = api(world.users["company"]).get("/api/v1/pack/").json()
    assert [c["number"] for c in pack["cases"]] == [case.number]


def company_case_covert(world: World) -> RectificationCase:
    world.inspect(world.x, {"B": 3}, regime=Regime.MONTHLY_COVERT)
    return RectificationCase.objects.get(place=world.x, item_code="B")


def test_inspectors_may_not_answer_and_parties_may_not_recheck(world, monday_may_11):
    case = company_case(world)
    assert put_json(api(world.users["inspector"]), answer_url(case, str(uuid.uuid4())),
                    {"note": "x"}).status_code == 404
    assert put_json(api(world.users["company"]), recheck_url(case, str(uuid.uuid4())),
                    {"fixed": True}).status_code == 404


def test_a_unit_case_is_answered_by_the_office_that_oversees_the_unit(world, monday_may_11):
    office = Office.objects.create(street=world.street, code="OF-1", name="经发办")
    world.u.office = office
    world.u.save(update_fields=["office"])
    officer = user_with(Role.OFFICE_VIEWER, world.street, "officer", office=office)
    world.inspect(world.ub, {"A": "fail"})
    case = RectificationCase.objects.get(place=world.ub, item_code="A")
    assert put_json(api(officer), answer_url(case, str(uuid.uuid4())), {"note": "已整改"}).status_code == 201


def test_a_recheck_fixed_closes_the_case_once(world, monday_may_11):
    case = company_case(world)
    put_json(api(world.users["company"]), answer_url(case, str(uuid.uuid4())), {"note": "已整改"})
    inspector, step = api(world.users["inspector"]), str(uuid.uuid4())
    pack = inspector.get("/api/v1/pack/").json()
    assert [c["number"] for c in pack["rechecks"]] == [case.number]
    photo_data = camera_jpeg((10, 10, 10))
    body = {"fixed": True, "note": "已整改到位", "photos": [declared(photo_data)],
            "location": {"lat": 29.58, "lng": 106.45, "accuracy": 8, "captured_at": "2026-05-11T10:00:00+08:00"}}

    first = put_json(inspector, recheck_url(case, step), body)
    stored = counts()
    again = put_json(inspector, recheck_url(case, step), body)

    assert first.status_code == 201, first.content
    assert again.status_code == 200 and counts() == stored
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    event = CaseEvent.objects.get(client_uuid=step)
    assert event.kind == EventKind.CLOSED and event.details["location"]["lat"] == 29.58
    photo = body["photos"][0]["uuid"]
    assert put_photo(inspector, recheck_url(case, step, photo), photo_data).status_code == 201
    assert inspector.get("/api/v1/pack/").json()["rechecks"] == []


def test_not_fixed_reopens_and_a_second_failure_escalates(world, monday_may_11):
    case = company_case(world)
    inspector = api(world.users["inspector"])
    for expected in (CaseState.OPEN, CaseState.ESCALATED):
        put_json(api(world.users["company"]), answer_url(case, str(uuid.uuid4())), {"note": "已整改"})
        response = put_json(inspector, recheck_url(case, str(uuid.uuid4())), {"fixed": False, "note": "仍有混投"})
        assert response.status_code == 201, response.content
        case.refresh_from_db()
        assert case.state == expected
    assert case.deadline > local(2026, 5, 11).date()


def test_a_recheck_of_a_case_not_due_is_a_conflict(world, monday_may_11):
    case = company_case(world)  # open, not answered, not overdue
    response = put_json(api(world.users["inspector"]), recheck_url(case, str(uuid.uuid4())), {"fixed": True})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "illegal_transition"
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.CLOSED).exists()


def test_a_uuid_used_for_another_case_is_taken(world, monday_may_11):
    case = company_case(world)
    world.inspect(world.xb, {"B": 2})
    second = RectificationCase.objects.get(place=world.xb, item_code="B")
    client, step = api(world.users["company"]), str(uuid.uuid4())
    assert put_json(client, answer_url(case, step), {"note": "已整改"}).status_code == 201
    response = put_json(client, answer_url(second, step), {"note": "已整改"})
    assert response.status_code == 409 and response.json()["error"]["code"] == "uuid_taken"



def test_invalid_rechecks_are_refused_and_nothing_is_stored(world, monday_may_11):
    case = company_case(world)
    put_json(api(world.users["company"]), answer_url(case, str(uuid.uuid4())), {"note": "已整改"})
    client = api(world.users["inspector"])
    stored = counts()
    for body in ({}, {"fixed": "maybe"}, {"fixed": True, "location": {"lat": 91, "lng": 0}},
                 {"fixed": True, "location": {"lat": 1, "lng": 1, "captured_at": "yesterday"}},
                 {"fixed": True, "note": "\u0000"}, {"fixed": True, "photos": "none"}, None):
        response = put_json(client, recheck_url(case, str(uuid.uuid4())), body)
        assert response.status_code == 400, body
    for path_id in ("²", "-1", "1" * 30, "abc"):
        response = put_json(client, f"/api/v1/rectifications/{path_id}/rechecks/{uuid.uuid4()}/", {"fixed": True})
        assert response.status_code == 404, path_id
    assert counts() == stored
    case.refresh_from_db()
    assert case.state == CaseState.ANSWERED


def test_the_pack_carries_the_cases_and_its_etag_changes_with_them(world, monday_may_11):
    client = api(world.users["company"])
    empty = client.get("/api/v1/pack/")
    assert empty.json()["cases"] == [] and empty.json()["rechecks"] == []
    assert client.get("/api/v1/pack/", HTTP_IF_NONE_MATCH=empty["ETag"]).status_code == 304
    case = company_case(world)

    changed = client.get("/api/v1/pack/", HTTP_IF_NONE_MATCH=empty["ETag"])

    assert changed.status_code == 200
    [document] = changed.json()["cases"]
    assert document == {
        "id": case.pk, "number": case.number, "place": world.xb.code, "place_name": world.xb.name,
        "items": [{"code": "A", "label": "问题A"}], "severity": "normal", "deadline": case.deadline.isoformat(),
        "state": "open", "overdue": False, "opened_at": document["opened_at"], "evidence": [],
    }
    assert client.get("/api/v1/pack/", HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 304
    assert api(world.users["inspector"]).get("/api/v1/pack/").json()["rechecks"] == []  # open, not overdue


def test_an_overdue_open_case_is_due_for_recheck(world, monday_may_11):
    case = company_case(world)
    monday_may_11.move_to(local(2026, 6, 1))
    [due] = api(world.users["inspector"]).get("/api/v1/pack/").json()["rechecks"]
    assert due["id"] == case.pk and due["overdue"] is True
    assert api(world.users["company"]).get("/api/v1/rectifications/").json()["cases"][0]["overdue"] is True


def test_a_covert_case_shows_once_an_admin_releases_it(world, monday_may_11):
    covert = company_case_covert(world)
    client = api(world.users["company"])
    assert client.get("/api/v1/pack/").json()["cases"] == []

    case_release(case=covert, by=world.users["admin"], reason="问题严重，需立即整改")

    assert [c["number"] for c in client.get("/api/v1/pack/").json()["cases"]] == [covert.number]
    assert put_json(client, answer_url(covert, str(uuid.uuid4())), {"note": "已整改"}).status_code == 201


def test_a_replay_costs_a_few_queries_whatever_the_photos(world, monday_may_11, django_assert_max_num_queries):
    case = company_case(world)
    client, step = api(world.users["company"]), str(uuid.uuid4())
    body = {"note": "已整改", "photos": [declared(bytes([n])) for n in range(3)]}
    assert put_json(client, answer_url(case, step), body).status_code == 201
    with django_assert_max_num_queries(8):
        assert put_json(client, answer_url(case, step), body).status_code == 200


def test_errors_speak_english_when_asked(world, monday_may_11):
    case = company_case_covert(world)
    client = Client(headers={"Authorization": f"Bearer {AccessToken.for_user(world.users['company'])}"})
    response = put_json_lang(client, answer_url(case, str(uuid.uuid4())), {"note": "x"}, "en")
    assert response.status_code == 404
    assert "case" in response.json()["error"]["message"].lower()


def put_json_lang(client: Client, url: str, body, language: str):
    return client.put(url, json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)
