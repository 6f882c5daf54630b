"""Street scoping, generated from the URL configuration and the admin registry.

Two streets of the same shape: 甲 (codes "A~…", every name with 甲) and 乙 (codes "B~…", names with 乙). Every
route of `get_resolver()` and every registered admin is requested by each role of street 甲 (all of them staff
with every model permission: scoping, not missing permissions, must keep them out), by a superuser, by a staff
user without a profile and anonymously, once aimed at street 甲's objects and once at street 乙's. Nothing of
乙 may come back to anyone but the superuser (no "B~" or "乙" in any answer, spreadsheets unzipped), nothing
of 乙 may change (a snapshot of every street-scoped table), and the roles that should reach 甲's objects do.

A new route fails `test_every_route_is_classified` until it has a line in ROUTES; a new admin fails
`test_every_admin_is_street_scoped` until it derives from inspections.admin.scoping.StreetScopedAdmin.
"""

from __future__ import annotations

import functools
import io
import json
import uuid
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import URLPattern, get_resolver, reverse

from checklists.models import PlaceKind, Regime
from inspections.admin.scoping import SHARED, SUPERUSER_ONLY, ScopedChoicesMixin, StreetScopedAdmin
from inspections.models import Place, Street
from rectifications.models import RectificationCase
from rectifications.services import case_answer, case_open_manual
from tests.plans.matrix import covert_plan, covert_task, task_change
from tests.rankings.support import Versions, ex_answer_list

from .two_streets import ROLES, StreetData, World, assert_no_leak, snapshot, text_of, walk

# Who asks. The roles are of street 甲; every one of them is staff with every model permission.
WHO = (*ROLES, "superuser", "no_profile", "anonymous")
STAFF = frozenset({"admin", "street_inspector", "superuser"})  # scopes.is_staff_reader, and superusers
ADMINS = frozenset({"admin", "superuser"})  # publish lists, manage people, revoke logins
PROFILED = frozenset({*ROLES, "superuser"})
INSPECTORS = frozenset({"admin", "street_inspector", "community_inspector", "superuser"})
NOBODY = frozenset()
DENIED = {301, 302, 400, 401, 403, 404, 405, 409}


# --- routes: how each is aimed at a street, and who should reach its own street's objects ------------------


def _fill(matrix_world: World, t: str, name: str, probe: Probe):
    d = matrix_world.streets[t]
    values = {
        "code": d.good.code, "qr_token": d.station.qr_token, "uuid": str(d.inspection.uuid),
        "photo_uuid": str(d.photo.uuid), "photo_id": d.photo.pk, "variant": "display",
        "app_label": "inspections", "url": "nothing/here/",
        "old_id": matrix_world.versions.cache[(PlaceKind.COMPOUND, Regime.MONTHLY_COVERT)].pk,
        "new_id": matrix_world.versions.cache[(PlaceKind.COMPOUND, Regime.MONTHLY_COVERT)].pk,
        "path": d.photo.display,
    }
    if name in probe.kwargs:
        return probe.kwargs[name](d)
    if name not in values:
        raise KeyError(f"say which object {name!r} is for this route: Probe(kwargs={{{name!r}: ...}})")
    return values[name]


@dataclass(frozen=True)
class Probe:
    """One request to a route.

    reach: who gets `success` when aimed at their own street (others: a refusal, or an answer without the other
    street); other: "deny" (a refusal for everyone but the superuser) or "hide" (a 200 is fine if nothing of
    the other street is in it); public: published, for everyone, leaks allowed (both streets are public)."""

    method: str = "GET"
    reach: frozenset = STAFF
    success: int = 200
    other: str = "deny"
    kwargs: dict = field(default_factory=dict)
    query: object = None  # callable(StreetData) -> dict
    data: object = None  # callable(StreetData) -> form dict, ("json", dict) or ("multipart", dict); "inspection"
    public: bool = False
    aimed: bool = True  # False: the route takes nothing of a street (run once, as "own")


def _case_id(answered: bool = False):
    """A case of the street's compound, made by the services (once per test); answered for a re-check."""
    def made(d: StreetData) -> int:
        case = RectificationCase.objects.filter(place=d.good, item_code="ZZ").first()
        if case is None:
            case = case_open_manual(place=d.good, item_code="ZZ", item_label="桶身脏污", by=d.users["admin"],
                                    reason="矩阵测试")
            if answered:
                case_answer(case=case, by=d.users["company_user"], note="已整改")
        return case.pk
    return made


