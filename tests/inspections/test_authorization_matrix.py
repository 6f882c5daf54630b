"""Who may call what: every route of the URL configuration × every kind of caller → the expected answer.

ROUTES says, for each URL name, the status each caller gets (WHO order below) when the route is aimed at
street 甲's objects (tests/inspections/two_streets.py). `test_every_route_has_a_line` compares its names with
`get_resolver()`: a new route fails it, by name, until it has a line here.

Callers: anonymous, a superuser, each role of street 甲, and "other_street", the admin of street 乙 (the most
privileged person of another street) reaching for 甲's objects. Pages and desk pages get a session login; the
API (everything under /api/) a JWT access token in the Authorization header, as the phone sends it. A write by
a caller who is refused must leave every street-scoped table of both streets as it was (`snapshot`); an allowed
write marked `stores` must change street 甲's.

Not in the table, and why:
- admin/ (the Django admin and the guarded login at admin/login/): scoped by its registry, every admin page and
  action for every role in test_street_matrix.py (test_admin_pages, test_admin_actions_never_touch_the_other_street).
- i18n/ (Django's set_language): sets a cookie for whoever asks; no data, no role.
Every other route is here, the PWA's files included (public by design: the table says so).

Covert inspections (`test_covert_reads_before_and_after_publication`): the read routes of an inspection that no
list has released yet, for every caller, before and after street 甲's admin publishes the list that holds it.
"""

from __future__ import annotations

import functools
import io
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import URLPattern, get_resolver, reverse
from rest_framework_simplejwt.tokens import AccessToken

from checklists.models import PlaceKind, Regime
from inspections.models import Inspection, Photo
from rankings.publication import publication_draft, publication_publish, publication_review
from rectifications.models import RectificationCase
from rectifications.services import case_answer, case_open_manual
from tests.plans.matrix import covert_plan, covert_task, task_change
from tests.rankings.support import ex_answer_list

from .two_streets import StreetData, World, snapshot, walk

WHO = ("anonymous", "superuser", "admin", "street_inspector", "community_inspector", "office_viewer",
       "company_user", "other_street")
LOGIN = "login"  # a redirect to the login page
SKIPPED_PREFIXES = ("admin/", "i18n/")  # see the module docstring

# Rows of expected answers, in WHO order. ok(...) for a route everyone reaches alike.
def ok(status: int = 200) -> tuple:
    return (status,) * len(WHO)


API_READ = (401, 200, 200, 200, 200, 200, 200, 200)  # any logged-in person, about themselves
STAFF_PAGE = (LOGIN, 200, 200, 200, 403, 403, 403, 404)  # desk pages aimed at 甲's objects
STAFF_PAGE_UNAIMED = (LOGIN, 200, 200, 200, 403, 403, 403, 200)  # other_street sees their own street's
PUBLISHER = (LOGIN, 302, 302, 403, 403, 403, 403, 404)  # admins; other_street: 甲's list is not theirs
ADMIN_PAGE = (LOGIN, 200, 200, 403, 403, 403, 403, 404)  # a street admin's form about 甲's objects


@dataclass(frozen=True)
class Call:
    """One request to a route. `args`: path parameters from street 甲's objects (those not given are filled by
    name: `_default_args`); `body`: a form dict, ("json", dict) or ("multipart", dict); `stores`: an allowed call
    changes street 甲's stored state."""

    expect: tuple
    method: str = "GET"
    args: Callable[[StreetData], dict] | None = None
    query: Callable[[StreetData], dict] | None = None
    body: Callable[[StreetData, World], object] | None = None
    stores: bool = False


def _inspection_body(d: StreetData, w: World):
    version = w.versions(PlaceKind.BIN_STATION, Regime.WEEKLY_GUIDANCE)
    return ("json", {
        "checklist_version": version.pk, "place": d.station.code, "regime": "weekly_guidance", "device_id": "m",
        "started_at": "2026-05-10T09:12:03+08:00", "finished_at": "2026-05-10T09:20:41+08:00",
        "location": None, "answers": ex_answer_list(), "photos": [],
    })


def _case(d: StreetData, *, answered: bool = False) -> dict:
    """A case of 甲's compound (its property company answers it), made by the services; answered for a re-check."""
    case = case_open_manual(place=d.good, item_code="ZZ", item_label="桶身脏污", by=d.users["admin"],
                            reason="矩阵测试")
    if answered:
        case_answer(case=case, by=d.users["company_user"], note="已整改")
    return {"id": case.pk, "uuid": str(uuid.uuid4()), "photo_uuid": str(uuid.uuid4())}


