"""Who may see and inspect which places, and run which regimes.

Every permission check in the project goes through these functions.

Regimes by role (SYNC.md leaves this to us; DESIGN.md: covert inspections are for street staff):
- admin, street inspector: weekly guidance, monthly covert, quarterly assessment;
- community inspector: weekly guidance only (bin-side coaching in their own communities);
- office viewer, property-company user: none (they read published results).

Streets: every record belongs to one street, and every user but a superuser is confined to the street of
their profile. A missing street denies, it never widens: a user without a street sees nothing.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from checklists.models import UNIT_KINDS, PlaceKind, Regime

from .models import Place, Role, Street
from .models.history import PlaceStatusChange, ScopeSnapshot

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


def _is_live(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def street_id_of(user: AbstractBaseUser | AnonymousUser | None) -> int | None:
    """The street of the user's profile, or None (no profile, no street, not logged in)."""
    if not _is_live(user):
        return None
    profile = getattr(user, "profile", None)
    return profile.street_id if profile is not None else None


NOTHING = Q(pk__in=[])


def street_q(user: AbstractBaseUser | AnonymousUser | None, path: str = "street") -> Q:
    """Limits rows whose street is reached by `path` (e.g. "place__street") to the user's street.

    A superuser reaches every street; anyone else their profile's street; without a street, nothing."""
    if not _is_live(user):
        return NOTHING
    if user.is_superuser:
        return Q()
    street_id = street_id_of(user)
    return Q(**{path: street_id}) if street_id is not None else NOTHING


def _street_filter(user: AbstractBaseUser) -> Q:
    return street_q(user, "street")


def streets_of(user: AbstractBaseUser | AnonymousUser | None) -> QuerySet[Street]:
    """The streets whose records this user may reach at all."""
    return Street.objects.filter(street_q(user, "pk"))


def admin_street_q(user: AbstractBaseUser | AnonymousUser | None, path: str) -> Q:
    """What of a street's records the Django admin shows this user (on top of Django's model permissions).

    A superuser everything; street staff (admin, street inspector) their street's; community, office and
    company users nothing, whatever permissions they were given: their scope is narrower than a street."""
    if _is_live(user) and user.is_superuser:
        return Q()
    if not is_staff_reader(user):
        return NOTHING
    return street_q(user, path)