def _new_uuid(d: StreetData) -> str:
    return str(uuid.uuid4())


CASE_STEP = {"id": _case_id(), "uuid": _new_uuid, "photo_uuid": _new_uuid}
RECHECK_STEP = {**CASE_STEP, "id": _case_id(answered=True)}


def _pub(attr):
    return lambda d: getattr(d, attr).pk


def _case(d: StreetData) -> int:
    return RectificationCase.objects.filter(street=d.street).order_by("pk").first().pk


STATIC = Probe(reach=NOBODY, other="hide", aimed=False)  # pages without street data: nothing may leak
SELF = Probe(reach=PROFILED, other="hide", aimed=False)  # about the caller only
PUBLIC = Probe(reach=frozenset(WHO), public=True, aimed=False)  # published: for everyone, whatever the street


def _inspection_body(d: StreetData, versions: Versions):
    version = versions(PlaceKind.BIN_STATION, Regime.WEEKLY_GUIDANCE)
    return ("json", {
        "checklist_version": version.pk, "place": d.station.code, "regime": "weekly_guidance", "device_id": "m",
        "started_at": "2026-05-10T09:12:03+08:00", "finished_at": "2026-05-10T09:20:41+08:00",
        "location": None, "answers": ex_answer_list(), "photos": [],
    })