PARTY_ONLY = (401, 404, 404, 404, 404, 404, 201, 404)  # the case's property company; a 404 for everyone else
INSPECTORS = (401, 201, 201, 201, 201, 404, 404, 404)  # whoever inspects the place (the community's too)
NO_STEP_YET = (401, 404, 404, 404, 404, 404, 404, 404)  # a photo of a step not received


def _published(d: StreetData) -> dict:
    return {"pk": d.published.pk}


def _draft(d: StreetData) -> dict:
    return {"pk": d.draft.pk}


def _desk_case(d: StreetData) -> dict:
    """The street's case from its May covert inspection (released by May's published list)."""
    return {"pk": RectificationCase.objects.filter(street=d.street).order_by("pk").first().pk}


CASE_NOTICE = (LOGIN, 200, 200, 200, 404, 404, 200, 404)  # staff, and the company responsible; others: no such case


ROUTES: dict[str, tuple[Call, ...]] = {
    # The sync API and the phone's logins (JWT)
    "checklists:list": (Call(API_READ),),
    "api-pack": (Call(API_READ),),
    "api-inspections": (Call(API_READ),),
    "api-inspection": (
        # the status of an inspection: its uploader (the street inspector) and street staff
        Call((401, 200, 200, 200, 404, 404, 404, 404)),
        Call((401, 201, 201, 201, 201, 403, 403, 403), method="PUT", args=lambda d: {"uuid": str(uuid.uuid4())},
             body=_inspection_body, stores=True),
    ),
    # Only the uploader sends photos, and only those of the manifest: a stored photo is not sent again
    "api-inspection-photo": (Call((401, 404, 404, 409, 404, 404, 404, 404), method="PUT",
                                  body=lambda d, w: ("multipart", {"file": io.BytesIO(b"not a photo")})),),
    # Rectification cases from a phone (rectifications/api.py)
    "api-rectifications": (Call(API_READ),),
    "api-rectification-answer": (Call(PARTY_ONLY, method="PUT", args=_case, stores=True,
                                      body=lambda d, w: ("json", {"note": "已清理"})),),
    "api-rectification-answer-photo": (Call(NO_STEP_YET, method="PUT", args=_case,
                                            body=lambda d, w: ("multipart", {"file": io.BytesIO(b"not a photo")})),),
    "api-rectification-recheck": (Call(INSPECTORS, method="PUT", args=lambda d: _case(d, answered=True),
                                       stores=True, body=lambda d, w: ("json", {"fixed": True})),),
    "api-rectification-recheck-photo": (Call(NO_STEP_YET, method="PUT", args=lambda d: _case(d, answered=True),
                                             body=lambda d, w: ("multipart", {"file": io.BytesIO(b"x")})),),
    "api-photo-original": (Call((401, 200, 200, 200, 404, 404, 404, 404), args=lambda d: {"uuid": str(d.photo.uuid)}),),
    "api-schema": (Call(ok()),),
    "api-schema-docs": (Call(ok()),),
    # Logins: open to anyone; an empty or bogus body is refused the same way whoever sends it
    "api-auth-token": (Call(ok(400), method="POST", body=lambda d, w: ("json", {})),),
    "api-auth-refresh": (Call(ok(400), method="POST", body=lambda d, w: ("json", {})),),
    "api-auth-logout": (Call(ok(401), method="POST", body=lambda d, w: ("json", {"refresh": "not-a-token"})),),
    # A person outside the admin's street is "no such user" (400), as an unknown name is
    "api-auth-revoke": (Call((401, 200, 200, 403, 403, 403, 403, 400), method="POST", stores=True, body=lambda d, w: (
        "json", {"username": d.users["street_inspector"].username})),),
    "api-me": (Call(API_READ),),
    # Published lists: public
    "api-public-lists": (Call(ok()),),
    "api-public-list": (Call(ok(), args=_published),),
    "public:index": (Call(ok()),),
    "public:list": (Call(ok(), args=_published),),
    "public:poster": (Call(ok(), args=_published),),
    "public:category": (Call(ok(), args=lambda d: {"pk": d.published.pk, "category": "compound"}),),
    "public:rules": (Call(ok()),),
    "favicon": (Call(ok()),),
    # Photo files: the display copy of an exposure photo on a published list is public; the original is for
    # the street's staff; whatever is refused is a 404, so that a photo's existence is never revealed
    "photo-file": (
        Call(ok(), args=lambda d: {"uuid": str(d.photo.uuid), "variant": "display"}),
        Call((404, 200, 200, 200, 404, 404, 404, 404),
             args=lambda d: {"uuid": str(d.photo.uuid), "variant": "original"}),
    ),
    # Desk pages (session login)
    "staff-logout": (Call((LOGIN,) * len(WHO), method="POST"),),  # back to the login page, whoever asks
    "staff-labels": (Call((LOGIN, 200, 200, 200, 200, 403, 403, 403)),),  # whoever may inspect the compound
    "staff-dashboard": (Call(STAFF_PAGE_UNAIMED, query=lambda d: {"street": d.street.pk}),),
    "staff-place-history": (Call(STAFF_PAGE, args=lambda d: {"pk": d.good.pk}),),
    "staff-rankings": (Call(STAFF_PAGE_UNAIMED),),
    "staff-ranking-draft": (Call((LOGIN, 302, 302, 403, 403, 403, 403, 404), method="POST", stores=True,
                                 body=lambda d, w: {"street": d.street.pk, "period_kind": "month",
                                                    "period": "2026-06"}),),
    "staff-ranking": (Call(STAFF_PAGE, args=_draft),),
    "staff-ranking-recompute": (Call(PUBLISHER, method="POST", args=_published, stores=True),),
    "staff-ranking-review": (Call(PUBLISHER, method="POST", args=_draft, stores=True,
                                  body=lambda d, w: {"key": f"place:{d.bad.pk}", "reviewed": "1"}),),
    # a revision of May's published list (a reason is required)
    "staff-ranking-publish": (Call(PUBLISHER, method="POST", args=_draft, stores=True,
                                   body=lambda d, w: {"reason": "更正"}),),
    "staff-ranking-export": (Call(STAFF_PAGE, args=_published),),
    "staff-ledger-export": (Call(STAFF_PAGE, query=lambda d: {
        "street": d.street.pk, "period_kind": "month", "period": "2026-05"}),),
    "staff-ranking-photo-withdraw": (Call(PUBLISHER, method="POST", stores=True, args=lambda d: {
        "pk": d.published.pk, "photo_id": d.photo.pk}, body=lambda d, w: {"reason": "误选"}),),
    # Plans (plans/staff.py): street staff read them, street admins make and change them; a covert plan and its
    # tasks reach nobody else. Its draw's public page: the commitment for everyone (the seed after the reveal).
    "staff-plans": (Call(STAFF_PAGE_UNAIMED, query=lambda d: {"street": d.street.pk}),),
    "staff-plan-build": (Call(PUBLISHER, method="POST", stores=True, body=lambda d, w: {
        "street": d.street.pk, "regime": "monthly_covert", "period": "2026-08"}),),
    "staff-plan": (Call(STAFF_PAGE, args=lambda d: {"pk": covert_plan(d).pk}),),
    "staff-plan-commit": (Call(PUBLISHER, method="POST", stores=True, args=lambda d: {
        "pk": covert_plan(d, "2026-07", commit=False).pk}),),
    "staff-plan-reveal": (Call(PUBLISHER, method="POST", stores=True, args=lambda d: {
        "pk": covert_plan(d, "2026-05").pk}),),  # May is over: revealed
    "staff-assignment-change": (
        Call(ADMIN_PAGE, args=lambda d: {"pk": covert_task(d).pk}),
        Call(PUBLISHER, method="POST", stores=True, args=lambda d: {"pk": covert_task(d).pk},
             body=lambda d, w: task_change(d)),
    ),
    "public-draw": (Call(ok(), args=lambda d: {"pk": covert_plan(d).draw.pk}),),
    # The case desk (整改台账): street staff; actions by street admins; a notice also for the company responsible
    "staff-cases": (Call(STAFF_PAGE_UNAIMED),),
    "staff-cases-export": (Call(STAFF_PAGE_UNAIMED),),
    "staff-case": (Call(STAFF_PAGE, args=_desk_case),),
    "staff-case-notice": (Call(CASE_NOTICE, args=_desk_case),),
    "staff-party-notice": (Call(CASE_NOTICE, args=lambda d: {"party": "company", "pk": d.company.pk}),),
    "staff-case-withdraw": (Call(PUBLISHER, method="POST", args=_desk_case, stores=True,
                                 body=lambda d, w: {"reason": "误报"}),),
    "staff-case-release": (Call(PUBLISHER, method="POST", args=_desk_case, stores=True,
                                body=lambda d, w: {"reason": "急需整改"}),),
    # a place of another street is "no such place" (400), as a typo is
    "staff-case-open": (Call((LOGIN, 302, 302, 403, 403, 403, 403, 400), method="POST", stores=True, body=lambda d, w: {
        "place": d.good.code, "item_code": "ZZ1", "item_label": "手工发现的问题", "reason": "巡查发现"}),),
    # The PWA: its shell and files, the same for everyone (the data comes through the API)
    "app-shell": (Call(ok()),),
    "app-qr": (Call(ok()),),
    "app-serviceworker": (Call(ok()),),
    "serviceworker": (Call(ok()),),
    "manifest": (Call(ok()),),
    "offline": (Call(ok()),),
}


