"""Small builders for score and ranking tests: places, an EX-like checklist, inspections via the ORM, people.

Not a test module: tests of both apps import from here (the fixtures built on it are in conftest.py files)."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import Max

from checklists.models import Checklist, ChecklistVersion, Item, PlaceKind
from inspections.models import Answer, Inspection, Office, Place, Profile, PropertyCompany, Street
from rankings.scores import score_on_inspection_changed

SHANGHAI = ZoneInfo("Asia/Shanghai")

# Checklist EX of SCORING.md §6: A check 20, B deduct 30, C percent 40, D check 10 veto.
EX_ITEMS = [("A", "check", 20, False), ("B", "deduct", 30, False), ("C", "percent", 40, False),
            ("D", "check", 10, True)]


def ex_answer_list(value: str = "na") -> list[dict]:
    """An inspection body's answers to every EX item: the least a phone may send (docs/sync.md)."""
    return [{"item": code, "value": value} for code, *_rest in EX_ITEMS]


def local(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def inspector():
    user, _ = get_user_model().objects.get_or_create(username="inspector-x", defaults={"is_staff": True})
    return user


def ex_version(place_kind: str, regime: str) -> ChecklistVersion:
    checklist, _ = Checklist.objects.get_or_create(
        place_kind=place_kind, regime=regime, defaults={"title": f"EX {place_kind} {regime}"}
    )
    number = (checklist.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ChecklistVersion.objects.create(checklist=checklist, number=number)
    for order, (code, kind, points, veto) in enumerate(EX_ITEMS):
        Item.objects.create(
            version=version, code=code, order=order, label=f"检查项{code}", type=kind, points=points,
            per_fault=2 if kind == "deduct" else None, target=90 if kind == "percent" else None,
            per_percent=2 if kind == "percent" else None, veto=veto,
        )
    # Items are added while a draft; publishing locks the version (a queryset update skips no rule here).
    ChecklistVersion.objects.filter(pk=version.pk).update(state="published")
    version.refresh_from_db()
    return version


class Versions:
    """One EX version per (place kind, regime), made on first use."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, str], ChecklistVersion] = {}

    def __call__(self, place_kind: str, regime: str) -> ChecklistVersion:
        key = (place_kind, regime)
        if key not in self.cache:
            self.cache[key] = ex_version(place_kind, regime)
        return self.cache[key]


def make_street(code: str = "S1", name: str = "示范街道") -> Street:
    return Street.objects.create(code=code, name=name)


def make_place(street: Street, kind: str, code: str, name: str | None = None, *, parent: Place | None = None,
               company: PropertyCompany | None = None) -> Place:
    office = None
    if kind in (PlaceKind.PUBLIC_INSTITUTION, PlaceKind.ENTERPRISE, PlaceKind.PUBLIC_PLACE):
        office, _ = Office.objects.get_or_create(code=f"O-{street.code}", defaults={"street": street, "name": "规建办"})
    return Place.objects.create(
        street=street, kind=kind, code=code, name=name or code, parent=parent, company=company, office=office
    )


def build_inspection(place: Place, regime: str, when: dt.datetime, score_tenths: int | None, *,
                     version: ChecklistVersion, vetoed: bool = False, status: str = "complete",
                     voided: bool = False) -> Inspection:
    return Inspection(
        uuid=uuid.uuid4(), uploader=inspector(), checklist_version=version, place=place, regime=regime,
        finished_at=when, received_at=when, inspected_at=when, score_tenths=score_tenths,
        grade=None, vetoed=vetoed, status=status, completed_at=when if status == "complete" else None,
        fingerprint="x" * 64, voided=voided,
    )


def answers_for(inspection: Inspection, failed: dict[str, int]) -> list[Answer]:
    """EX answers: every item present; `failed` maps code → points lost (tenths)."""
    rows = []
    for code, _kind, points, _veto in EX_ITEMS:
        lost = failed.get(code)
        max_tenths = points * 10
        rows.append(Answer(
            inspection=inspection, item_code=code, value=None, max_tenths=max_tenths,
            earned_tenths=max_tenths - (lost or 0), failed=lost is not None,
        ))
    return rows


def add_inspection(place: Place, regime: str, when: dt.datetime, score_tenths: int | None, *,
                   versions: Versions, vetoed: bool = False, failed: dict[str, int] | None = None,
                   **kwargs) -> Inspection:
    """Saves an inspection with its answers, and its place's stored scores as the sync would leave them."""
    inspection = build_inspection(
        place, regime, when, score_tenths, version=versions(place.kind, regime), vetoed=vetoed, **kwargs
    )
    inspection.save()
    Answer.objects.bulk_create(answers_for(inspection, failed or ({"D": 100} if vetoed else {})))
    rescore(inspection)
    return inspection


def rescore(inspection: Inspection) -> None:
    """The stored scores after an inspection was written through the ORM (made, voided, restored), as the
    rankings app's listener of `inspection_changed` keeps them; tests about the signal itself send it."""
    score_on_inspection_changed(inspection=inspection)


def add_photo(inspection: Inspection, media_root, item_code: str = "D"):
    """A received photo with a metadata-free display derivative and thumbnail on disk, and a private original."""
    import io
    from pathlib import Path

    from PIL import Image

    from inspections.models import Photo

    photo_uuid = uuid.uuid4()
    paths = {"display": f"display/{photo_uuid}.jpg", "thumbnail": f"thumbs/{photo_uuid}.jpg"}
    for rel in paths.values():
        target = Path(media_root) / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        Image.new("RGB", (64, 48), (120, 160, 90)).save(buffer, "JPEG")
        target.write_bytes(buffer.getvalue())
    return Photo.objects.create(
        inspection=inspection, uuid=photo_uuid, item_code=item_code, sha256="0" * 64, declared_bytes=1000,
        received_at=inspection.received_at, original=f"originals/{photo_uuid}.jpg", exif_lat=29.56, exif_lng=106.55,
        **paths,
    )


def user_with(role: str, street: Street, name: str, **profile):
    """A user with a profile of `role` on `street`; `communities=[...]` among `profile` are set after."""
    user = get_user_model().objects.create_user(name, password="x")
    communities = profile.pop("communities", [])
    created = Profile.objects.create(user=user, role=role, street=street, display_name=name, **profile)
    created.communities.set(communities)
    return user


# What a public page or the public JSON must never show: people, coordinates, originals, metadata.
PRIVATE_BITS = ["inspector-x", "chief", "29.56", "106.55", "lat", "lng", "originals/", "exif", "uploader"]


def assert_nothing_personal(text: str) -> None:
    lowered = text.lower()
    for bit in PRIVATE_BITS:
        assert bit not in lowered, bit
