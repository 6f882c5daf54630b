"""Two streets of the same shape for the matrix tests (test_street_matrix.py, test_authorization_matrix.py).

Street 甲 (codes "A~…", every name with 甲) and street 乙 (codes "B~…", names with 乙), each with people of every
role (all staff with every model permission: scoping, not missing permissions, must keep them out), places,
covert inspections of May 2026 released by a published May list (a reviewed exposure photo on it; the vetoed one
opened a rectification case), and a
covert inspection of June 2026 with a photo that no list has released yet. Built once per test module by the
`matrix_world` fixture (conftest.py)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import URLPattern, URLResolver
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from checklists.models import PlaceKind, Regime
from inspections.admin.scoping import SHARED, SUPERUSER_ONLY
from inspections.models import (
    AuditEvent,
    Inspection,
    Office,
    Photo,
    Place,
    Profile,
    PropertyCompany,
    Role,
    Street,
    TokenRevocation,
)
from rankings.models import RankingPublication
from rankings.publication import publication_draft, publication_publish, publication_review
from rectifications.services import cases_follow_inspection
from tests.rankings.support import Versions, add_inspection, add_photo, local

User = get_user_model()
TAGS = {"A": "甲", "B": "乙"}
MARKERS = {"A": ("A~", "甲"), "B": ("B~", "乙")}
ROLES = ("admin", "street_inspector", "community_inspector", "office_viewer", "company_user")

# --- the two streets ---------------------------------------------------------------------------------------


@dataclass
class StreetData:
    street: Street
    office: Office
    company: PropertyCompany
    community: Place
    good: Place
    bad: Place
    station: Place
    unit: Place
    users: dict[str, User]
    inspection: Inspection
    photo: Photo
    published: RankingPublication
    draft: RankingPublication
    unreleased: Inspection  # covert, June 2026: no list contains it yet
    unreleased_photo: Photo


def build_street(t: str, versions: Versions, media_root: Path) -> StreetData:
    cn = TAGS[t]
    street = Street.objects.create(code=f"{t}~ST", name=f"{cn}街道")
    office = Office.objects.create(street=street, code=f"{t}~OF", name=f"{cn}经发办")
    company = PropertyCompany.objects.create(code=f"{t}~PC", name=f"{cn}物业")

    def place(kind, code, name, parent=None, **extra):
        return Place.objects.create(street=street, kind=kind, code=f"{t}~{code}", name=f"{cn}{name}", parent=parent,
                                    **extra)

    community = place(PlaceKind.COMMUNITY, "K", "社区")
    good = place(PlaceKind.COMPOUND, "G", "好小区", community, company=company)
    bad = place(PlaceKind.COMPOUND, "B", "差小区", community, company=company)
    station = place(PlaceKind.BIN_STATION, "G1", "一号投放点", good)
    unit = place(PlaceKind.ENTERPRISE, "U", "企业", community, office=office)
    place(PlaceKind.BIN_STATION, "U1", "企业投放点", unit)

    users = {}
    everything = list(Permission.objects.all())
    for role in ROLES:
        user = User.objects.create_user(f"{cn}{role}", is_staff=True)  # force_login only: no costly hash
        user.user_permissions.set(everything)
        profile = Profile.objects.create(
            user=user, role=role, street=street, display_name=f"{cn}{role}名",
            office=office if role == Role.OFFICE_VIEWER else None,
            company=company if role == Role.COMPANY_USER else None,
        )
        if role == Role.COMMUNITY_INSPECTOR:
            profile.communities.set([community])
        users[role] = user
        RefreshToken.for_user(user)  # an outstanding login for the token admins
    BlacklistedToken.objects.create(token=OutstandingToken.objects.filter(user=users["company_user"]).first())
    TokenRevocation.objects.create(user=users["company_user"], revoked_at=local(2026, 5, 1))

    covert = Regime.MONTHLY_COVERT
    add_inspection(good, covert, local(2026, 5, 5), 960, versions=versions)
    inspection = add_inspection(bad, covert, local(2026, 5, 6), 700, versions=versions, vetoed=True)
    add_inspection(station, Regime.WEEKLY_GUIDANCE, local(2026, 5, 7), 900, versions=versions)
    Inspection.objects.filter(place__street=street).update(uploader=users["street_inspector"])
    inspection.refresh_from_db()
    cases_follow_inspection(inspection=inspection)  # its failed veto item: a rectification case in each street
    photo = add_photo(inspection, media_root)  # the files again in each test's MEDIA_ROOT: photo_files

    chief = users["admin"]
    draft = publication_draft(street=street, period_kind="month", period="2026-05", user=chief)
    publication_review(publication=draft, key=f"place:{bad.pk}", photo_ids=[photo.pk])
    published = publication_publish(publication=draft, user=chief)
    second = publication_draft(street=street, period_kind="month", period="2026-05", user=chief)
    second = publication_review(publication=second, key=f"place:{bad.pk}", photo_ids=[photo.pk])  # publishable
    unreleased = add_inspection(bad, covert, local(2026, 6, 3), 650, versions=versions, vetoed=True)
    Inspection.objects.filter(pk=unreleased.pk).update(uploader=users["street_inspector"])
    unreleased.refresh_from_db()
    return StreetData(street=street, office=office, company=company, community=community, good=good, bad=bad,
                      station=station, unit=unit, users=users, inspection=inspection, photo=photo,
                      published=published, draft=second, unreleased=unreleased,
                      unreleased_photo=add_photo(unreleased, media_root))


@dataclass
class World:
    streets: dict[str, StreetData]
    superuser: User
    no_profile: User
    versions: Versions

    def user(self, who: str):
        if who == "superuser":
            return self.superuser
        if who == "no_profile":
            return self.no_profile
        if who == "anonymous":
            return None
        return self.streets["A"].users[who]

    def client(self, who: str) -> Client:
        client = Client()
        user = self.user(who)
        if user is not None:
            client.force_login(user)
        return client



# --- reading answers and stored state -----------------------------------------------------------------------


def text_of(response) -> str:
    """Everything a response shows: HTML, JSON (unescaped), the sheets of a spreadsheet."""
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            return "".join(book.read(name).decode("utf-8", "replace") for name in book.namelist())
    if "json" in response.get("Content-Type", ""):
        try:
            return json.dumps(json.loads(body), ensure_ascii=False)
        except ValueError:
            pass
    location = response.get("Location", "")
    if "/login/" in location:
        location = ""  # ?next= repeats the URL the caller typed: no leak
    return body.decode("utf-8", "replace") + " " + location + " " + response.get("Content-Disposition", "")


def assert_no_leak(response, who: str, label: str) -> None:
    if who == "superuser":
        return
    text = text_of(response)
    for marker in MARKERS["B"]:
        assert marker not in text, f"{label}: {who} was shown {marker!r} of the other street"


def snapshot(street: Street) -> dict[str, list]:
    """Every row of the street in every street-scoped admin's table, plus the street's tokens and audit."""
    state = {}
    for model, model_admin in admin.site._registry.items():
        path = getattr(model_admin, "street_path", None)
        if path in (None, SHARED, SUPERUSER_ONLY):
            continue
        rows = model._default_manager.filter(**{path: street.pk}).distinct().order_by("pk").values()
        state[model._meta.label] = [{k: str(v) for k, v in row.items()} for row in rows]
    state["revocations"] = list(TokenRevocation.objects.filter(user__profile__street=street)
                                .order_by("pk").values_list("user_id", "revoked_at"))
    state["blacklisted"] = BlacklistedToken.objects.filter(token__user__profile__street=street).count()
    state["audit"] = AuditEvent.objects.filter(street=street).count()
    return state




def walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str | None, URLPattern]]:
    """Every URLPattern under `resolver`: (the full route, its namespaced name or None, the pattern)."""
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from walk(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), (namespace + pattern.name) if pattern.name else None, pattern