@functools.cache
def url_routes() -> dict[str, tuple[str, URLPattern]]:
    """Named routes of the URL configuration outside SKIPPED_PREFIXES: name → (full route, pattern)."""
    routes = {}
    for full, name, pattern in walk(get_resolver()):
        if full.startswith(SKIPPED_PREFIXES):
            continue
        assert name, f"name the route {full!r}: the matrix finds routes by name"
        routes[name] = (full, pattern)
    return routes


def test_every_route_has_a_line():
    routes = set(url_routes())
    missing = sorted(routes - set(ROUTES))
    assert not missing, f"add these routes to ROUTES in {__name__} (who gets what): {missing}"
    stale = sorted(set(ROUTES) - routes)
    assert not stale, f"ROUTES lists routes that are not in the URL configuration: {stale}"


def _default_args(d: StreetData) -> dict:
    return {"code": d.good.code, "qr_token": d.station.qr_token, "uuid": str(d.inspection.uuid),
            "photo_uuid": str(d.photo.uuid)}


def _url(name: str, call: Call, d: StreetData) -> str:
    _full, pattern = url_routes()[name]
    given = {**_default_args(d), **(call.args(d) if call.args else {})}
    kwargs = {key: given[key] for key in pattern.pattern.regex.groupindex}
    return reverse(name, kwargs=kwargs)


