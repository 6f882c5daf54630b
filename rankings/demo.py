"""A few months of plausible inspections for the demo street, then its published lists.

Deterministic for a given day: a fixed random seed, each place with its own steady "quality", answers
scored by the real engine (checklists.scoring) against the published checklist versions. The months
are the six full months before the current one (so at least one full quarter), plus the current
month so far; monthly lists of the full months and quarterly lists of the full quarters are published,
the latest ones with an exposure photo (drawn, run through the real photo pipeline) on black-list entries.
Runs once: when demo history exists already, it does nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from checklists.models import ChecklistVersion, PlaceKind, Regime
from checklists.periods import local_zone, months_of_quarter, period_of, quarter_of_month
from checklists.scoring import ItemRule, score_inspection
from checklists.selectors import version_document
from inspections.models import Answer, Inspection, Photo, Place, Role, Street
from inspections.photos import process_photo, store_photo
from rankings.lists import feeding_inspections
from rankings.models import RankingPublication
from rankings.publication import publication_draft, publication_publish, publication_review
from rankings.scores import scores_rebuild
from rectifications.demo import demo_cases_seed

DEVICE = "demo-history"
SEED = 20230601
MONTHS_BACK = 6


def _versions() -> dict[tuple[str, str], tuple[ChecklistVersion, tuple[ItemRule, ...]]]:
    found = {}
    for version in ChecklistVersion.objects.filter(state="published").select_related("checklist").order_by("number"):
        rules = tuple(ItemRule.from_dict(item) for item in version_document(version)["items"])
        found[(version.checklist.place_kind, version.checklist.regime)] = (version, rules)
    return found


def _answer(rng: random.Random, rule: ItemRule, quality: float) -> Any:
    good = rng.random() < quality
    if rule.type == "check":
        if rule.veto:
            return "pass" if rng.random() < 0.995 else "fail"
        return "pass" if good else "fail"
    if rule.type == "deduct":
        return 0 if good else rng.randint(1, 4)
    if rule.type == "percent":
        target = (rule.target or 1000) / 10
        return round(min(100.0, target + rng.uniform(0, 8)), 1) if good else round(target - rng.uniform(1, 20), 1)
    if rule.type == "number":
        return rng.randint(0, 50)
    if rule.type == "choice" and rule.choices:
        return rng.choice(rule.choices)
    return "na" if rule.type not in ("text",) else ""


def _months(today: dt.date) -> list[tuple[int, int]]:
    index = today.year * 12 + today.month - 1
    return [((index - back) // 12, (index - back) % 12 + 1) for back in range(MONTHS_BACK, -1, -1)]


def _moment(rng: random.Random, year: int, month: int, day_range: tuple[int, int], now: dt.datetime) -> dt.datetime:
    day = rng.randint(*day_range)
    moment = dt.datetime(year, month, day, rng.randint(8, 17), rng.randint(0, 59), tzinfo=local_zone())
    return min(moment, now - dt.timedelta(hours=1))


def _plan(street: Street, now: dt.datetime, rng: random.Random) -> list[tuple[Place, str, dt.datetime]]:
    """(place, regime, when) of every inspection: weekly guidance visits to compounds over the last eight
    weeks, a covert visit a month to each compound, one of its bin stations and each unit, and a quarterly
    assessment of each compound, community and unit."""
    places = list(Place.objects.filter(street=street, status=Place.Status.ACTIVE).order_by("code"))
    compounds = [p for p in places if p.kind == PlaceKind.COMPOUND]
    stations: dict[int, list[Place]] = {}
    for p in places:
        if p.kind == PlaceKind.BIN_STATION:
            stations.setdefault(p.parent_id, []).append(p)
    units = [p for p in places if p.kind in (PlaceKind.PUBLIC_INSTITUTION, PlaceKind.ENTERPRISE,
                                            PlaceKind.PUBLIC_PLACE)]
    communities = [p for p in places if p.kind == PlaceKind.COMMUNITY]
    plan = []
    today = now.astimezone(local_zone()).date()
    for year, month in _months(today):
        current = (year, month) == (today.year, today.month)
        last_day = today.day if current else 28
        for compound in compounds:
            if current and rng.random() < 0.5:
                continue  # the month is not over: about half the compounds visited so far
            plan.append((compound, Regime.MONTHLY_COVERT, _moment(rng, year, month, (1, last_day), now)))
            if stations.get(compound.id):
                station = rng.choice(stations[compound.id])
                plan.append((station, Regime.MONTHLY_COVERT, _moment(rng, year, month, (1, last_day), now)))
        for unit in units:
            if not current and rng.random() < 0.8:
                plan.append((unit, Regime.MONTHLY_COVERT, _moment(rng, year, month, (1, last_day), now)))
        if month % 3 == 2 and not current:  # the quarter's middle month: assessments
            for place in compounds + communities + units:
                if rng.random() < 0.9:
                    plan.append((place, Regime.QUARTERLY_ASSESSMENT, _moment(rng, year, month, (5, 25), now)))
    for weeks_back in range(8):
        monday = today - dt.timedelta(days=today.weekday() + 7 * weeks_back)
        for compound in compounds:
            if rng.random() < (0.6 if weeks_back == 0 else 0.9):
                day = monday + dt.timedelta(days=rng.randint(0, 4))
                when = dt.datetime.combine(day, dt.time(9 + rng.randint(0, 7)), tzinfo=local_zone())
                if when < now:
                    plan.append((compound, Regime.WEEKLY_GUIDANCE, when))
    return plan


def _build(plan, versions, uploader, rng: random.Random, now: dt.datetime) -> list[tuple[Inspection, list[Answer]]]:
    quality = {}
    built = []
    for place, regime, when in plan:
        key = (PlaceKind.BIN_STATION if place.kind == PlaceKind.BIN_STATION else place.kind, str(regime))
        if key not in versions:
            continue
        version, rules = versions[key]
        q = quality.setdefault(place.id, rng.uniform(0.55, 0.97))
        answers = {rule.code: _answer(rng, rule, q) for rule in rules}
        result = score_inspection(rules, answers)
        ident = uuid.UUID(int=rng.getrandbits(128), version=4)
        flags = []
        roll = rng.random()
        if roll < 0.03:
            flags = ["far_from_place"]
        elif roll < 0.05:
            flags = ["poor_accuracy"]
        elif roll < 0.06:
            flags = ["clock_skew"]
        inspection = Inspection(
            uuid=ident, uploader=uploader, device_id=DEVICE, checklist_version=version, place=place, regime=regime,
            started_at=when - dt.timedelta(minutes=12), finished_at=when, received_at=when + dt.timedelta(minutes=5),
            inspected_at=when, lat=float(place.lat) if place.lat is not None else None,
            lng=float(place.lng) if place.lng is not None else None, accuracy_m=80.0 if "poor_accuracy" in flags
            else 8.0, distance_m=400.0 if "far_from_place" in flags else 12.0,
            clock_skew_s=900 if "clock_skew" in flags else 2, flags=flags, score_tenths=result.score,
            grade=result.grade, vetoed=result.vetoed, status=Inspection.Status.COMPLETE,
            completed_at=when + dt.timedelta(minutes=5), fingerprint=hashlib.sha256(ident.bytes).hexdigest(),
            body={"demo": True},
        )
        rows = [
            Answer(inspection=inspection, item_code=item.code, value=answers[item.code], max_tenths=item.max,
                   earned_tenths=item.earned, failed=item.failed)
            for item in result.items
        ]
        built.append((inspection, rows))
    return built


def _scene_jpeg(rng: random.Random) -> bytes:
    """A drawn stand-in for a bin-station photo (facilities only, no people), as a phone would send it."""
    image = Image.new("RGB", (1200, 900), (196, 204, 210))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 620, 1200, 900), fill=(120, 120, 118))
    colours = [(46, 125, 50), (97, 97, 97), (198, 40, 40), (21, 101, 192)]  # kitchen, other, hazardous, recyclable
    for i, colour in enumerate(colours):
        x = 120 + i * 250
        draw.rectangle((x, 380, x + 180, 660), fill=colour, outline=(30, 30, 30), width=4)
    for _ in range(rng.randint(6, 14)):  # the overflow being exposed
        x, y = rng.randint(100, 1100), rng.randint(640, 860)
        draw.ellipse((x, y, x + rng.randint(30, 90), y + rng.randint(20, 50)), fill=(rng.randint(60, 200),) * 3)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _exposure_photo(street: Street, key: str, kind: str, period: str, rng: random.Random) -> list[int]:
    """One photo of a failed item from the entry's feeding inspections, through the real photo pipeline."""
    inspection = feeding_inspections(street.id, key, kind, period).filter(answers__failed=True).order_by(
        "inspected_at", "id").first()
    if inspection is None:
        return []
    answer = inspection.answers.filter(failed=True).order_by("item_code").first()
    processed = process_photo(_scene_jpeg(rng))
    paths = store_photo(processed)
    photo = Photo.objects.create(
        inspection=inspection, uuid=uuid.UUID(int=rng.getrandbits(128), version=4), item_code=answer.item_code,
        sha256=hashlib.sha256(processed.original).hexdigest(), declared_bytes=len(processed.original),
        received_at=inspection.received_at, original=paths.original, display=paths.display,
        thumbnail=paths.thumbnail, content_type=processed.content_type, width=processed.width,
        height=processed.height,
    )
    return [photo.pk]