#: Every route of the URL configuration, by name (or pattern when unnamed): one or more probes.
#: Adding a route = one line here. Admin pages of registered models (changelist, add, change, history,
#: delete and the redirect `<id>/`) are generated from the registry and tested below, not listed here.
ROUTES: dict[str, tuple[Probe, ...]] = {
    # Django admin, site-wide pages
    "admin:index": (STATIC,),
    "admin:login": (STATIC,),
    "admin-login": (STATIC,),  # the same page through inspections.login_guard.admin_login (429 when locked)
    "admin:logout": (Probe(method="POST", reach=NOBODY, other="hide", aimed=False),),
    "admin:password_change": (STATIC,),
    "admin:password_change_done": (STATIC,),
    "admin:jsi18n": (STATIC,),
    "admin:app_list": (STATIC,),
    "admin:autocomplete": (STATIC,),  # per field: test_admin_autocomplete
    "admin:view_on_site": (Probe(reach=NOBODY, kwargs={"content_type_id": lambda d: ContentType.objects
                                                       .get_for_model(Place).pk, "object_id": lambda d: d.good.pk}),),
    "pattern:admin/(?P<url>.*)$": (STATIC,),
    # Django admin, extra pages of registered admins
    "admin:inspections_place_import": (
        Probe(reach=ADMINS | {"street_inspector"}, aimed=False, other="hide"),
        Probe(method="POST", reach=ADMINS | {"street_inspector"}, other="hide", data=lambda d: {
            "file": SimpleUploadedFile("p.csv", f"code,name,kind,parent,households\n{d.street.code[0]}~N,新小区,"
                                       f"compound,{d.community.code},100\n".encode()),
            "crs": "wgs84", "street": d.street.pk}),
    ),
    "admin:inspections_inspection_outbox_import": (Probe(reach=ADMINS, aimed=False, other="hide"),),
    "admin:checklists_checklistversion_import": (Probe(reach=frozenset({"superuser"}), aimed=False, other="hide"),),
    "admin:checklists_checklistversion_diff": (Probe(reach=STAFF | {"community_inspector", "office_viewer",
                                                                     "company_user", "no_profile"},
                                                     aimed=False, other="hide"),),
    "admin:auth_user_password_change": (Probe(reach=ADMINS, kwargs={"id": lambda d: d.users["street_inspector"].pk}),),
    "set_language": (Probe(method="POST", reach=NOBODY, other="hide", aimed=False, success=302,
                           data=lambda d: {"language": "zh-hans"}),),
    # API
    "checklists:list": (SELF,),
    "api-pack": (SELF,),
    "api-inspections": (SELF,),
    "api-inspection": (
        Probe(reach=STAFF),
        Probe(method="PUT", reach=INSPECTORS, success=201, kwargs={"uuid": lambda d: str(uuid.uuid4())},
              data="inspection"),
    ),
    "api-inspection-photo": (Probe(method="PUT", reach=NOBODY, data=lambda d: ("multipart", {
        "file": io.BytesIO(b"not a photo")})),),
    "api-photo-original": (Probe(kwargs={"uuid": lambda d: str(d.photo.uuid)}),),
    "api-rectifications": (SELF,),
    "api-rectification-answer": (Probe(method="PUT", reach=frozenset({"company_user"}), success=201, kwargs=CASE_STEP,
                                       data=lambda d: ("json", {"note": "已清理"})),),
    "api-rectification-answer-photo": (Probe(method="PUT", reach=NOBODY, kwargs=CASE_STEP, data=lambda d: (
        "multipart", {"file": io.BytesIO(b"not a photo")})),),
    "api-rectification-recheck": (Probe(method="PUT", reach=INSPECTORS, success=201, kwargs=RECHECK_STEP,
                                        data=lambda d: ("json", {"fixed": True})),),
    "api-rectification-recheck-photo": (Probe(method="PUT", reach=NOBODY, kwargs=RECHECK_STEP, data=lambda d: (
        "multipart", {"file": io.BytesIO(b"not a photo")})),),
    "api-schema": (STATIC,),
    "api-schema-docs": (STATIC,),
    "api-auth-token": (Probe(method="POST", reach=NOBODY, other="hide", aimed=False, data=lambda d: ("json", {})),),
    "api-auth-refresh": (Probe(method="POST", reach=NOBODY, other="hide", aimed=False, data=lambda d: ("json", {})),),
    # Logout needs only the refresh token itself (possession is the right to end it): no street in play
    "api-auth-logout": (Probe(method="POST", reach=NOBODY, other="hide", aimed=False,
                              data=lambda d: ("json", {"refresh": "not-a-token"})),),
    "api-auth-revoke": (Probe(method="POST", reach=ADMINS, data=lambda d: ("json", {
        "username": d.users["street_inspector"].username})),),
    "api-me": (SELF,),
    "api-public-lists": (PUBLIC,),
    "api-public-list": (Probe(reach=frozenset(WHO), public=True, kwargs={"pk": _pub("published")}),),
    # Public pages (published lists of every street: public by design)
    "public:index": (PUBLIC,),
    "public:list": (Probe(reach=frozenset(WHO), public=True, kwargs={"pk": _pub("published")}),),
    "public:poster": (Probe(reach=frozenset(WHO), public=True, kwargs={"pk": _pub("published")}),),
    "public:category": (Probe(reach=frozenset(WHO), public=True, kwargs={"pk": _pub("published"),
                                                                          "category": lambda d: "compound"}),),
    "public:rules": (PUBLIC,),
    # Photo files (inspections/media.py): an exposure photo's display copy is public while its list is published;
    # the original is for the street's staff only
    "photo-file": (
        Probe(reach=frozenset(WHO), public=True, kwargs={"uuid": lambda d: str(d.photo.uuid),
                                                         "variant": lambda d: "display"}),
        Probe(kwargs={"uuid": lambda d: str(d.photo.uuid), "variant": lambda d: "original"}),
    ),
    # Staff desk pages
    "staff-labels": (Probe(reach=INSPECTORS),),
    "staff-logout": (Probe(method="POST", reach=NOBODY, other="hide", aimed=False, success=302),),
    "staff-dashboard": (Probe(other="hide", query=lambda d: {"street": d.street.pk}),),
    "staff-place-history": (Probe(kwargs={"pk": lambda d: d.good.pk}),),
    "staff-rankings": (Probe(other="hide", aimed=False),),
    "staff-ranking-draft": (Probe(method="POST", reach=ADMINS, success=302, data=lambda d: {
        "street": d.street.pk, "period_kind": "month", "period": "2026-06"}),),
    "staff-ranking": (Probe(kwargs={"pk": _pub("draft")}),),
    "staff-ranking-recompute": (Probe(method="POST", reach=ADMINS, success=302, kwargs={"pk": _pub("published")}),),
    "staff-ranking-review": (Probe(method="POST", reach=ADMINS, success=302, kwargs={"pk": _pub("draft")},
                                   data=lambda d: {"key": f"place:{d.bad.pk}", "reviewed": "1"}),),
    "staff-ranking-publish": (Probe(method="POST", reach=ADMINS, success=302, kwargs={"pk": _pub("draft")}),),
    "staff-ranking-export": (Probe(kwargs={"pk": _pub("published")}),),
    "staff-ledger-export": (Probe(query=lambda d: {"street": d.street.pk, "period_kind": "month",
                                                   "period": "2026-05"}),),
    "staff-ranking-photo-withdraw": (Probe(method="POST", reach=ADMINS, success=302, kwargs={
        "pk": _pub("published"), "photo_id": lambda d: d.photo.pk}, data=lambda d: {"reason": "误选"}),),
    # Plans: street staff read, street admins write; the draw's page is public
    "staff-plans": (Probe(other="hide", query=lambda d: {"street": d.street.pk}),),
    "staff-plan-build": (Probe(method="POST", reach=ADMINS, success=302, data=lambda d: {
        "street": d.street.pk, "regime": "monthly_covert", "period": "2026-08"}),),
    "staff-plan": (Probe(kwargs={"pk": lambda d: covert_plan(d).pk}),),
    "staff-plan-commit": (Probe(method="POST", reach=ADMINS, success=302, kwargs={
        "pk": lambda d: covert_plan(d, "2026-07", commit=False).pk}),),
    "staff-plan-reveal": (Probe(method="POST", reach=ADMINS, success=302, kwargs={
        "pk": lambda d: covert_plan(d, "2026-05").pk}),),
    "staff-assignment-change": (
        Probe(reach=ADMINS, kwargs={"pk": lambda d: covert_task(d).pk}),
        Probe(method="POST", reach=ADMINS, success=302, kwargs={"pk": lambda d: covert_task(d).pk}, data=task_change),
    ),
    "public-draw": (Probe(reach=frozenset(WHO), public=True, kwargs={"pk": lambda d: covert_plan(d).draw.pk}),),
    # The case desk (整改台账); a notice also for the company responsible
    "staff-cases": (Probe(other="hide", aimed=False),),
    "staff-cases-export": (Probe(other="hide", aimed=False),),
    "staff-case": (Probe(kwargs={"pk": _case}),),
    "staff-case-notice": (Probe(reach=STAFF | {"company_user"}, kwargs={"pk": _case}),),
    "staff-party-notice": (Probe(reach=STAFF | {"company_user"}, kwargs={"party": lambda d: "company",
                                                                          "pk": lambda d: d.company.pk}),),
    "staff-case-withdraw": (Probe(method="POST", reach=ADMINS, success=302, kwargs={"pk": _case},
                                  data=lambda d: {"reason": "误报"}),),
    "staff-case-release": (Probe(method="POST", reach=ADMINS, success=302, kwargs={"pk": _case},
                                 data=lambda d: {"reason": "急需整改"}),),
    "staff-case-open": (Probe(method="POST", reach=ADMINS, success=302, data=lambda d: {
        "place": d.good.code, "item_code": "ZZ1", "item_label": "手工发现的问题", "reason": "巡查发现"}),),
    # The PWA and its files
    "app-shell": (STATIC,),
    "app-qr": (STATIC,),
    "app-serviceworker": (STATIC,),
    "favicon": (PUBLIC,),  # an image: bytes, no street data
    "serviceworker": (STATIC,),
    "manifest": (STATIC,),
    "offline": (STATIC,),
}
OPTIONAL_ROUTES: set[str] = set()  # routes present only under some settings (none today: /media/ is never mapped)

