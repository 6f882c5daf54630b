"""Writes on places that touch more than one row."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from inspections.models import Place


@transaction.atomic
def places_retire(*, places: Iterable[Place]) -> int:
    """Retire the places and everything under them (a retired compound's bin stations go with it).

    Places are never deleted: inspections and rankings keep pointing at them. Returns how many changed."""
    ids = [place.pk for place in places]
    below = Q(pk__in=ids) | Q(parent_id__in=ids) | Q(parent__parent_id__in=ids)
    return Place.objects.filter(below, status=Place.Status.ACTIVE).update(
        status=Place.Status.RETIRED, retired_at=timezone.now(), updated_at=timezone.now()
    )


@transaction.atomic
def places_restore(*, places: Iterable[Place]) -> int:
    """Put retired places back in use (only those chosen: their children are restored one by one)."""
    ids = [place.pk for place in places]
    return Place.objects.filter(pk__in=ids, status=Place.Status.RETIRED).update(
        status=Place.Status.ACTIVE, retired_at=None, updated_at=timezone.now()
    )