def may_manage_people(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """Who may change people and revoke their logins: superusers, and admins of a street (for that street)."""
    if not _is_live(user):
        return False
    return user.is_superuser or (role_of(user) == Role.ADMIN and street_id_of(user) is not None)


def users_manageable_by(user: AbstractBaseUser | AnonymousUser | None) -> QuerySet:
    """The users whose logins this user may revoke: a superuser anyone, a street admin their street's people."""
    from django.contrib.auth import get_user_model

    users = get_user_model()._default_manager.all()
    if not may_manage_people(user):
        return users.none()
    return users.filter(street_q(user, "profile__street"))


def places_visible_to(user: AbstractBaseUser | AnonymousUser | None) -> QuerySet[Place]:
    """Places whose records this user may read (retired places included: history points at them)."""
    role = role_of(user)
    places = Place.objects.all()
    if role in (Role.ADMIN, Role.STREET_INSPECTOR):
        return places.filter(_street_filter(user))
    if role == Role.COMMUNITY_INSPECTOR:
        ids = list(user.profile.communities.values_list("id", flat=True))
        return places.filter(_street_filter(user)).filter(
            Q(id__in=ids)
            | Q(parent_id__in=ids)  # compounds and units
            | Q(parent__parent_id__in=ids)  # bin stations of compounds and units
        )
    if role == Role.OFFICE_VIEWER:
        office_id = user.profile.office_id
        return places.filter(_street_filter(user)).filter(
            Q(kind__in=UNIT_KINDS, office_id=office_id) | Q(kind=PlaceKind.BIN_STATION, parent__office_id=office_id)
        )
    if role == Role.COMPANY_USER:
        company_id = user.profile.company_id
        return places.filter(_street_filter(user)).filter(
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


def may_change_person(user: AbstractBaseUser | AnonymousUser | None, person: AbstractBaseUser) -> bool:
    """A superuser changes anyone. A street admin changes the people of their street, but not superusers nor
    other admins: only a superuser makes, moves or changes an admin."""
    if _is_live(user) and user.is_superuser:
        return True
    if not may_manage_people(user) or person.is_superuser or role_of_any(person) == Role.ADMIN:
        return False
    return users_manageable_by(user).filter(pk=person.pk).exists()


def role_of_any(person: AbstractBaseUser) -> str | None:
    """A person's role whether or not they may log in now (role_of is None for inactive users)."""
    profile = getattr(person, "profile", None)
    return profile.role if profile is not None else (Role.ADMIN if person.is_superuser else None)


def companies_admin_q(user: AbstractBaseUser | AnonymousUser | None) -> Q:
    """Property companies have no street. In the admin, street staff reach the companies that manage a compound
    in their street, and those that manage none yet (just added, to be attached to a compound)."""
    if _is_live(user) and user.is_superuser:
        return Q()
    in_street = admin_street_q(user, "street")
    if in_street == NOTHING:
        return NOTHING
    compounds = Place.objects.filter(kind=PlaceKind.COMPOUND, company__isnull=False)
    return Q(pk__in=compounds.filter(in_street).values("company_id")) | ~Q(pk__in=compounds.values("company_id"))


def company_editable_by(user: AbstractBaseUser | AnonymousUser | None, company) -> bool:
    """A company that also manages compounds of another street is changed by a superuser only."""
    if _is_live(user) and user.is_superuser:
        return True
    return not Place.objects.filter(company=company).exclude(street_q(user, "street")).exists()


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
    # street_q in Python: a superuser reaches every street, anyone else only their profile's street.
    street_id = street_id_of(user)
    if not (user.is_superuser or (street_id is not None and place.street_id == street_id)):
        return False
    role = role_of(user)
    if role in (Role.ADMIN, Role.STREET_INSPECTOR):
        return True
    if role == Role.COMMUNITY_INSPECTOR:
        ids = set(user.profile.communities.values_list("id", flat=True))
        return bool(ids & {place.pk, place.parent_id, grandparent_id} - {None})
    return False


# --- judging a record by the time it was done (docs/sync.md "Out of scope") -------------------------------------
# For a record `inspectable_place` refuses now. It may have been done while in scope (finished offline before a
# place was retired, the user's communities or role changed, the user was deactivated): then it is stored for a
# street admin to judge, never lost. Only a record that could never have been in scope (by the user's scope now
# and its recorded history: another street, a regime the role never had, a community never theirs) is refused.


def ever_had_regime(user: AbstractBaseUser, regime: str) -> bool:
    """Whether the user's role, now or in any snapshot of their scope, had this regime."""
    if regime in INSPECTING_ROLES.get(role_of_any(user), ()):
        return True
    roles = ScopeSnapshot.objects.filter(user_id=user.pk).values_list("role", flat=True).distinct()
    return any(regime in INSPECTING_ROLES.get(role, ()) for role in roles)


def could_ever_inspect(user: AbstractBaseUser, place: Place, regime: str, *, grandparent_id: int | None) -> bool:
    """Whether the user's scope, now or in any recorded snapshot, ever reached the place for this regime (its
    status and the user's being active aside): a role with the regime, in the place's street, and for a
    community inspector one of their communities above it."""
    profile = getattr(user, "profile", None)
    above = {place.pk, place.parent_id, grandparent_id} - {None}
    states = [(
        role_of_any(user), profile.street_id if profile else None, user.is_superuser,
        list(profile.communities.values_list("id", flat=True)) if profile else [],
    )]
    history = ScopeSnapshot.objects.filter(user_id=user.pk)
    states += history.values_list("role", "street_id", "is_superuser", "communities")
    return any(
        regime in INSPECTING_ROLES.get(role, ())
        and (superuser or street_id == place.street_id)
        and (role != Role.COMMUNITY_INSPECTOR or bool(set(communities or []) & above))
        for role, street_id, superuser, communities in states
    )


def scope_lapses_now(user: AbstractBaseUser, place: Place, regime: str, *, grandparent_id: int | None) -> list[str]:
    """What is out of scope now: `place_retired`, `user_deactivated`, `scope_changed` (role, street or
    communities no longer reach it)."""
    lapses = []
    if place.status != Place.Status.ACTIVE:
        lapses.append("place_retired")
    if not user.is_active:
        lapses.append("user_deactivated")
    profile = getattr(user, "profile", None)
    role = role_of_any(user)
    in_street = user.is_superuser or (profile is not None and profile.street_id == place.street_id)
    reach = True
    if role == Role.COMMUNITY_INSPECTOR:
        ids = set(profile.communities.values_list("id", flat=True))
        reach = bool(ids & {place.pk, place.parent_id, grandparent_id} - {None})
    if regime not in INSPECTING_ROLES.get(role, ()) or not in_street or not reach:
        lapses.append("scope_changed")
    return lapses


def place_active_at(place: Place, at: dt.datetime) -> bool:
    """Whether the place was in use at `at`, by its recorded retirements and re-activations."""
    changes = list(PlaceStatusChange.objects.filter(place_id=place.pk).order_by("at", "pk").values_list("at", "status"))
    if not changes:
        # Before any history: what the row says (a retirement it records began at retired_at).
        return place.status == Place.Status.ACTIVE or (place.retired_at is not None and at < place.retired_at)
    before = [status for when, status in changes if when <= at]
    if before:
        return before[-1] == Place.Status.ACTIVE
    return changes[0][1] != Place.Status.ACTIVE  # the first change was away from the state before it


def scope_lapses_at(
    user: AbstractBaseUser, place: Place, regime: str, *, grandparent_id: int | None, at: dt.datetime
) -> list[str]:
    """What was out of scope at `at` by the recorded history ([] when the user had the place in scope and the
    place was active)."""
    lapses = [] if place_active_at(place, at) else ["place_retired"]
    snapshot = ScopeSnapshot.objects.filter(user_id=user.pk, at__lte=at).order_by("-at", "-pk").first()
    if snapshot is None:
        return lapses  # before the user's history begins: nothing to say about their scope
    if not snapshot.is_active:
        lapses.append("user_deactivated")
    in_street = snapshot.is_superuser or snapshot.street_id == place.street_id
    reach = True
    if snapshot.role == Role.COMMUNITY_INSPECTOR:
        reach = bool(set(snapshot.communities) & {place.pk, place.parent_id, grandparent_id} - {None})
    if regime not in INSPECTING_ROLES.get(snapshot.role, ()) or not in_street or not reach:
        lapses.append("scope_changed")
    return lapses
