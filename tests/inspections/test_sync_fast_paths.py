"""The sync path's shortcuts (issue 10, point 4) answer exactly what the ORM and the frameworks answer, and nothing
they keep between requests outlives a change: a checklist version published, a scope changed, a login revoked.

Speed itself is shown by bench/ingest.py and bench/replay.py, never timed here."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.db.models.signals import pre_save
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from backend.messages import LazyFallbackStorage
from checklists.models import PlaceKind, Regime
from checklists.services import version_publish
from inspections.api.negotiation import JsonFirstNegotiation
from inspections.models import Inspection, Place, Profile, Role, TokenRevocation
from inspections.rows import insert
from inspections.scopes import inspectable_place, places_inspectable_by
from inspections.selectors.people import user_with_profile
from inspections.services.inspection_document import _place_and_version, geodesic_m
from inspections.services.sync import _REPLAY_FIELDS, _stored
from inspections.services.tokens import tokens_revoke
from rectifications.models import RectificationCase

from .scope_streets import user_with
from .sync_world import inspection_body, make_version, put_inspection

User = get_user_model()


def _jwt_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return client


def _values(instance, names=None) -> dict:
    fields = instance._meta.concrete_fields
    return {f.attname: getattr(instance, f.attname) for f in fields if names is None or f.attname in names}


# --- reads in hand-written SQL equal the ORM's -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_user_with_profile_and_revocation_is_what_select_related_returns(world):
    street = world.users["street"]
    TokenRevocation.objects.create(user=street, revoked_at=timezone.now())
    root = User.objects.create_superuser("root", "root@example.com", "x")  # neither profile nor revocation
    for user in (street, world.users["community"], root):
        orm = User.objects.select_related("profile", "token_revocation").get(pk=user.pk)
        fast = user_with_profile("id", user.pk)
        assert _values(fast) == _values(orm) and fast._state.adding is False and fast._state.db == "default"
        with CaptureQueriesContext(connection) as ctx:
            profile = getattr(fast, "profile", None)
            revocation = getattr(fast, "token_revocation", None)
            assert profile is None or profile.user is fast
        assert ctx.captured_queries == []
        assert (profile and _values(profile)) == (getattr(orm, "profile", None) and _values(orm.profile))
        assert (revocation and _values(revocation)) == (
            getattr(orm, "token_revocation", None) and _values(orm.token_revocation)
        )
    assert user_with_profile("id", 10**9) is None


def test_the_stored_inspection_and_the_place_and_version_are_what_the_orm_returns(world):
    body = inspection_body(world)
    inspection_uuid, response = put_inspection(world.client("street"), body)
    assert response.status_code == 201
    orm = Inspection.objects.get(uuid=inspection_uuid)
    fast = _stored(uuid.UUID(inspection_uuid))
    assert _values(fast, _REPLAY_FIELDS) == _values(orm, _REPLAY_FIELDS)
    assert fast.body == orm.body  # deferred: loaded when read, still right
    assert _stored(uuid.uuid4()) is None

    place, grandparent_id, version = _place_and_version(world.bs1.code, world.weekly.pk)
    assert _values(place) == _values(Place.objects.get(pk=world.bs1.pk)) and grandparent_id == world.comm1.pk
    assert (version.pk, version.state, version.fingerprint, version.number, version.checklist_id) == (
        world.weekly.pk, world.weekly.state, world.weekly.fingerprint, world.weekly.number, world.weekly.checklist_id
    )
    assert (version.checklist_place_kind, version.checklist_regime) == (PlaceKind.BIN_STATION, Regime.WEEKLY_GUIDANCE)
    assert _place_and_version(world.bs1.code, 10**6)[2] is None
    assert _place_and_version("NO-SUCH-PLACE", world.weekly.pk) == (None, None, None)


@pytest.mark.django_db
def test_the_scope_check_in_python_agrees_with_places_inspectable_by_for_every_role(scope_streets):
    s, t = scope_streets["S"], scope_streets["T"]
    users = [
        user_with(Role.ADMIN, street=s),
        user_with(Role.STREET_INSPECTOR, street=s),
        user_with(Role.STREET_INSPECTOR, street=t),
        user_with(Role.COMMUNITY_INSPECTOR, street=s, communities=[scope_streets["A"]]),
        user_with(Role.COMMUNITY_INSPECTOR, street=s, communities=list(Place.objects.filter(kind="community"))),
        user_with(Role.COMMUNITY_INSPECTOR, street=s),  # no community
        user_with(Role.OFFICE_VIEWER, street=s, office=scope_streets["O1"]),
        user_with(Role.COMPANY_USER, street=s, company=scope_streets["X"]),
        User.objects.create_superuser("root", "root@example.com", "x"),
        User.objects.create_user("nobody", password="x"),  # no profile, not a superuser
    ]
    inactive = user_with(Role.STREET_INSPECTOR, street=s)
    inactive.is_active = False
    inactive.save()
    users.append(inactive)
    places = list(Place.objects.select_related("parent"))
    for user in users:
        expected = set(places_inspectable_by(user).values_list("pk", flat=True))
        for place in places:
            grandparent_id = place.parent.parent_id if place.parent_id else None
            assert inspectable_place(user, place, grandparent_id=grandparent_id) == (place.pk in expected), (
                user.username, place.code,
            )


def test_the_geodesic_distance_is_geopys_to_the_last_bit():
    from geopy.distance import geodesic

    for a, b in [((29.5915, 106.4622), (29.5912, 106.4621)), ((0.0, 0.0), (0.0, 179.5)), ((-89.9, 10), (89.9, -170)),
                 ((29.5631, 106.4561), (29.5631, 106.4561))]:
        assert geodesic_m(*a, *b) == geodesic(a, b).meters


@pytest.mark.django_db
def test_insert_writes_what_save_writes_and_is_save_when_something_listens(world):
    now = timezone.now()

    def row(**overrides):
        return Inspection(
            uuid=uuid.uuid4(), uploader=world.users["street"], checklist_version=world.weekly, place=world.bs1,
            regime=Regime.WEEKLY_GUIDANCE, finished_at=now, received_at=now, inspected_at=now, flags=["no_fix"],
            fingerprint="f" * 64, body={"a": [1, "二"]}, **overrides,
        )

    fast, slow = row(), row()
    insert(fast, connections["default"])
    slow.save(force_insert=True)
    assert fast.pk and fast._state.adding is False
    stored = {f: v for f, v in _values(Inspection.objects.get(pk=fast.pk)).items() if f not in ("id", "uuid")}
    assert stored == {f: v for f, v in _values(Inspection.objects.get(pk=slow.pk)).items() if f not in ("id", "uuid")}

    seen = []
    receiver = lambda sender, instance, **kwargs: seen.append(instance)  # noqa: E731
    pre_save.connect(receiver, sender=Inspection)
    try:
        listened = row()
        insert(listened, connections["default"])
    finally:
        pre_save.disconnect(receiver, sender=Inspection)
    assert seen == [listened] and Inspection.objects.filter(pk=listened.pk).exists()


# --- nothing kept between requests outlives a change ------------------------------------------------------------


def test_a_version_published_between_two_puts_is_taken_by_the_second(world):
    draft = make_version(PlaceKind.BIN_STATION, Regime.QUARTERLY_ASSESSMENT, state="draft")
    client = _jwt_client(world.users["street"])
    body = inspection_body(world, checklist_version=draft.pk, regime=Regime.QUARTERLY_ASSESSMENT)

    _, refused = put_inspection(client, body)
    assert refused.status_code == 400 and "checklist_version" in refused.json()["error"]["fields"]

    version_publish(version=draft)
    _, accepted = put_inspection(client, body)
    assert accepted.status_code == 201


def _out_of_scope(response) -> list[str]:
    """The second PUT after a change of scope is stored for review (docs/sync.md "Out of scope"): what was out."""
    assert response.status_code == 201, response.content
    assert "out_of_scope" in response.json()["flags"]
    return Inspection.objects.get(uuid=response.json()["uuid"]).scope_lapses["on_arrival"]


def test_a_scope_changed_between_two_puts_decides_the_second(world):
    community = world.users["community"]
    client = _jwt_client(community)  # the same token throughout: the scope is read on every request
    first = put_inspection(client, inspection_body(world))[1]
    assert first.status_code == 201 and "out_of_scope" not in first.json()["flags"]

    community.profile.communities.set([world.comm2])
    assert _out_of_scope(put_inspection(client, inspection_body(world))[1]) == ["scope_changed"]

    street = world.users["street"]
    street_client = _jwt_client(street)
    assert "out_of_scope" not in put_inspection(street_client, inspection_body(world))[1].json()["flags"]
    other = type(world.street).objects.create(code="S2", name="另一街道")
    Profile.objects.filter(user=street).update(street=other)
    assert _out_of_scope(put_inspection(street_client, inspection_body(world))[1]) == ["scope_changed"]

    world.bs1.retire()
    assert _out_of_scope(put_inspection(_jwt_client(world.users["admin"]), inspection_body(world))[1]) == [
        "place_retired"
    ]


def test_a_token_validated_once_is_still_refused_when_revoked_deactivated_or_expired(world):
    street = world.users["street"]
    client = _jwt_client(street)
    body = inspection_body(world)
    inspection_uuid, first = put_inspection(client, body)
    assert first.status_code == 201

    with time_machine.travel(timezone.now() + timedelta(seconds=2), tick=False):
        tokens_revoke(user=street)
        assert put_inspection(client, body, inspection_uuid)[1].status_code == 401

    admin = world.users["admin"]
    admin_client = _jwt_client(admin)
    assert admin_client.get("/api/v1/me/").status_code == 200
    User.objects.filter(pk=admin.pk).update(is_active=False)
    assert admin_client.get("/api/v1/me/").status_code == 401

    community_client = _jwt_client(world.users["community"])
    assert community_client.get("/api/v1/me/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        response = community_client.get("/api/v1/me/")
    assert response.status_code == 401 and response.json()["error"]["code"] == "token_not_valid"


# --- framework shortcuts ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "text/html", "application/json; indent=4",
                                    "text/html,application/xhtml+xml,*/*;q=0.8"])
@pytest.mark.parametrize("query", ["", "format=json"])
def test_the_json_first_negotiation_answers_what_drfs_answers(accept, query):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(RequestFactory().get(f"/api/v1/me/?{query}", **headers))
    renderers = [JSONRenderer(), BrowsableAPIRenderer()]

    def outcome(negotiation):
        try:
            renderer, media_type = negotiation.select_renderer(request, renderers)
        except NotAcceptable:
            return "406"
        return type(renderer), media_type

    assert outcome(JsonFirstNegotiation()) == outcome(DefaultContentNegotiation())


def test_an_unsatisfiable_accept_header_is_still_406(world):
    response = world.client("street").get("/api/v1/me/", HTTP_ACCEPT="text/plain")
    assert response.status_code == 406


@pytest.mark.django_db
def test_the_lazy_message_storage_stores_and_reads_messages_and_makes_nothing_unused(client):
    request = RequestFactory().get("/")
    request.session = client.session
    unused = LazyFallbackStorage(request)
    unused.update(None)
    assert "storages" not in unused.__dict__

    storage = LazyFallbackStorage(request)
    storage.add(20, "已保存")
    assert [m.message for m in storage] == ["已保存"]
    assert [type(s).__name__ for s in storage.storages] == ["CookieStorage", "SessionStorage"]


def test_a_first_put_takes_a_fixed_handful_of_queries(world):
    client = world.client("street")  # authenticated already: the user's own query is not counted
    with CaptureQueriesContext(connection) as ctx:
        assert put_inspection(client, inspection_body(world))[1].status_code == 201
    # The UUID; the place with the version (one query); the version's checklist and items (this test version has no
    # fingerprint, so its rules are not kept); the savepoint; the inspection; its answers (one executemany); the
    # period score: the place chain, the own sums, the score rows, a write for each of the three levels; the release.
    # The body fails two items flagged to open rectification cases (T02, T03): the flagged failed items, the
    # inspection's findings so far, the place with its parents, the live cases, the next case number, then one
    # INSERT each for the cases, their findings and their events; PostgreSQL also locks the places and the street.
    locks = 2 if connection.features.has_select_for_update else 0
    assert len(ctx.captured_queries) <= 15 + 8 + locks
    assert RectificationCase.objects.count() == 2
