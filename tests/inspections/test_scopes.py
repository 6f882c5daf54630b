"""inspections.scopes: for each role, exactly the places it may see and inspect, and its regimes."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from inspections.models import Place, Role
from inspections.scopes import can_inspect, is_staff_reader, places_inspectable_by, places_visible_to, regimes_for

from .scope_streets import user_with

pytestmark = pytest.mark.django_db
User = get_user_model()
ALL_REGIMES = ("weekly_guidance", "monthly_covert", "quarterly_assessment")


def codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


STREET_S = {"A", "B", "A1", "A2", "A1-1", "A1-2", "A2-1", "AU", "AU-1", "B1", "B1-1", "BU"}


@pytest.mark.parametrize("role", [Role.ADMIN, Role.STREET_INSPECTOR])
def test_street_staff_see_and_inspect_their_street(scope_streets, role):
    user = user_with(role, street=scope_streets["S"])

    assert codes(places_visible_to(user)) == STREET_S  # retired A1-2 included: history points at it
    assert codes(places_inspectable_by(user)) == STREET_S - {"A1-2"}
    assert regimes_for(user) == ALL_REGIMES
    assert is_staff_reader(user)
    assert can_inspect(user, Place.objects.get(code="B1-1"), "monthly_covert")
    assert not can_inspect(user, Place.objects.get(code="C1"), "weekly_guidance")


def test_a_superuser_without_profile_is_an_admin_of_every_street(scope_streets):
    user = User.objects.create_superuser("root", "root@example.com", "x")

    assert codes(places_visible_to(user)) == STREET_S | {"C", "C1"}
    assert regimes_for(user) == ALL_REGIMES


def test_a_community_inspector_sees_their_communities_and_runs_weekly_guidance_only(scope_streets):
    user = user_with(Role.COMMUNITY_INSPECTOR, street=scope_streets["S"], communities=[scope_streets["A"]])
    mine = {"A", "A1", "A2", "A1-1", "A1-2", "A2-1", "AU", "AU-1"}

    assert codes(places_visible_to(user)) == mine
    assert codes(places_inspectable_by(user)) == mine - {"A1-2"}
    assert regimes_for(user) == ("weekly_guidance",)
    assert not is_staff_reader(user)
    assert can_inspect(user, Place.objects.get(code="A1-1"), "weekly_guidance")
    assert not can_inspect(user, Place.objects.get(code="A1-1"), "monthly_covert")
    assert not can_inspect(user, Place.objects.get(code="A1-2"), "weekly_guidance")  # retired
    assert not can_inspect(user, Place.objects.get(code="B1-1"), "weekly_guidance")


def test_an_office_viewer_sees_the_units_of_their_office_and_inspects_nothing(scope_streets):
    user = user_with(Role.OFFICE_VIEWER, street=scope_streets["S"], office=scope_streets["O1"])

    assert codes(places_visible_to(user)) == {"AU", "AU-1"}
    assert codes(places_inspectable_by(user)) == set()
    assert regimes_for(user) == ()
    assert not can_inspect(user, Place.objects.get(code="AU"), "weekly_guidance")


def test_a_company_user_sees_their_compounds_and_inspects_nothing(scope_streets):
    user = user_with(Role.COMPANY_USER, street=scope_streets["S"], company=scope_streets["X"])

    assert codes(places_visible_to(user)) == {"A1", "A1-1", "A1-2", "B1", "B1-1"}
    assert codes(places_inspectable_by(user)) == set()
    assert regimes_for(user) == ()
    assert not is_staff_reader(user)


def test_nobody_else_sees_anything(scope_streets):
    no_profile = User.objects.create_user("plain", password="x")
    inactive = user_with(Role.ADMIN, street=scope_streets["S"])
    inactive.is_active = False
    inactive.save()

    for user in (AnonymousUser(), None, no_profile, inactive):
        assert codes(places_visible_to(user)) == set()
        assert codes(places_inspectable_by(user)) == set()
        assert regimes_for(user) == ()
        assert not can_inspect(user, Place.objects.get(code="A1-1"), "weekly_guidance")
