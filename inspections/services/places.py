"""Writes on places that touch more than one row."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from inspections.models import AuditAction, Place

from .audit import audit_record
from .history import place_status_record


def _audit_each(*, ids: list[int], by: AbstractBaseUser | None, action: AuditAction) -> None:
    for place in Place.objects.filter(pk__in=ids).only("pk", "street_id", "name", "code"):
        audit_record(actor=by, action=action, street=place.street_id, target=place)


@transaction.atomic
def places_retire(*, places: Iterable[Place], by: AbstractBaseUser | None = None) -> int:
    """Retire the places and everything under them (a retired compound's bin stations go with it).

    Places are never deleted: inspections and rankings keep pointing at them. Returns how many changed."""
    ids = [place.pk for place in places]
    below = Q(pk__in=ids) | Q(parent_id__in=ids) | Q(parent__parent_id__in=ids)
    changing = Place.objects.filter(below, status=Place.Status.ACTIVE)
    changed_ids = list(changing.values_list("pk", flat=True))
    count = Place.objects.filter(pk__in=changed_ids).update(
        status=Place.Status.RETIRED, retired_at=timezone.now(), updated_at=timezone.now()
    )
    place_status_record(place_ids=changed_ids, status=Place.Status.RETIRED)
    _audit_each(ids=changed_ids, by=by, action=AuditAction.PLACE_RETIRE)
    return count


@transaction.atomic
def places_restore(*, places: Iterable[Place], by: AbstractBaseUser | None = None) -> int:
    """Put retired places back in use (only those chosen: their children are restored one by one)."""
    ids = [place.pk for place in places]
    changed_ids = list(Place.objects.filter(pk__in=ids, status=Place.Status.RETIRED).values_list("pk", flat=True))
    count = Place.objects.filter(pk__in=changed_ids).update(
        status=Place.Status.ACTIVE, retired_at=None, updated_at=timezone.now()
    )
    place_status_record(place_ids=changed_ids, status=Place.Status.ACTIVE)
    _audit_each(ids=changed_ids, by=by, action=AuditAction.PLACE_RESTORE)
    return count