ADMIN_MODEL_SUFFIXES = ("changelist", "add", "change", "history", "delete")


def _admin_model_route(key: str, full: str) -> bool:
    """Routes generated for each registered admin: tested from the registry."""
    for model in admin.site._registry:
        app, name = model._meta.app_label, model._meta.model_name
        if key in {f"admin:{app}_{name}_{suffix}" for suffix in ADMIN_MODEL_SUFFIXES}:
            return True
        if full == f"admin/{app}/{name}/<path:object_id>/":
            return True
    return False


@functools.cache
def all_routes() -> dict[str, tuple[str, URLPattern]]:
    routes = {}
    for full, name, pattern in walk(get_resolver()):
        key = name or f"pattern:{full}"
        if not _admin_model_route(key, full):
            routes[key] = (full, pattern)
    return routes


def test_every_route_is_classified():
    routes = all_routes()
    unclassified = sorted(set(routes) - set(ROUTES))
    assert not unclassified, f"add these routes to ROUTES in {__name__} (one line each): {unclassified}"
    stale = sorted(set(ROUTES) - set(routes) - OPTIONAL_ROUTES)
    assert not stale, f"ROUTES lists routes that no longer exist: {stale}"


def _cases():
    for key, probes in ROUTES.items():
        for i, probe in enumerate(probes):
            for who in WHO:
                for target in ("A", "B") if probe.aimed else ("A",):
                    yield pytest.param(key, i, who, target, id=f"{key}-{probe.method}-{who}-{target}")


