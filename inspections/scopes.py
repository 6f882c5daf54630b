"""Who may see and inspect which places, and run which regimes.

Every permission check in the project goes through these functions.

Regimes by role (SYNC.md leaves this to us; DESIGN.md: covert inspections are for street staff):
- admin, street inspector: weekly guidance, monthly covert, quarterly assessment;
- community inspector: weekly guidance only (bin-side coaching in their own communities);
- office viewer, property-company user: none (they read published results).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from checklists.models import UNIT_KINDS, PlaceKind, Regime

from .models import Place, Role

INSPECTING_ROLES = {
    Role.ADMIN: (Regime.WEEKLY_GUIDANCE, Regime.MONTHLY_COVERT, Regime.QUARTERLY_ASSESSMENT),
    Role.STREET_INSPECTOR: (Regime.WEEKLY_GUIDANCE, Regime.MONTHLY_COVERT, Regime.QUARTERLY_ASSESSMENT),
    Role.COMMUNITY_INSPECTOR: (Regime.WEEKLY_GUIDANCE,),
}


def role_of(user: AbstractBaseUser | AnonymousUser | None) -> str | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    profile = getattr(user, "profile", None)
    if profile is not None:
        return profile.role
    # A superuser made with createsuperuser has no profile yet: treat as admin.
    return Role.ADMIN if user.is_superuser else None


def regimes_for(user: AbstractBaseUser | AnonymousUser | None) -> tuple[str, ...]:
    return tuple(str(r) for r in INSPECTING_ROLES.get(role_of(user), ()))


def _street_filter(user: AbstractBaseUser) -> Q:
    profile = getattr(user, "profile", None)
    if profile is not None and profile.street_id:
        return Q(street_id=profile.street_id)
    return Q()


def places_visible_to(user: AbstractBaseUser | AnonymousUser | None) -> QuerySet[Place]:
    """Places whose records this user may read (retired places included: history points at them)."""
    role = role_of(user)
    places = Place.objects.all()
    if role in (Role.ADMIN, Role.STREET_INSPECTOR):
        return places.filter(_street_filter(user))
    if role == Role.COMMUNITY_INSPECTOR:
        ids = list(user.profile.communities.values_list("id", flat=True))
        return places.filter(
            Q(id__in=ids)
            | Q(parent_id__in=ids)  # compounds and units
            | Q(parent__parent_id__in=ids)  # bin stations of compounds and units
        )
    if role == Role.OFFICE_VIEWER:
        office_id = user.profile.office_id
        return places.filter(
            Q(kind__in=UNIT_KINDS, office_id=office_id) | Q(kind=PlaceKind.BIN_STATION, parent__office_id=office_id)
        )
    if role == Role.COMPANY_USER:
        company_id = user.profile.company_id
        return places.filter(
            Q(kind=PlaceKind.COMPOUND, company_id=company_id)
            | Q(kind=PlaceKind.BIN_STATION, parent__company_id=company_id)
        )
    return places.none()


def places_inspectable_by(user: AbstractBaseUser | AnonymousUser | None) -> QuerySet[Place]:
    """Active places this user may inspect (for at least one regime)."""
    if not regimes_for(user):
        return Place.objects.none()
    return places_visible_to(user).filter(status=Place.Status.ACTIVE)


def can_inspect(user: AbstractBaseUser | AnonymousUser | None, place: Place, regime: str) -> bool:
    return regime in regimes_for(user) and places_inspectable_by(user).filter(pk=place.pk).exists()


def is_staff_reader(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """Street staff see everything in their street, covert results included, before publication."""
    return role_of(user) in (Role.ADMIN, Role.STREET_INSPECTOR)


def inspectable_place(
    user: AbstractBaseUser | AnonymousUser | None, place: Place, *, grandparent_id: int | None
) -> bool:
    """Whether `place` is one of `places_inspectable_by(user)`, decided from a place row already read (the sync
    path reads it by its code; `grandparent_id` is its parent's parent) instead of composing that query again.
    The same rules in Python: tests/inspections/test_sync_fast_paths.py checks that both agree, role by role."""
    if not regimes_for(user) or place.status != Place.Status.ACTIVE:
        return False
    role = role_of(user)
    if role in (Role.ADMIN, Role.STREET_INSPECTOR):
        profile = getattr(user, "profile", None)
        return not (profile is not None and profile.street_id) or place.street_id == profile.street_id
    if role == Role.COMMUNITY_INSPECTOR:
        ids = set(user.profile.communities.values_list("id", flat=True))
        return bool(ids & {place.pk, place.parent_id, grandparent_id} - {None})
    return False
