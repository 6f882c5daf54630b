"""A small street for the sync API tests: places, people of every role, and checklist versions.

Not a test module: the `world` fixture (conftest.py) is `make_world()`; import the helpers from here."""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from checklists.models import Checklist, ChecklistVersion, Item, PlaceKind, Regime
from inspections.models import Office, Place, Profile, PropertyCompany, Role, Street

# Bin station BS1's registered point; a fix ~55 m north of it is inside the 100 m radius.
BS1_LAT, BS1_LNG = Decimal("29.591200"), Decimal("106.462100")

ITEMS = [
    # code, type, points, per_fault, target, per_percent, photo, veto, choices
    ("T01", "check", "30", None, None, None, "on_fail", False, []),
    ("T02", "deduct", "30", "5", None, None, "optional", False, []),
    ("T03", "percent", "40", None, "90", "2", "optional", False, []),
    ("T04", "text", "0", None, None, None, "never", False, []),
    ("T05", "choice", "0", None, None, None, "optional", False, ["a", "b"]),
    ("T06", "check", "0", None, None, None, "optional", True, []),
]


def make_version(place_kind: str, regime: str, *, state: str = "published", items=ITEMS, required=(),
                 labels_en=None) -> ChecklistVersion:
    """A version of these items; `required` lists the record-only items it marks required, `labels_en` gives
    English labels by code."""
    checklist, _ = Checklist.objects.get_or_create(
        place_kind=place_kind, regime=regime, defaults={"title": f"{place_kind} {regime}"}
    )
    number = (checklist.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = ChecklistVersion.objects.create(checklist=checklist, number=number)
    Item.objects.bulk_create(
        Item(
            version=version, code=code, order=n, label=f"项{code}", type=type_, points=Decimal(points),
            per_fault=per_fault and Decimal(per_fault), target=target and Decimal(target),
            per_percent=per_percent and Decimal(per_percent), photo=photo, veto=veto, choices=choices,
            required=code in required, label_en=(labels_en or {}).get(code, ""),
        )
        for n, (code, type_, points, per_fault, target, per_percent, photo, veto, choices) in enumerate(items)
    )
    # Items go in while the version is a draft; then it moves on, as the checklist editor does it.
    if state != "draft":
        version.state, version.published_at = ChecklistVersion.State.PUBLISHED, timezone.now()
        version.save()
    if state == "retired":
        version.state, version.retired_at = ChecklistVersion.State.RETIRED, timezone.now()
        version.save()
    return version


@dataclass
class World:
    street: Street
    comm1: Place
    comm2: Place
    compound1: Place
    bs1: Place
    compound2: Place
    bs2: Place
    unit1: Place
    weekly: ChecklistVersion
    covert: ChecklistVersion
    users: dict[str, User]

    def client(self, who: str | None) -> APIClient:
        client = APIClient()
        if who is not None:
            client.force_authenticate(self.users[who])
        return client


def make_user(username: str, role: str, **profile) -> User:
    user = User.objects.create_user(username=username, password="pw")
    communities = profile.pop("communities", [])
    p = Profile.objects.create(user=user, role=role, display_name=f"{username}名", **profile)
    p.communities.set(communities)
    return User.objects.select_related("profile").get(pk=user.pk)


def make_world() -> World:
    street = Street.objects.create(code="S1", name="测试街道")
    office = Office.objects.create(street=street, code="O1", name="科室一")
    company = PropertyCompany.objects.create(code="C1", name="物业一")
    other_company = PropertyCompany.objects.create(code="C2", name="物业二")
    comm1 = Place.objects.create(street=street, kind=PlaceKind.COMMUNITY, code="T-C1", name="社区一")
    comm2 = Place.objects.create(street=street, kind=PlaceKind.COMMUNITY, code="T-C2", name="社区二")
    compound1 = Place.objects.create(
        street=street, kind=PlaceKind.COMPOUND, code="T-C1-P1", name="小区一", parent=comm1, company=company,
        lat=BS1_LAT, lng=BS1_LNG,
    )
    bs1 = Place.objects.create(
        street=street, kind=PlaceKind.BIN_STATION, code="T-C1-P1-B1", name="投放点一", parent=compound1,
        lat=BS1_LAT, lng=BS1_LNG,
    )
    compound2 = Place.objects.create(
        street=street, kind=PlaceKind.COMPOUND, code="T-C2-P1", name="小区二", parent=comm2, company=other_company
    )
    bs2 = Place.objects.create(
        street=street, kind=PlaceKind.BIN_STATION, code="T-C2-P1-B1", name="投放点二", parent=compound2
    )
    unit1 = Place.objects.create(
        street=street, kind=PlaceKind.PUBLIC_INSTITUTION, code="T-C1-U1", name="单位一", parent=comm1, office=office
    )
    users = {
        "admin": make_user("admin1", Role.ADMIN, street=street),
        "street": make_user("street1", Role.STREET_INSPECTOR, street=street),
        "community": make_user("comm1", Role.COMMUNITY_INSPECTOR, street=street, communities=[comm1]),
        "other_community": make_user("comm2", Role.COMMUNITY_INSPECTOR, street=street, communities=[comm2]),
        "office": make_user("office1", Role.OFFICE_VIEWER, street=street, office=office),
        "company": make_user("company1", Role.COMPANY_USER, street=street, company=company),
    }
    return World(
        street=street, comm1=comm1, comm2=comm2, compound1=compound1, bs1=bs1, compound2=compound2, bs2=bs2,
        unit1=unit1, weekly=make_version(PlaceKind.BIN_STATION, Regime.WEEKLY_GUIDANCE),
        covert=make_version(PlaceKind.BIN_STATION, Regime.MONTHLY_COVERT), users=users,
    )


# test_authorization_matrix.py and test_schema_fuzz.py still bind `world = sync_world.world`: a plain function
# under that name leaves the conftest fixture in charge.
world = make_world


def jpeg_bytes(color: str = "red", size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def manifest_entry(data: bytes, item: str = "T01", photo_uuid: str | None = None) -> dict:
    return {
        "uuid": photo_uuid or str(uuid.uuid4()),
        "item": item,
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
    }


def answers_with(**values) -> list[dict]:
    """The answers of inspection_body (every scored item answered, as docs/sync.md asks) with some values changed:
    answers_with(T01="fail"); an item given None is left out."""
    answers = [
        {"item": "T01", "value": "pass"},
        {"item": "T02", "value": 2, "note": "两个桶身有污渍"},
        {"item": "T03", "value": {"checked": 10, "wrong": 2}},
        {"item": "T04", "value": "备注"},
        {"item": "T06", "value": "pass"},
    ]
    known = {answer["item"] for answer in answers}
    answers += [{"item": code, "value": value} for code, value in values.items() if code not in known]
    return [
        {**answer, "value": values.get(answer["item"], answer["value"])}
        for answer in answers if values.get(answer["item"], answer["value"]) is not None
    ]


def inspection_body(world: World, **overrides) -> dict:
    body = {
        "checklist_version": world.weekly.pk,
        "place": world.bs1.code,
        "regime": "weekly_guidance",
        "device_id": "dev-1",
        "started_at": "2026-05-10T09:12:03+08:00",
        "finished_at": "2026-05-10T09:20:41+08:00",
        "location": {
            "lat": 29.5917, "lng": 106.4621, "accuracy": 12.5, "captured_at": "2026-05-10T09:13:00+08:00",
            "mock": False,
        },
        "answers": answers_with(),
        "photos": [],
    }
    body.update(overrides)
    return body


def put_inspection(client: APIClient, body: dict, inspection_uuid: str | None = None, **headers):
    inspection_uuid = inspection_uuid or str(uuid.uuid4())
    response = client.put(f"/api/v1/inspections/{inspection_uuid}/", body, format="json", headers=headers)
    return inspection_uuid, response


def put_photo(client: APIClient, inspection_uuid: str, photo_uuid: str, data: bytes, name: str = "p.jpg"):
    return client.put(
        f"/api/v1/inspections/{inspection_uuid}/photos/{photo_uuid}",
        {"file": io.BytesIO(data) if not name else _named(data, name)},
        format="multipart",
    )


def _named(data: bytes, name: str) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f
