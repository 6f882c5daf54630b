"""A street for the plans tests: three communities, compounds (some with coordinates) and units, a bin station,
and people of every role.

    K1: compounds P1, P2, P3 (P1 with bin station P1-B1), unit U1 — instructors ins-a and ins-b
    K2: compounds P4, P5 — instructor ins-c
    K3: compound P6 — no instructor
    a retired compound PX in K1; street inspectors insp-1, insp-2; the admin chief; an office and a company user
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from rest_framework_simplejwt.tokens import AccessToken

from checklists.models import PlaceKind
from inspections.models import Office, Place, PropertyCompany, Role, Street
from tests.rankings.support import Versions, user_with


@dataclass
class PlanStreet:
    street: Street
    places: dict[str, Place]
    users: dict[str, object]
    versions: Versions

    def client(self, client, who: str):
        client.force_login(self.users[who])
        return client

    def api_headers(self, who: str) -> dict:
        return {"Authorization": f"Bearer {AccessToken.for_user(self.users[who])}"}


def build_street(code: str = "PS") -> PlanStreet:
    street = Street.objects.create(code=code, name="计划街道")
    office = Office.objects.create(street=street, code=f"{code}-OF", name="经发办")
    company = PropertyCompany.objects.create(code=f"{code}-PC", name="某物业")
    places: dict[str, Place] = {}

    def add(key, kind, parent=None, lat=None, lng=None, **extra):
        places[key] = Place.objects.create(
            street=street, kind=kind, code=f"{code}-{key}", name=f"场所{key}", parent=places.get(parent),
            lat=None if lat is None else Decimal(lat), lng=None if lng is None else Decimal(lng), **extra)

    for k in ("K1", "K2", "K3"):
        add(k, PlaceKind.COMMUNITY)
    add("P1", PlaceKind.COMPOUND, "K1", "29.50", "106.50", company=company)
    add("P2", PlaceKind.COMPOUND, "K1", "29.51", "106.52")
    add("P3", PlaceKind.COMPOUND, "K1", "29.49", "106.53")
    add("P4", PlaceKind.COMPOUND, "K2")
    add("P5", PlaceKind.COMPOUND, "K2")
    add("P6", PlaceKind.COMPOUND, "K3", "29.60", "106.40")
    add("PX", PlaceKind.COMPOUND, "K1", status=Place.Status.RETIRED)
    add("U1", PlaceKind.ENTERPRISE, "K1", office=office)
    add("P1-B1", PlaceKind.BIN_STATION, "P1")
    users = {
        "chief": user_with(Role.ADMIN, street, "chief"),
        "insp-1": user_with(Role.STREET_INSPECTOR, street, "insp-1"),
        "insp-2": user_with(Role.STREET_INSPECTOR, street, "insp-2"),
        "ins-a": user_with(Role.COMMUNITY_INSPECTOR, street, "ins-a", communities=[places["K1"]]),
        "ins-b": user_with(Role.COMMUNITY_INSPECTOR, street, "ins-b", communities=[places["K1"]]),
        "ins-c": user_with(Role.COMMUNITY_INSPECTOR, street, "ins-c", communities=[places["K2"]]),
        "office": user_with(Role.OFFICE_VIEWER, street, "office", office=office),
        "company": user_with(Role.COMPANY_USER, street, "company", company=company),
    }
    users["root"] = get_user_model().objects.create_superuser("root", password="x")
    return PlanStreet(street=street, places=places, users=users, versions=Versions())


@pytest.fixture
def ps(db) -> PlanStreet:
    return build_street()
