"""inspections.scopes: for each role, exactly the places it may see and inspect, and its regimes."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from inspections.models import Office, Place, Profile, PropertyCompany, Role, Street
from inspections.scopes import can_inspect, is_staff_reader, places_inspectable_by, places_visible_to, regimes_for

pytestmark = pytest.mark.django_db
User = get_user_model()
ALL_REGIMES = ("weekly_guidance", "monthly_covert", "quarterly_assessment")


@pytest.fixture
def world():
    """Street S: communities A and B. A has compounds A1 (company X; stations A1-1, A1-2 retired),
    A2 (company Y; A2-1) and unit AU (office O1; station AU-1); B has compound B1 (company X; B1-1)
    and unit BU (office O2). Street T: community C with compound C1 (company Z)."""
    s = Street.objects.create(code="S", name="S街道")
    t = Street.objects.create(code="T", name="T街道")
    o1 = Office.objects.create(street=s, code="O1", name="经发办")
    o2 = Office.objects.create(street=s, code="O2", name="党政办")
    x, y, z = (PropertyCompany.objects.create(code=c, name=f"{c}物业") for c in "XYZ")

    def place(street, kind, code, parent=None, **extra):
        return Place.objects.create(street=street, kind=kind, code=code, name=code, parent=parent, **extra)

    a = place(s, "community", "A")
    b = place(s, "community", "B")
    a1 = place(s, "compound", "A1", a, company=x)
    a2 = place(s, "compound", "A2", a, company=y)
    place(s, "bin_station", "A1-1", a1)
    place(s, "bin_station", "A1-2", a1).retire()
    place(s, "bin_station", "A2-1", a2)
    au = place(s, "enterprise", "AU", a, office=o1)
    place(s, "bin_station", "AU-1", au)
    b1 = place(s, "compound", "B1", b, company=x)
    place(s, "bin_station", "B1-1", b1)
    place(s, "public_institution", "BU", b, office=o2)
    c = place(t, "community", "C")
    place(t, "compound", "C1", c, company=z)
    return {"S": s, "T": t, "O1": o1, "X": x, "A": a}


def user_with(role, **scope):
    communities = scope.pop("communities", [])
    user = User.objects.create_user(f"u-{role}-{User.objects.count()}", password="x")
    profile = Profile.objects.create(user=user, role=role, **scope)
    profile.communities.set(communities)
    return User.objects.get(pk=user.pk)  # fresh, as a request would load it


def codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


STREET_S = {"A", "B", "A1", "A2", "A1-1", "A1-2", "A2-1", "AU", "AU-1", "B1", "B1-1", "BU"}


@pytest.mark.parametrize("role", [Role.ADMIN, Role.STREET_INSPECTOR])
def test_street_staff_see_and_inspect_their_street(world, role):
    user = user_with(role, street=world["S"])

    assert codes(places_visible_to(user)) == STREET_S  # retired A1-2 included: history points at it
    assert codes(places_inspectable_by(user)) == STREET_S - {"A1-2"}
    assert regimes_for(user) == ALL_REGIMES
    assert is_staff_reader(user)
    assert can_inspect(user, Place.objects.get(code="B1-1"), "monthly_covert")
    assert not can_inspect(user, Place.objects.get(code="C1"), "weekly_guidance")


def test_a_superuser_without_profile_is_an_admin_of_every_street(world):
    user = User.objects.create_superuser("root", "root@example.com", "x")

    assert codes(places_visible_to(user)) == STREET_S | {"C", "C1"}
    assert regimes_for(user) == ALL_REGIMES


def test_a_community_inspector_sees_their_communities_and_runs_weekly_guidance_only(world):
    user = user_with(Role.COMMUNITY_INSPECTOR, street=world["S"], communities=[world["A"]])
    mine = {"A", "A1", "A2", "A1-1", "A1-2", "A2-1", "AU", "AU-1"}

    assert codes(places_visible_to(user)) == mine
    assert codes(places_inspectable_by(user)) == mine - {"A1-2"}
    assert regimes_for(user) == ("weekly_guidance",)
    assert not is_staff_reader(user)
    assert can_inspect(user, Place.objects.get(code="A1-1"), "weekly_guidance")
    assert not can_inspect(user, Place.objects.get(code="A1-1"), "monthly_covert")
    assert not can_inspect(user, Place.objects.get(code="A1-2"), "weekly_guidance")  # retired
    assert not can_inspect(user, Place.objects.get(code="B1-1"), "weekly_guidance")


def test_an_office_viewer_sees_the_units_of_their_office_and_inspects_nothing(world):
    user = user_with(Role.OFFICE_VIEWER, street=world["S"], office=world["O1"])

    assert codes(places_visible_to(user)) == {"AU", "AU-1"}
    assert codes(places_inspectable_by(user)) == set()
    assert regimes_for(user) == ()
    assert not can_inspect(user, Place.objects.get(code="AU"), "weekly_guidance")


def test_a_company_user_sees_their_compounds_and_inspects_nothing(world):
    user = user_with(Role.COMPANY_USER, street=world["S"], company=world["X"])

    assert codes(places_visible_to(user)) == {"A1", "A1-1", "A1-2", "B1", "B1-1"}
    assert codes(places_inspectable_by(user)) == set()
    assert regimes_for(user) == ()
    assert not is_staff_reader(user)


def test_nobody_else_sees_anything(world):
    no_profile = User.objects.create_user("plain", password="x")
    inactive = user_with(Role.ADMIN, street=world["S"])
    inactive.is_active = False
    inactive.save()

    for user in (AnonymousUser(), None, no_profile, inactive):
        assert codes(places_visible_to(user)) == set()
        assert codes(places_inspectable_by(user)) == set()
        assert regimes_for(user) == ()
        assert not can_inspect(user, Place.objects.get(code="A1-1"), "weekly_guidance")