def _user(matrix_world: World, who: str):
    if who == "other_street":
        return matrix_world.streets["B"].users["admin"]
    return matrix_world.user(who)


def client_for(matrix_world: World, who: str, *, api: bool) -> Client:
    """A session login for pages, a JWT access token for the API."""
    user = _user(matrix_world, who)
    if user is None:
        return Client()
    if api:
        return Client(headers={"Authorization": f"Bearer {AccessToken.for_user(user)}"})
    client = Client()
    client.force_login(user)
    return client


def _send(client: Client, call: Call, url: str, d: StreetData, matrix_world: World):
    query = call.query(d) if call.query else None
    if call.method == "GET":
        return client.get(url, query)
    body = call.body(d, matrix_world) if call.body else {}
    if isinstance(body, tuple) and body[0] == "json":
        return client.generic(call.method, url, json.dumps(body[1]), content_type="application/json")
    if isinstance(body, tuple) and body[0] == "multipart":
        return client.generic(call.method, url, encode_multipart(BOUNDARY, body[1]), content_type=MULTIPART_CONTENT)
    return client.post(url, body)


def row_counts() -> dict[str, int]:
    """Rows of every model of the project's apps and of the logins (sessions and the cache excepted: a login
    and a throttle counter are not something a refused request stored)."""
    labels = ("checklists", "inspections", "rectifications", "plans", "rankings", "auth", "token_blacklist")
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()
            if model._meta.app_label in labels}


def _cases():
    for name, calls in ROUTES.items():
        for index, call in enumerate(calls):
            for who, expected in zip(WHO, call.expect, strict=True):
                yield pytest.param(name, index, who, expected, id=f"{name}-{call.method}{index or ''}-{who}")


