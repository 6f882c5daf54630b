"""manage.py seed_demo: a realistic street, deterministic, idempotent, careful with real data."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from geopy.distance import geodesic

from checklists.models import UNIT_KINDS
from inspections.demo.street import demo_qr_token, stored_demo_passwords
from inspections.models import (
    BinStation,
    Community,
    Compound,
    Inspection,
    Office,
    Place,
    Profile,
    PropertyCompany,
    Street,
    Unit,
)
from inspections.scopes import places_inspectable_by, places_visible_to

pytestmark = pytest.mark.django_db
User = get_user_model()


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", "inspections", "auth.user", "--indent=1", stdout=out)
    return out.getvalue()


def test_it_builds_a_realistic_street():
    out = seed()

    street = Street.objects.get()
    assert (street.code, street.name, street.district) == ("LF", "联芳街道", "沙坪坝区")
    assert set(Office.objects.values_list("name", flat=True)) == {
        "规建办", "经发办", "党政办", "民社办", "党建办", "社服中心", "文服中心"}
    assert Community.objects.count() >= 8
    assert Community.objects.filter(name="平顶山社区", code="LF-PDS").exists()
    assert Compound.objects.count() == 40
    assert BinStation.objects.filter(status="active").count() >= 150
    assert Unit.objects.count() == 30
    assert set(Unit.objects.values_list("kind", flat=True)) == set(UNIT_KINDS)
    assert not Unit.objects.filter(office=None).exists()
    assert not Compound.objects.filter(company=None).exists() and PropertyCompany.objects.count() == 10
    assert not Compound.objects.filter(households=None).exists()
    assert Place.objects.get(code="LF-PDS-01-BS01").parent.code == "LF-PDS-01"
    for place in Place.objects.select_related("parent"):
        assert 29.54 <= place.lat <= 29.58 and 106.44 <= place.lng <= 106.48, place.code
        place.clean()
        if place.kind == "bin_station":
            distance = geodesic((place.lat, place.lng), (place.parent.lat, place.parent.lng)).meters
            assert distance < 100, place.code  # each bin station stands near its compound or unit
    assert f"admin      {stored_demo_passwords()['admin']}" in out


def test_it_makes_one_login_per_role_with_its_scope():
    seed()

    users = {u.username: u for u in User.objects.select_related("profile")}
    assert {name: users[name].profile.role for name in users} == {
        "admin": "admin", "street": "street_inspector", "community": "community_inspector",
        "office": "office_viewer", "company": "company_user"}
    assert users["admin"].is_staff and users["admin"].is_superuser
    assert not any(users[name].is_staff for name in ("street", "community", "office", "company"))
    passwords = stored_demo_passwords()
    assert all(user.check_password(passwords[name]) for name, user in users.items())
    community = users["community"]
    assert "平顶山社区" in community.profile.communities.values_list("name", flat=True)
    assert places_inspectable_by(community).filter(code="LF-PDS-01-BS01").exists()
    assert not places_visible_to(users["office"]).exclude(kind__in=[*UNIT_KINDS, "bin_station"]).exists()
    assert places_visible_to(users["company"]).filter(kind="compound").count() == 4


def test_running_twice_leaves_an_identical_database():
    seed()
    first = dump()

    seed()

    assert dump() == first


def test_qr_tokens_are_unique_and_deterministic():
    seed()

    tokens = list(Place.objects.values_list("qr_token", flat=True))
    assert len(set(tokens)) == len(tokens)
    assert Place.objects.get(code="LF-PDS-01-BS03").qr_token == demo_qr_token("LF-PDS-01-BS03")
    assert len(demo_qr_token("X")) == 24


def test_if_empty_does_nothing_when_places_exist():
    street = Street.objects.create(code="XX", name="别的街道")
    Place.objects.create(street=street, kind="community", code="XX-1", name="真实社区")

    out = seed("--if-empty")

    assert Place.objects.count() == 1 and Street.objects.count() == 1
    assert not User.objects.exists()
    assert "跳过" in out


def test_if_empty_seeds_an_empty_database():
    seed("--if-empty")

    assert Compound.objects.count() == 40


def test_it_refuses_a_database_with_real_data_unless_forced():
    street = Street.objects.create(code="XX", name="别的街道")
    real = Place.objects.create(street=street, kind="community", code="XX-1", name="真实社区")

    with pytest.raises(CommandError, match="XX-1"):
        seed()
    assert Place.objects.count() == 1 and not User.objects.exists()

    seed("--force")

    assert Compound.objects.count() == 40
    real.refresh_from_db()
    assert (real.name, real.street.code) == ("真实社区", "XX")


def test_it_refuses_to_take_over_a_real_user_with_a_demo_name():
    User.objects.create_superuser("admin", "boss@example.com", "their-own-password")

    with pytest.raises(CommandError, match="admin"):
        seed()

    assert User.objects.get(username="admin").check_password("their-own-password")
    assert not Place.objects.exists()


def test_demo_history_never_lands_in_a_real_street_of_the_same_code():
    street = Street.objects.create(code="LF", name="联芳街道（真实）")
    Place.objects.create(street=street, kind="community", code="REAL-1", name="真实社区")
    for username, role in (("boss", "admin"), ("walker", "street_inspector")):
        Profile.objects.create(user=User.objects.create_user(username, password="x"), role=role, street=street)

    seed("--if-empty")
    with pytest.raises(CommandError):
        seed()

    assert not Inspection.objects.exists()
    assert Place.objects.count() == 1


def test_each_install_gets_its_own_private_demo_passwords(settings, tmp_path):
    seed()
    first = stored_demo_passwords()
    mode = settings.DEMO_LOGINS_FILE.stat().st_mode & 0o777

    settings.DEMO_LOGINS_FILE = tmp_path / "another-install" / "demo_logins.txt"
    seed()
    second = stored_demo_passwords()

    assert mode == 0o600 and settings.DEMO_LOGINS_FILE.stat().st_mode & 0o777 == 0o600
    assert set(first) == set(second) == {"admin", "street", "community", "office", "company"}
    assert len(set(first.values())) == 5 and all(len(password) >= 12 for password in first.values())
    assert not set(first.values()) & set(second.values())
    assert User.objects.get(username="admin").check_password(second["admin"])
    assert not User.objects.get(username="admin").check_password(first["admin"])


def test_a_later_start_keeps_and_prints_the_stored_passwords():
    seed()
    passwords = stored_demo_passwords()

    out = seed("--if-empty")

    assert stored_demo_passwords() == passwords
    assert all(f"{name:<10} {password:<16}" in out for name, password in passwords.items())
    assert "跳过" in out