UNNAMED = {"pattern:admin/(?P<url>.*)$": "/admin/{url}", "pattern:^media/(?P<path>.*)$": "/media/{path}"}


def _url(matrix_world: World, key: str, probe: Probe, target: str) -> str:
    """The route's URL with its arguments (named by the pattern) filled from the target street's objects."""
    _full, pattern = all_routes()[key]
    kwargs = {name: _fill(matrix_world, target, name, probe) for name in pattern.pattern.regex.groupindex}
    if key.startswith("pattern:"):
        return UNNAMED[key].format(**kwargs)  # unnamed: no reverse(); add the route's shape to UNNAMED
    return reverse(key, kwargs=kwargs)


def _send(client: Client, probe: Probe, url: str, d: StreetData, matrix_world: World):
    query = probe.query(d) if probe.query else None
    data = _inspection_body(d, matrix_world.versions) if probe.data == "inspection" else (
        probe.data(d) if probe.data else None)
    if probe.method == "GET":
        return client.get(url, query)
    if isinstance(data, tuple) and data[0] == "json":
        return client.generic(probe.method, url, json.dumps(data[1]), content_type="application/json")
    if isinstance(data, tuple) and data[0] == "multipart":
        return client.generic(probe.method, url, encode_multipart(BOUNDARY, data[1]), content_type=MULTIPART_CONTENT)
    if probe.method == "POST":
        return client.post(url, data or {})
    return client.generic(probe.method, url)


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "index", "who", "target"), list(_cases()))
def test_route(matrix_world, photo_files, key, index, who, target):
    routes = all_routes()
    if key not in routes:
        assert key in OPTIONAL_ROUTES, f"{key} is not a route"
        return  # a DEBUG-only route, absent here
    probe = ROUTES[key][index]
    d = matrix_world.streets[target]
    url = _url(matrix_world, key, probe, target)
    client = matrix_world.client(who)  # before the snapshot: logging in stamps last_login
    before = {t: snapshot(matrix_world.streets[t].street) for t in "AB"} if probe.method != "GET" else None

    response = _send(client, probe, url, d, matrix_world)
    label = f"{probe.method} {url} ({target})"

    assert response.status_code < 500, label
    if not probe.public:
        assert_no_leak(response, who, label)
    if before is not None and who != "superuser":
        assert snapshot(matrix_world.streets["B"].street) == before["B"], f"{label}: {who} changed the other street"
        if who not in probe.reach:
            unchanged = snapshot(matrix_world.streets["A"].street) == before["A"]
            assert unchanged, f"{label}: {who} changed what they may not"
    if target == "A" and who in probe.reach:
        assert response.status_code == probe.success, label
        if response.status_code == 302:
            assert "/login/" not in response["Location"], label
    elif target == "B" and probe.other == "deny" and who != "superuser" and not probe.public:
        assert response.status_code in DENIED, label
    elif target == "A" and who == "anonymous" and not probe.public and probe.reach:
        # 404 where a route hides whether the object exists (photo files)
        assert response.status_code in {302, 401, 403, 404}, label


# --- the admin, from its registry ------------------------------------------------------------------------------


def _admins():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def test_every_admin_is_street_scoped():
    for model, model_admin in _admins():
        assert isinstance(model_admin, StreetScopedAdmin), f"{model._meta.label}: derive from StreetScopedAdmin"
        assert model_admin.street_path, f"{model._meta.label}: set street_path"
        if model_admin.street_path not in (SHARED, SUPERUSER_ONLY):
            model._default_manager.filter(**{model_admin.street_path: 1})  # a valid lookup path
        for inline in model_admin.inlines:
            assert issubclass(inline, ScopedChoicesMixin), f"{model._meta.label}: {inline.__name__} needs the mixin"


def _object(model, model_admin, street: Street):
    path = model_admin.street_path
    if path in (SHARED, SUPERUSER_ONLY):
        return None
    return model._default_manager.filter(**{path: street.pk}).distinct().order_by("pk").first()


ADMIN_VIEW_ONLY_FOR_ADMINS = {"inspections.AuditEvent"}  # read by the lead office only