def _allowed(expected) -> bool:
    return expected != LOGIN and expected < 400


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "index", "who", "expected"), list(_cases()))
def test_route(matrix_world, photo_files, name, index, who, expected):
    call = ROUTES[name][index]
    d = matrix_world.streets["A"]
    full, _pattern = url_routes()[name]
    url = _url(name, call, d)
    # The client before the snapshot: a login stamps last_login.
    client = client_for(matrix_world, who, api=full.startswith("api/"))
    writes = call.method != "GET"
    before = ({t: snapshot(matrix_world.streets[t].street) for t in "AB"}, row_counts()) if writes else None

    response = _send(client, call, url, d, matrix_world)

    label = f"{call.method} {url} as {who}"
    if expected == LOGIN:
        assert response.status_code == 302 and "/login/" in response["Location"], label
    else:
        assert response.status_code == expected, f"{label}: {response.status_code}"
        if response.status_code in (301, 302):
            assert "/login/" not in response["Location"], label
        if response.status_code == 401 and set(call.expect) != {401}:  # not a login route refusing a token
            assert response.json()["error"]["code"] == "not_authenticated", label
    if writes:
        streets, counts = before
        assert snapshot(matrix_world.streets["B"].street) == streets["B"], f"{label} changed street 乙"
        if not _allowed(expected):
            assert snapshot(d.street) == streets["A"], f"{label}: refused, yet something was stored"
            assert row_counts() == counts, f"{label}: refused, yet rows were added or deleted"
        elif call.stores:
            assert snapshot(d.street) != streets["A"], f"{label}: allowed, yet nothing was stored"


def test_the_matrix_covers_every_caller_and_write():
    calls = [call for calls in ROUTES.values() for call in calls]
    assert all(len(call.expect) == len(WHO) for call in calls)
    assert {call.method for call in calls} == {"GET", "POST", "PUT"}


# --- covert inspections: hidden from the inspected parties until a list that holds them is published ---------


def _listed(response, inspection_uuid: str):
    if response.status_code != 200:
        return response.status_code
    return "listed" if inspection_uuid in {row["uuid"] for row in response.json()["results"]} else "hidden"


def _covert_reads(d: StreetData) -> dict[str, tuple[str, bool]]:
    """Read → (URL, through the API)."""
    inspection, photo = str(d.unreleased.uuid), str(d.unreleased_photo.uuid)
    return {
        "list": ("/api/v1/inspections/", True),
        "detail": (f"/api/v1/inspections/{inspection}/", True),
        "api-original": (f"/api/v1/photos/{photo}/original", True),
        "display": (f"/photos/{photo}/display/", False),
        "thumbnail": (f"/photos/{photo}/thumbnail/", False),
        "original": (f"/photos/{photo}/original/", False),
    }


H, L = "hidden", "listed"
# read → (before publication, after), each in WHO order. The exposure photo is reviewed onto the list: its
# derivatives become public; the original stays with street staff, the status with the uploader and staff.
COVERT = {
    "list": ((401, L, L, L, H, H, H, H), (401, L, L, L, L, H, L, H)),
    "detail": ((401, 200, 200, 200, 404, 404, 404, 404),) * 2,
    "api-original": ((401, 200, 200, 200, 404, 404, 404, 404),) * 2,
    "display": ((404, 200, 200, 200, 404, 404, 404, 404), ok()),
    "thumbnail": ((404, 200, 200, 200, 404, 404, 404, 404), ok()),
    "original": ((404, 200, 200, 200, 404, 404, 404, 404),) * 2,
}


def _publish_june(d: StreetData) -> None:
    """Street 甲's admin computes June's monthly list, puts the covert photo on the black entry, publishes."""
    chief = d.users["admin"]
    draft = publication_draft(street=d.street, period_kind="month", period="2026-06", user=chief)
    for category in draft.data["categories"]:
        for key in category["black"]:
            photos = [d.unreleased_photo.pk] if key == f"place:{d.bad.pk}" else []
            draft = publication_review(publication=draft, key=key, photo_ids=photos)
    publication_publish(publication=draft, user=chief)
    assert Inspection.objects.get(pk=d.unreleased.pk).covert_released_at is not None
    assert Photo.objects.get(pk=d.unreleased_photo.pk).public_on_list


@pytest.mark.django_db
@pytest.mark.parametrize("who", WHO)
def test_covert_reads_before_and_after_publication(matrix_world, photo_files, who):
    d = matrix_world.streets["A"]
    inspection = str(d.unreleased.uuid)
    reads = _covert_reads(d)
    clients = {api: client_for(matrix_world, who, api=api) for api in (True, False)}

    def answers() -> dict:
        seen = {}
        for read, (url, api) in reads.items():
            response = clients[api].get(url)
            seen[read] = _listed(response, inspection) if read == "list" else response.status_code
        return seen

    position = WHO.index(who)
    before = answers()
    _publish_june(d)
    after = answers()

    assert before == {read: rows[0][position] for read, rows in COVERT.items()}
    assert after == {read: rows[1][position] for read, rows in COVERT.items()}
