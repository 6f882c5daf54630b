"""/staff/labels/<compound code>/: a printable sheet of QR labels, one per active bin station."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders

from inspections.labels import qr_svg
from inspections.models import Office, Place, Profile, Role, Street

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def compound():
    street = Street.objects.create(code="S", name="联芳街道")
    community = Place.objects.create(street=street, kind="community", code="S-A", name="平顶山社区")
    compound = Place.objects.create(street=street, kind="compound", code="S-A-01", name="南方花园", parent=community)
    for number in (1, 2, 3):
        Place.objects.create(street=street, kind="bin_station", code=f"S-A-01-BS0{number}", name=f"{number}号投放点",
                             parent=compound)
    Place.objects.get(code="S-A-01-BS03").retire()
    return compound


def login(client, role, **scope):
    communities = scope.pop("communities", [])
    user = User.objects.create_user(f"u{User.objects.count()}", password="x")
    Profile.objects.create(user=user, role=role, **scope).communities.set(communities)
    client.force_login(user)
    return user


def test_it_prints_one_label_per_active_bin_station(client, compound, settings):
    settings.SITE_URL = "https://patrol.example.cn"
    login(client, Role.ADMIN, street=compound.street)

    response = client.get("/staff/labels/S-A-01/")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="label"') == 2
    assert "S-A-01-BS01" in html and "S-A-01-BS02" in html and "S-A-01-BS03" not in html  # retired: no label
    assert "南方花园" in html and "平顶山社区" in html and "1号投放点" in html
    for code in ("S-A-01-BS01", "S-A-01-BS02"):
        token = Place.objects.get(code=code).qr_token
        assert qr_svg(f"https://patrol.example.cn/q/{token}") in html
    assert '<link rel="stylesheet" href="/static/inspections/labels.css">' in html
    assert "@page { size: A4" in Path(finders.find("inspections/labels.css")).read_text()


def test_it_needs_a_login(client, compound):
    response = client.get("/staff/labels/S-A-01/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_community_inspector_prints_labels_of_their_own_compounds_only(client, compound):
    other = Place.objects.create(street=compound.street, kind="community", code="S-B", name="联芳社区")
    login(client, Role.COMMUNITY_INSPECTOR, street=compound.street, communities=[other])
    assert client.get("/staff/labels/S-A-01/").status_code == 403

    login(client, Role.COMMUNITY_INSPECTOR, street=compound.street, communities=[compound.parent])
    assert client.get("/staff/labels/S-A-01/").status_code == 200


@pytest.mark.parametrize("role", [Role.OFFICE_VIEWER, Role.COMPANY_USER])
def test_readers_cannot_print_labels(client, compound, role):
    scope = {"office": Office.objects.create(street=compound.street, code="O", name="经发办")} \
        if role == Role.OFFICE_VIEWER else {}
    login(client, role, street=compound.street, **scope)

    assert client.get("/staff/labels/S-A-01/").status_code == 403


@pytest.mark.parametrize("code", ["NOPE", "S-A-01-BS01", "S-A"])
def test_only_compounds_have_label_sheets(client, compound, code):
    login(client, Role.ADMIN, street=compound.street)

    assert client.get(f"/staff/labels/{code}/").status_code == 404
