"""Scope and place history (inspections.models.history) and judging a record by the time it was done.

Snapshots and status changes are written by signal receivers (connected in InspectionsConfig.ready) whenever a
profile, its communities, a user or a place is saved, and by `places_retire` / `places_restore`, which update
in bulk. Each writer adds a row only when the state differs from the latest one recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from ..models import Place, Profile
from ..models.history import PlaceStatusChange, ScopeSnapshot
from ..scopes import role_of_any


def scope_state(user: AbstractBaseUser) -> dict[str, Any]:
    """What a user's scope is now, as stored in a snapshot."""
    profile = Profile.objects.filter(user_id=user.pk).first()
    return {
        "role": role_of_any(user) or "",
        "street_id": profile.street_id if profile else None,
        "communities": sorted(profile.communities.values_list("id", flat=True)) if profile else [],
        "is_active": user.is_active,
        "is_superuser": user.is_superuser,
    }


def scope_snapshot_take(*, user: AbstractBaseUser, at: dt.datetime | None = None) -> ScopeSnapshot | None:
    """Record the user's scope if it differs from their latest snapshot; returns the new row, if any."""
    state = scope_state(user)
    latest = ScopeSnapshot.objects.filter(user_id=user.pk).order_by("-at", "-pk").first()
    if latest is not None and all(getattr(latest, key) == value for key, value in state.items()):
        return None
    return ScopeSnapshot.objects.create(user_id=user.pk, at=at or timezone.now(), **state)


def place_status_record(*, place_ids: Iterable[int], status: str, at: dt.datetime | None = None) -> None:
    at = at or timezone.now()
    PlaceStatusChange.objects.bulk_create(PlaceStatusChange(place_id=pk, status=status, at=at) for pk in place_ids)


# --- receivers ---------------------------------------------------------------------------------------


def user_saved(
    sender: Any, instance: AbstractBaseUser, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    if raw or (update_fields is not None and set(update_fields) <= {"last_login", "password"}):
        return  # a login or a password change: no scope changed
    scope_snapshot_take(user=instance)


def profile_saved(sender: Any, instance: Profile, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        scope_snapshot_take(user=instance.user)


def communities_changed(sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        scope_snapshot_take(user=instance.user)
        return
    # Changed from the place's side: every profile involved (all of them on a clear).
    profiles = Profile.objects.select_related("user")
    profiles = profiles.filter(pk__in=pk_set) if pk_set else profiles.filter(communities=None)
    for profile in profiles:
        scope_snapshot_take(user=profile.user)


def place_saved(sender: Any, instance: Place, raw: bool = False, created: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    latest = PlaceStatusChange.objects.filter(place_id=instance.pk).order_by("-at", "-pk").first()
    recorded = latest.status if latest is not None else Place.Status.ACTIVE
    if instance.status != recorded:
        place_status_record(place_ids=[instance.pk], status=instance.status, at=instance.retired_at or None)