def _reaches_own(who: str, model, model_admin) -> bool:
    if who == "superuser":
        return True
    if who not in ("admin", "street_inspector") or model_admin.street_path == SUPERUSER_ONLY:
        return False
    return not (who == "street_inspector" and model._meta.label in ADMIN_VIEW_ONLY_FOR_ADMINS)


@pytest.mark.django_db
@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("label", [m._meta.label for m, _a in _admins()])
def test_admin_pages(matrix_world, label, who):
    model, model_admin = next((m, a) for m, a in _admins() if m._meta.label == label)
    client = matrix_world.client(who)
    info = model._meta.app_label, model._meta.model_name
    own, other = (_object(model, model_admin, matrix_world.streets[t].street) for t in "AB")

    changelist = client.get(reverse("admin:{}_{}_changelist".format(*info)))
    assert changelist.status_code < 500
    assert_no_leak(changelist, who, f"{label} changelist")
    if changelist.status_code == 200 and own is not None:
        shown = {str(pk) for pk in changelist.context["cl"].result_list.values_list("pk", flat=True)}
        assert (str(own.pk) in shown) == _reaches_own(who, model, model_admin), f"{label} changelist: {who}"
    add = client.get(reverse("admin:{}_{}_add".format(*info)))
    assert add.status_code < 500
    assert_no_leak(add, who, f"{label} add")  # foreign-key and many-to-many choices
    for view in ("change", "history", "delete"):
        if own is not None:
            response = client.get(reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[own.pk]))
            assert response.status_code < 500
            assert_no_leak(response, who, f"{label} {view} own")
            if view in ("change", "history"):
                assert (response.status_code == 200) == _reaches_own(who, model, model_admin), \
                    f"{label} {view} own: {who} got {response.status_code}"
        if other is not None:
            response = client.get(reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[other.pk]))
            if who == "superuser":
                assert response.status_code in (200, 403), f"{label} {view}"
            else:
                assert response.status_code in DENIED, f"{label} {view} other: {who} got {response.status_code}"
                assert_no_leak(response, who, f"{label} {view} other")


def _actions():
    """Every action of every admin (its own and the site's, such as delete_selected)."""
    for model, model_admin in _admins():
        if model_admin.actions is None:
            continue
        for action in model_admin.actions:
            yield model._meta.label, action if isinstance(action, str) else action.__name__
        for name, _function in admin.site.actions:
            yield model._meta.label, name


@pytest.mark.django_db
@pytest.mark.parametrize("who", [w for w in WHO if w != "superuser"])
@pytest.mark.parametrize(("label", "action"), sorted(set(_actions())))
def test_admin_actions_never_touch_the_other_street(matrix_world, label, action, who):
    model, model_admin = next((m, a) for m, a in _admins() if m._meta.label == label)
    other = _object(model, model_admin, matrix_world.streets["B"].street)
    if other is None:
        other = model._default_manager.order_by("pk").first()  # shared models: must stay as they are too
    if other is None:
        return
    client = matrix_world.client(who)
    before = snapshot(matrix_world.streets["B"].street)
    shared_before = list(model._default_manager.order_by("pk").values())
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    response = client.post(url, {
        "action": action, "_selected_action": [other.pk], "index": 0, "post": "yes", "apply": "1",
        "reason": "越权测试",
    })

    assert response.status_code < 500
    assert_no_leak(response, who, f"{label} {action}")
    assert snapshot(matrix_world.streets["B"].street) == before
    if model_admin.street_path in (SHARED, SUPERUSER_ONLY):
        assert list(model._default_manager.order_by("pk").values()) == shared_before


def _autocompletes():
    for model, model_admin in _admins():
        for field_name in model_admin.autocomplete_fields:
            yield model._meta.app_label, model._meta.model_name, field_name


@pytest.mark.django_db
@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize(("app_label", "model_name", "field_name"), list(_autocompletes()))
def test_admin_autocomplete(matrix_world, app_label, model_name, field_name, who):
    response = matrix_world.client(who).get(reverse("admin:autocomplete"), {
        "app_label": app_label, "model_name": model_name, "field_name": field_name, "term": ""})

    assert response.status_code < 500
    assert_no_leak(response, who, f"autocomplete {model_name}.{field_name}")
    if who in ("admin", "street_inspector", "superuser"):
        assert response.status_code == 200 and "甲" in text_of(response)


def test_there_are_autocompletes_and_actions_to_test():
    assert list(_autocompletes()) and len(set(_actions())) >= 8
