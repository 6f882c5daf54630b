"""The street rules behind the matrix (test_street_matrix.py): a street for every profile, what a street admin
may do to people, which property companies they reach, and that a missing street denies."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
from rest_framework_simplejwt.tokens import RefreshToken

from checklists.models import PlaceKind
from inspections.admin.people import ProfileForm
from inspections.models import Office, Place, Profile, PropertyCompany, Role, Street
from inspections.scopes import places_visible_to, streets_of

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def streets():
    s = Street.objects.create(code="S", name="东街道")
    t = Street.objects.create(code="T", name="西街道")
    for street in (s, t):
        community = Place.objects.create(street=street, kind=PlaceKind.COMMUNITY, code=f"{street.code}-K",
                                         name=f"{street.name}社区")
        Office.objects.create(street=street, code=f"{street.code}-O", name=f"{street.name}科室")
        Place.objects.create(street=street, kind=PlaceKind.COMPOUND, code=f"{street.code}-C", name="小区",
                             parent=community)
    return s, t


def person(username, role, street, *, staff=False, **scope):
    user = User.objects.create_user(username, is_staff=staff)
    Profile.objects.create(user=user, role=role, street=street, **scope)
    return User.objects.get(pk=user.pk)


def street_admin(street):
    user = person("chief", Role.ADMIN, street, staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["auth", "inspections"]))
    return User.objects.get(pk=user.pk)


# --- every profile has a street -----------------------------------------------------------------------------


def test_a_profile_without_a_street_is_refused_by_model_form_and_database(streets):
    user = User.objects.create_user("lost")

    with pytest.raises(ValidationError) as refused:
        Profile(user=user, role=Role.STREET_INSPECTOR).full_clean()
    assert "street" in refused.value.message_dict
    form = ProfileForm(data={"role": Role.COMPANY_USER, "display_name": "某人"})
    assert not form.is_valid() and "street" in form.errors
    with pytest.raises(IntegrityError), transaction.atomic():
        Profile.objects.create(user=user, role=Role.STREET_INSPECTOR)
    assert not Profile.objects.filter(user=user).exists()


def test_the_scope_must_be_of_the_same_street(streets):
    s, t = streets
    form = ProfileForm(data={"role": Role.COMMUNITY_INSPECTOR, "street": s.pk,
                             "communities": [Place.objects.get(code="T-K").pk]})
    assert not form.is_valid() and "communities" in form.errors
    with pytest.raises(ValidationError) as refused:
        Profile(user=User.objects.create_user("x"), role=Role.OFFICE_VIEWER, street=s,
                office=Office.objects.get(code="T-O")).full_clean()
    assert "office" in refused.value.message_dict


def test_only_a_superuser_reaches_every_street_and_no_profile_reaches_none(streets):
    s, _t = streets
    root = User.objects.create_superuser("root", "r@example.cn", None)
    root_with_street = User.objects.create_superuser("root2", "r2@example.cn", None)
    Profile.objects.create(user=root_with_street, role=Role.ADMIN, street=s)
    staff_without_profile = User.objects.create_user("clerk", is_staff=True)

    assert set(streets_of(root)) == set(streets_of(root_with_street)) == set(Street.objects.all())
    assert places_visible_to(root_with_street).count() == Place.objects.count()
    assert not streets_of(staff_without_profile).exists()
    assert not places_visible_to(staff_without_profile).exists()


def test_a_company_user_sees_their_company_inside_their_street_only(streets):
    s, t = streets
    company = PropertyCompany.objects.create(code="PC", name="两街物业")
    Place.objects.filter(code__in=["S-C", "T-C"]).update(company=company)
    user = person("pm", Role.COMPANY_USER, s, company=company)

    assert set(places_visible_to(user).values_list("code", flat=True)) == {"S-C"}


# --- people in the admin --------------------------------------------------------------------------------------


def test_a_street_admin_sees_only_their_streets_people(client, streets):
    s, t = streets
    chief = street_admin(s)
    mine = person("mine", Role.STREET_INSPECTOR, s)
    theirs = person("theirs", Role.STREET_INSPECTOR, t)
    client.force_login(chief)

    listing = client.get("/admin/auth/user/")
    assert listing.status_code == 200
    assert set(listing.context["cl"].result_list) == {chief, mine}
    assert client.get(f"/admin/auth/user/{theirs.pk}/change/").status_code == 302  # "does not exist"
    assert client.get(f"/admin/auth/user/{theirs.pk}/password/").status_code in (302, 404)


def _user_form(user, profile_id, **profile):
    data = {
        "username": user.username, "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
        "profile-TOTAL_FORMS": "1", "profile-INITIAL_FORMS": "1" if profile_id else "0",
        "profile-MIN_NUM_FORMS": "1", "profile-MAX_NUM_FORMS": "1",
        "profile-0-id": profile_id or "", "profile-0-user": user.pk, "profile-0-display_name": "某人",
    }
    data.update({f"profile-0-{k}": v for k, v in profile.items()})
    return data


def test_a_street_admin_cannot_grant_superuser_or_admin_nor_move_anyone(client, streets):
    s, t = streets
    chief = street_admin(s)
    clerk = person("clerk", Role.STREET_INSPECTOR, s)
    client.force_login(chief)
    page = client.get(f"/admin/auth/user/{clerk.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page
    assert 'value="admin"' not in page  # the role choices

    to_admin = client.post(f"/admin/auth/user/{clerk.pk}/change/", {
        **_user_form(clerk, clerk.profile.pk, role=Role.ADMIN, street=s.pk), "is_superuser": "on"})
    moved = client.post(f"/admin/auth/user/{clerk.pk}/change/",
                        _user_form(clerk, clerk.profile.pk, role=Role.STREET_INSPECTOR, street=t.pk))

    assert to_admin.status_code == 200 and moved.status_code == 200  # the form again, with errors
    clerk = User.objects.get(pk=clerk.pk)
    assert (clerk.is_superuser, clerk.profile.role, clerk.profile.street) == (False, Role.STREET_INSPECTOR, s)

    demoted = client.post(f"/admin/auth/user/{clerk.pk}/change/",
                          _user_form(clerk, clerk.profile.pk, role=Role.COMMUNITY_INSPECTOR, street=s.pk,
                                     communities=[Place.objects.get(code="S-K").pk]))
    assert demoted.status_code == 302
    assert User.objects.get(pk=clerk.pk).profile.role == Role.COMMUNITY_INSPECTOR


def test_a_street_admin_cannot_change_another_admin_or_a_superuser(client, streets):
    s, _t = streets
    chief = street_admin(s)
    deputy = person("deputy", Role.ADMIN, s)
    client.force_login(chief)

    response = client.post(f"/admin/auth/user/{deputy.pk}/change/",
                           _user_form(deputy, deputy.profile.pk, role=Role.STREET_INSPECTOR, street=s.pk))

    assert response.status_code == 403
    assert User.objects.get(pk=deputy.pk).profile.role == Role.ADMIN


def test_a_street_admin_adds_a_person_with_role_and_street_at_once(client, streets):
    s, _t = streets
    client.force_login(street_admin(s))

    page = client.get("/admin/auth/user/add/")
    response = client.post("/admin/auth/user/add/", {
        "username": "newbie", "password1": "Xy7#long-enough", "password2": "Xy7#long-enough", "usable_password": "true",
        "profile-TOTAL_FORMS": "1", "profile-INITIAL_FORMS": "0", "profile-MIN_NUM_FORMS": "1",
        "profile-MAX_NUM_FORMS": "1", "profile-0-role": Role.STREET_INSPECTOR, "profile-0-street": s.pk,
        "profile-0-display_name": "新人",
    })

    assert page.status_code == 200 and "角色与范围" in page.content.decode()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="newbie").profile.street == s


# --- property companies -----------------------------------------------------------------------------------


def test_a_street_admin_reaches_their_companies_and_new_ones_and_changes_only_their_own(client, streets):
    s, t = streets
    ours = PropertyCompany.objects.create(code="OURS", name="本街物业")
    shared = PropertyCompany.objects.create(code="SHARED", name="两街物业")
    foreign = PropertyCompany.objects.create(code="FOREIGN", name="外街物业")
    new = PropertyCompany.objects.create(code="NEW", name="新物业")
    community = {street: Place.objects.get(code=f"{street.code}-K") for street in streets}

    def compound(street, code, company):
        Place.objects.create(street=street, kind=PlaceKind.COMPOUND, code=code, name=code,
                             parent=community[street], company=company)

    compound(s, "S-1", ours)
    compound(s, "S-2", shared)
    compound(t, "T-2", shared)
    compound(t, "T-3", foreign)
    client.force_login(street_admin(s))

    listing = client.get("/admin/inspections/propertycompany/")
    assert set(listing.context["cl"].result_list) == {ours, shared, new}
    assert client.get(f"/admin/inspections/propertycompany/{foreign.pk}/change/").status_code == 302
    client.post(f"/admin/inspections/propertycompany/{shared.pk}/change/", {"code": "SHARED", "name": "改名"})
    client.post(f"/admin/inspections/propertycompany/{ours.pk}/change/", {"code": "OURS", "name": "本街物业二"})
    assert PropertyCompany.objects.get(pk=shared.pk).name == "两街物业"  # serves street T too: read-only
    assert PropertyCompany.objects.get(pk=ours.pk).name == "本街物业二"


# --- revoking logins --------------------------------------------------------------------------------------------


def test_revoking_someone_of_another_street_is_no_such_user_and_revokes_nothing(client, streets):
    s, t = streets
    chief = person("chief", Role.ADMIN, s)
    theirs = person("theirs", Role.STREET_INSPECTOR, t)
    mine = person("mine", Role.STREET_INSPECTOR, s)
    RefreshToken.for_user(theirs)
    RefreshToken.for_user(mine)
    client.force_login(chief)

    refused = client.post("/api/v1/auth/revoke/", {"username": "theirs"}, content_type="application/json")
    done = client.post("/api/v1/auth/revoke/", {"username": "mine"}, content_type="application/json")

    assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid"
    assert refused.json() == client.post("/api/v1/auth/revoke/", {"username": "ghost"},
                                         content_type="application/json").json()
    assert not BlacklistedToken.objects.filter(token__user=theirs).exists()
    assert done.status_code == 200 and done.json()["revoked"] == 1


def test_the_revoke_action_skips_people_of_another_street(client, streets):
    s, t = streets
    chief = street_admin(s)
    theirs = person("theirs", Role.STREET_INSPECTOR, t)
    RefreshToken.for_user(theirs)
    client.force_login(chief)

    response = client.post("/admin/auth/user/", {"action": "revoke_tokens", "_selected_action": [theirs.pk]},
                           follow=True)

    assert response.status_code == 200
    assert not BlacklistedToken.objects.exists()


# --- related choices ----------------------------------------------------------------------------------------------


def test_a_street_admin_cannot_file_a_place_under_another_street(client, streets):
    s, t = streets
    client.force_login(street_admin(s))
    blank = {"address": "", "lat": "", "lng": "", "radius_m": "", "households": "",
             "children-TOTAL_FORMS": "0", "children-INITIAL_FORMS": "0"}

    compound = client.post("/admin/inspections/compound/add/", {
        **blank, "code": "X-1", "name": "越界小区", "parent": Place.objects.get(code="T-K").pk})
    community = client.post("/admin/inspections/community/add/", {**blank, "code": "X-2", "name": "越界社区",
                                                                  "street": t.pk})
    own = client.post("/admin/inspections/community/add/", {**blank, "code": "S-K2", "name": "新社区",
                                                            "street": s.pk})

    assert compound.status_code == 200 and "parent" in compound.context["adminform"].form.errors
    assert community.status_code == 200 and "street" in community.context["adminform"].form.errors
    assert not Place.objects.filter(code__startswith="X-").exists()
    assert own.status_code == 302 and Place.objects.get(code="S-K2").street == s