def _publish(street: Street, kind: str, period: str, admin, rng: random.Random, photos: bool) -> None:
    draft = publication_draft(street=street, period_kind=kind, period=period, user=admin)
    for category in draft.data["categories"]:
        for index, key in enumerate(category["black"]):
            chosen = _exposure_photo(street, key, kind, period, rng) if photos and index < 3 else []
            draft = publication_review(publication=draft, key=key, photo_ids=chosen)
    publication_publish(publication=draft, user=admin)


@transaction.atomic
def demo_history_seed(*, street_code: str = "LF", now: dt.datetime | None = None) -> int:
    """Seed the demo street's history once; returns the number of inspections written (0 when skipped)."""
    street = Street.objects.filter(code=street_code).first()
    if street is None or Inspection.objects.filter(device_id=DEVICE, place__street=street).exists():
        return 0
    versions = _versions()
    users = get_user_model().objects
    uploader = users.filter(profile__role=Role.STREET_INSPECTOR, profile__street=street).order_by("pk").first()
    admin = users.filter(profile__role=Role.ADMIN).order_by("pk").first() or users.filter(is_superuser=True).first()
    if not versions or uploader is None or admin is None:
        return 0
    now = now or timezone.now()
    rng = random.Random(SEED)
    built = _build(_plan(street, now, rng), versions, uploader, rng, now)
    Inspection.objects.bulk_create([i for i, _rows in built], batch_size=500)
    Answer.objects.bulk_create([a for _i, rows in built for a in rows], batch_size=2000)
    scores_rebuild()
    today = now.astimezone(local_zone())
    full_months = [period_of("month", dt.datetime(y, m, 15, tzinfo=local_zone()))
                   for y, m in _months(today.date())[:-1]]
    for month in full_months:
        if not RankingPublication.objects.filter(street=street, period_kind="month", period=month).exists():
            _publish(street, "month", month, admin, rng, photos=month == full_months[-1])
    for quarter in sorted({quarter_of_month(m) for m in full_months}):
        if set(months_of_quarter(quarter)) <= set(full_months):
            _publish(street, "quarter", quarter, admin, rng, photos=True)
    # After the lists: their publication released the covert inspections of past months (not this month's).
    company = users.filter(profile__role=Role.COMPANY_USER, profile__street=street).order_by("pk").first()
    demo_cases_seed(street=street, now=now, people={"admin": admin, "inspector": uploader, "company": company},
                    scene=lambda: _scene_jpeg(rng))
    return len(built)
