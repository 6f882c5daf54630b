"""GET /api/v1/pack/: everything a phone needs offline, with ETag / If-None-Match (SYNC.md rule 8)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checklists.models import ChecklistVersion, PlaceKind, Regime
from inspections.models import Inspection, Place

from .sync_world import inspection_body, make_version, put_inspection

WEDNESDAY = datetime(2026, 5, 13, 2, 0, tzinfo=UTC)  # ISO week 2026-W20, Monday 11 May to Sunday 17 May


def _codes(pack: dict) -> list[str]:
    return [place["code"] for place in pack["places"]]


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_pack_of_a_community_inspector(world):
    response = world.client("community").get("/api/v1/pack/")

    assert response.status_code == 200
    pack = response.json()
    assert pack["server_time"] == "2026-05-13T10:00:00+08:00"
    assert pack["user"] == {
        "username": "comm1", "display_name": "comm1名", "role": "community_inspector", "regimes": ["weekly_guidance"],
    }
    assert _codes(pack) == ["T-C1", "T-C1-P1", "T-C1-P1-B1", "T-C1-U1"]
    bs1 = next(p for p in pack["places"] if p["code"] == "T-C1-P1-B1")
    assert bs1 == {
        "code": "T-C1-P1-B1", "name": "投放点一", "kind": "bin_station", "parent": "T-C1-P1", "company": None,
        "lat": 29.5912, "lng": 106.4621, "radius_m": 100, "qr": world.bs1.qr_token,
    }
    compound = next(p for p in pack["places"] if p["code"] == "T-C1-P1")
    assert compound["company"] == "物业一" and compound["radius_m"] == 300
    # Only the regimes the user may run, every place kind, and only published versions.
    assert {c["regime"] for c in pack["checklists"]} == {"weekly_guidance"}
    ours = next(c for c in pack["checklists"] if c["id"] == world.weekly.pk)
    assert ours["place_kind"] == "bin_station" and [i["code"] for i in ours["items"]][:3] == ["T01", "T02", "T03"]
    t03 = next(i for i in ours["items"] if i["code"] == "T03")
    assert (t03["points"], t03["target"], t03["per_percent"], t03["per_fault"]) == (40.0, 90.0, 2.0, None)
    published = set(ChecklistVersion.objects.filter(state="published", checklist__regime="weekly_guidance")
                    .values_list("pk", flat=True))
    assert {c["id"] for c in pack["checklists"]} == published
    assert pack["assignments"] == [
        {"place": "T-C1-P1", "regime": "weekly_guidance", "period": "2026-W20", "due_by": "2026-05-17"},
        {"place": "T-C1-U1", "regime": "weekly_guidance", "period": "2026-W20", "due_by": "2026-05-17"},
    ]
    assert pack["policy"]["poor_accuracy_m"] == 50 and pack["policy"]["max_clock_skew_s"] == 300
    assert pack["policy"]["radius_m"]["bin_station"] == 100
    assert pack["policy"]["grade_bands"][0] == {"min_score": 90.0, "grade": "excellent"}


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_visit_to_a_bin_station_this_week_clears_its_compound(world):
    body = inspection_body(world, finished_at="2026-05-12T09:00:00+08:00")
    _, response = put_inspection(world.client("community"), body)
    assert response.status_code == 201
    assert Inspection.objects.get().place == world.bs1

    pack = world.client("community").get("/api/v1/pack/").json()

    assert [a["place"] for a in pack["assignments"]] == ["T-C1-U1"]


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_visit_last_week_or_a_voided_one_leaves_the_assignment(world):
    put_inspection(world.client("community"), inspection_body(world, finished_at="2026-05-10T09:00:00+08:00"))
    _, response = put_inspection(world.client("community"), inspection_body(
        world, finished_at="2026-05-12T09:00:00+08:00", device_id="dev-2"))
    assert response.status_code == 201
    Inspection.objects.filter(inspected_at__gte=datetime(2026, 5, 11, tzinfo=UTC)).update(voided=True)
    assert Inspection.objects.filter(voided=False).count() == 1

    pack = world.client("community").get("/api/v1/pack/").json()

    assert [a["place"] for a in pack["assignments"]] == ["T-C1-P1", "T-C1-U1"]


@time_machine.travel(WEDNESDAY, tick=False)
def test_street_staff_have_no_weekly_assignments(world):
    """They may guide anywhere in the street, but no place is their weekly duty: nothing is marked due."""
    for role in ("street", "admin"):
        pack = world.client(role).get("/api/v1/pack/").json()
        assert "weekly_guidance" in pack["user"]["regimes"] and len(pack["places"]) > 4
        assert pack["assignments"] == []


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_community_inspector_is_assigned_only_their_communities(world):
    pack = world.client("other_community").get("/api/v1/pack/").json()
    assert [a["place"] for a in pack["assignments"]] == ["T-C2-P1"]


def test_street_staff_get_every_active_place_and_every_regime(world):
    world.bs2.retire()
    pack = world.client("street").get("/api/v1/pack/").json()
    assert world.bs2.code not in _codes(pack)
    assert world.bs1.code in _codes(pack) and world.compound2.code in _codes(pack)
    assert {c["regime"] for c in pack["checklists"]} == {r.value for r in Regime}
    assert world.covert.pk in {c["id"] for c in pack["checklists"]}


def test_readers_get_an_empty_pack(world):
    pack = world.client("company").get("/api/v1/pack/").json()
    assert pack["places"] == [] and pack["checklists"] == [] and pack["assignments"] == []
    assert pack["user"]["role"] == "company_user" and pack["user"]["regimes"] == []


def test_anonymous_is_refused(world):
    response = world.client(None).get("/api/v1/pack/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_an_unchanged_pack_answers_304_and_a_change_gives_a_new_tag(world):
    client = world.client("street")
    first = client.get("/api/v1/pack/")
    etag = first["ETag"]
    assert first["Cache-Control"] == "private, no-cache"

    again = client.get("/api/v1/pack/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again["ETag"] == etag and not again.content

    draft = make_version(PlaceKind.BIN_STATION, Regime.QUARTERLY_ASSESSMENT, state="draft")
    assert client.get("/api/v1/pack/", headers={"If-None-Match": etag}).status_code == 304  # drafts are not sent
    draft.state = ChecklistVersion.State.PUBLISHED
    draft.save()
    changed = client.get("/api/v1/pack/", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert draft.pk in {c["id"] for c in changed.json()["checklists"]}


def test_the_number_of_queries_does_not_grow_with_places_or_versions(world):
    client = world.client("street")
    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/pack/")
    for n in range(20):
        compound = Place.objects.create(
            street=world.street, kind=PlaceKind.COMPOUND, code=f"X-{n}", name=f"小区{n}", parent=world.comm2,
            lat=Decimal("29.5"), lng=Decimal("106.4"),
        )
        Place.objects.create(
            street=world.street, kind=PlaceKind.BIN_STATION, code=f"X-{n}-B", name="点", parent=compound
        )
    for kind in (PlaceKind.COMPOUND, PlaceKind.PUBLIC_PLACE):
        make_version(kind, Regime.MONTHLY_COVERT)
    with CaptureQueriesContext(connection) as large:
        response = client.get("/api/v1/pack/")
    assert response.status_code == 200 and len(response.json()["places"]) > 40
    assert len(large.captured_queries) == len(small.captured_queries) <= 8
