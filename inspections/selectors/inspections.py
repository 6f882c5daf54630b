"""Reads of inspections: who may see which, and what a phone gets back.

Covert inspections (monthly_covert) are unannounced: the inspected party must not learn of them
before a ranking list that contains them is published (DESIGN.md): publishing sets
`Inspection.covert_released_at` (rankings/publication.py), and that mark is all the reads here consult.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from checklists.models import UNIT_KINDS, PlaceKind, Regime
from checklists.periods import PeriodKind, period_bounds, period_of
from checklists.scoring import GRADE_BANDS
from checklists.selectors import published_versions, version_document

from ..models import Inspection, Photo, Role
from ..scopes import is_staff_reader, places_inspectable_by, places_visible_to, regimes_for, role_of


def inspections_visible_to(user: AbstractBaseUser | AnonymousUser | None) -> QuerySet[Inspection]:
    """Inspections this user may read.

    Street staff (admin, street inspector) see everything in their street, voided and covert included.
    Everyone else sees non-voided inspections of the places they can see, covert ones only once published;
    an inspector always sees what they uploaded themselves (their own history).
    """
    role = role_of(user)
    if role is None:
        return Inspection.objects.none()
    places = places_visible_to(user).values("pk")
    if is_staff_reader(user):
        return Inspection.objects.filter(place__in=places)
    released = ~Q(regime=Regime.MONTHLY_COVERT) | Q(covert_released_at__isnull=False)
    visible = Q(place__in=places, voided=False) & released
    if role == Role.COMMUNITY_INSPECTOR:
        visible |= Q(uploader=user)
    return Inspection.objects.filter(visible)


def inspection_for_status(user: AbstractBaseUser | AnonymousUser | None, uuid: str) -> Inspection | None:
    """The inspection behind `GET /api/v1/inspections/{uuid}/`: its uploader or street staff only."""
    inspection = Inspection.objects.filter(uuid=uuid).first()
    if inspection is None:
        return None
    if inspection.uploader_id == getattr(user, "pk", None):
        return inspection
    if is_staff_reader(user) and inspections_visible_to(user).filter(pk=inspection.pk).exists():
        return inspection
    return None


def missing_photo_uuids(inspection: Inspection) -> list[str]:
    """The photos still waited for: declared, not received, not refused."""
    if inspection.status == Inspection.Status.COMPLETE:
        return []  # complete means every photo has arrived or was refused: spare the query
    return [
        str(u)
        for u in Photo.objects.filter(inspection=inspection, received_at__isnull=True, refused_reason="")
        .order_by("pk")
        .values_list("uuid", flat=True)
    ]


def refused_photos(inspection: Inspection) -> list[dict]:
    """The photos of the manifest the server refused up front (SYNC.md §4), with the reason for people."""
    if "photo_refused" not in (inspection.flags or []):
        return []  # the flag is set whenever one is: spare the query
    limit_mb = settings.PHOTO_MAX_BYTES // (1024 * 1024)
    return [
        {"uuid": str(uuid), "item": item, "code": reason, "limit": settings.PHOTO_MAX_BYTES,
         "message": _("照片过大：最大 %(mb)d MB。") % {"mb": limit_mb}}
        for uuid, item, reason in Photo.objects.filter(inspection=inspection).exclude(refused_reason="")
        .order_by("pk").values_list("uuid", "item_code", "refused_reason")
    ]


def inspection_status(inspection: Inspection, *, missing_photos: list[str] | None = None) -> dict:
    """The status body of SYNC.md, the answer to every inspection request."""
    if missing_photos is None:
        missing_photos = missing_photo_uuids(inspection)
    return {
        "uuid": str(inspection.uuid),
        "status": inspection.status,
        "missing_photos": missing_photos,
        "refused_photos": refused_photos(inspection),
        "score": inspection.score,
        "grade": inspection.grade,
        "vetoed": inspection.vetoed,
        "flags": list(inspection.flags),
        "received_at": timezone.localtime(inspection.received_at).isoformat(),
    }


def inspection_history(user: AbstractBaseUser | AnonymousUser | None, *, mine: bool = False) -> QuerySet[Inspection]:
    """`GET /api/v1/inspections/`: newest first; `mine` keeps the user's own uploads (the phone's history)."""
    inspections = inspections_visible_to(user)
    if mine:
        inspections = inspections.filter(uploader_id=getattr(user, "pk", None))
    return inspections.select_related("place").order_by("-received_at", "-pk")


# --- the offline pack ----------------------------------------------------------------------------------

# Weekly guidance is a community inspector's duty for the compounds and units of their communities (the places
# the weekly lists rank under a community). A bin station is visited as part of its compound, so it is never
# assigned on its own: marking every station too made most of a phone's list "due". Street inspectors and
# admins may guide anywhere in the street, but no place is theirs to guide each week.
ASSIGNED_KINDS = (PlaceKind.COMPOUND, *UNIT_KINDS)
ASSIGNED_ROLES = (Role.COMMUNITY_INSPECTOR,)


def weekly_assignments(user: AbstractBaseUser, places: list, *, now: datetime) -> list[dict]:
    """The weekly-guidance visits still due this ISO week from this user: each assigned place in their scope
    that neither itself nor one of its bin stations has had a (non-voided) weekly-guidance visit this week."""
    if role_of(user) not in ASSIGNED_ROLES or Regime.WEEKLY_GUIDANCE not in regimes_for(user):
        return []
    week = period_of(PeriodKind.WEEK, now)
    start, end = period_bounds(PeriodKind.WEEK, week)
    visits = Inspection.objects.filter(
        regime=Regime.WEEKLY_GUIDANCE, voided=False, inspected_at__gte=start, inspected_at__lt=end,
        place__in=places_inspectable_by(user).values("pk"),
    ).values_list("place_id", "place__kind", "place__parent_id")
    visited = {parent if kind == PlaceKind.BIN_STATION else place for place, kind, parent in visits}
    due_by = (end - timedelta(days=1)).date().isoformat()
    return [
        {"place": p.code, "regime": Regime.WEEKLY_GUIDANCE.value, "period": week, "due_by": due_by}
        for p in places
        if p.kind in ASSIGNED_KINDS and p.pk not in visited
    ]


# Sections that apps built on inspections add to the pack (rectifications: the cases to answer or re-check), by
# name: each is called with the user and `now` and returns a dict merged into the pack. Registered in the apps'
# ready(), as inspections may not import them (tests/rankings/test_layering.py).
PACK_SECTIONS: dict[str, Callable[..., dict]] = {}


def pack_for(user: AbstractBaseUser, *, now: datetime | None = None) -> dict:
    """Everything a phone needs to work offline for days (SYNC.md rule 8), minus `server_time`.

    Assignments: the weekly-guidance visits due from this user this week (`weekly_assignments`)."""
    now = now or timezone.now()
    regimes = regimes_for(user)
    profile = getattr(user, "profile", None)
    places = list(
        places_inspectable_by(user)
        .select_related("parent", "company")
        .only("code", "name", "kind", "lat", "lng", "radius_m", "qr_token", "parent__code", "company__name")
        .order_by("code")
    )
    versions = (
        published_versions().filter(checklist__regime__in=regimes).select_related("checklist").prefetch_related("items")
    )
    checklists = sorted((version_document(v) for v in versions), key=lambda d: (d["place_kind"], d["regime"]))
    assignments = weekly_assignments(user, places, now=now)
    extra = {key: value for section in PACK_SECTIONS.values() for key, value in section(user, now=now).items()}
    return {
        "user": {
            "username": user.get_username(),
            "display_name": (profile.display_name if profile else "") or user.get_username(),
            "role": role_of(user),
            "regimes": list(regimes),
        },
        "places": [
            {
                "code": p.code,
                "name": p.name,
                "kind": p.kind,
                "parent": p.parent.code if p.parent_id else None,
                "company": p.company.name if p.company_id else None,
                "lat": None if p.lat is None else float(p.lat),
                "lng": None if p.lng is None else float(p.lng),
                "radius_m": p.effective_radius_m,
                "qr": p.qr_token,
            }
            for p in places
        ],
        "checklists": checklists,
        "assignments": assignments,
        "policy": {
            "grade_bands": [{"min_score": floor / 10, "grade": grade} for floor, grade in GRADE_BANDS],
            "radius_m": dict(settings.SORTPATROL["RADIUS_M"]),
            "poor_accuracy_m": settings.SORTPATROL["POOR_ACCURACY_M"],
            "max_clock_skew_s": settings.SORTPATROL["MAX_CLOCK_SKEW_S"],
            "photo_max_bytes": settings.PHOTO_MAX_BYTES,
        },
        **extra,
    }
