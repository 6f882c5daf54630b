"""The admin for places and people: Chinese, searchable, filterable, no deletes, retire, import."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from inspections.models import Office, Place, Profile, Street

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def demo(client):
    call_command("seed_demo", stdout=io.StringIO())
    client.force_login(User.objects.get(username="admin"))
    return client


def test_the_admin_speaks_chinese(demo):
    response = demo.get("/admin/")

    assert response.status_code == 200
    html = response.content.decode()
    for title in ("社区", "小区", "投放点", "单位（公共机构、相关企业、公共场所）", "科室", "物业服务企业", "街道"):
        assert title in html


@pytest.mark.parametrize("page", ["community", "compound", "binstation", "unit", "place", "office",
                                  "propertycompany", "street"])
def test_every_list_page_opens(demo, page):
    response = demo.get(f"/admin/inspections/{page}/")

    assert response.status_code == 200


def test_a_compound_shows_its_bin_stations_inline_and_a_label_link(demo):
    compound = Place.objects.get(code="LF-PDS-01")

    response = demo.get(f"/admin/inspections/compound/{compound.pk}/change/")

    assert response.status_code == 200
    html = response.content.decode()
    stations = compound.children.values_list("code", flat=True)
    assert stations and all(code in html for code in stations)
    assert "/staff/labels/LF-PDS-01/" in html


def test_search_and_filters(demo):
    pds = Place.objects.get(code="LF-PDS")

    found = demo.get("/admin/inspections/place/", {"q": "平顶山小区"})
    by_community = demo.get("/admin/inspections/binstation/", {"community": pds.pk})
    by_kind = demo.get("/admin/inspections/unit/", {"kind__exact": "enterprise"})
    retired = demo.get("/admin/inspections/binstation/", {"status__exact": "retired"})

    assert "LF-PDS-01" in found.content.decode()
    codes = set(by_community.context["cl"].result_list.values_list("code", flat=True))
    assert codes and all(code.startswith("LF-PDS-") for code in codes)
    assert set(by_kind.context["cl"].result_list.values_list("kind", flat=True)) == {"enterprise"}
    assert list(retired.context["cl"].result_list.values_list("code", flat=True)) == ["LF-PDS-02-BS03"]


def test_places_cannot_be_deleted(demo):
    compound = Place.objects.get(code="LF-PDS-01")

    page = demo.get("/admin/inspections/compound/")
    response = demo.post(f"/admin/inspections/compound/{compound.pk}/delete/", {"post": "yes"})

    assert "delete_selected" not in page.content.decode()
    assert response.status_code == 403
    assert Place.objects.filter(pk=compound.pk).exists()


def test_retiring_a_compound_retires_its_bin_stations(demo):
    compound = Place.objects.get(code="LF-SNP-01")
    untouched = Place.objects.get(code="LF-SNP-02-BS01")

    response = demo.post(
        "/admin/inspections/compound/", {"action": "retire_selected", "_selected_action": [compound.pk]}
    )

    assert response.status_code == 302
    compound.refresh_from_db()
    assert compound.status == "retired" and compound.retired_at is not None
    assert not compound.children.filter(status="active").exists()
    assert Place.objects.get(pk=untouched.pk).status == "active"

    demo.post("/admin/inspections/compound/", {"action": "restore_selected", "_selected_action": [compound.pk]})
    compound.refresh_from_db()
    assert (compound.status, compound.retired_at) == ("active", None)


def test_a_clerk_adds_a_compound_with_its_bin_stations(demo):
    community = Place.objects.get(code="LF-PDS")
    inline = "children"
    response = demo.post("/admin/inspections/compound/add/", {
        "code": "LF-PDS-99", "name": "新建小区", "parent": community.pk, "households": "321",
        "address": "", "lat": "29.55", "lng": "106.45", "radius_m": "",
        f"{inline}-TOTAL_FORMS": "2", f"{inline}-INITIAL_FORMS": "0",
        f"{inline}-MIN_NUM_FORMS": "0", f"{inline}-MAX_NUM_FORMS": "1000",
        f"{inline}-0-code": "LF-PDS-99-BS01", f"{inline}-0-name": "1号投放点",
        f"{inline}-0-lat": "29.5501", f"{inline}-0-lng": "106.4501", f"{inline}-0-radius_m": "",
        f"{inline}-1-code": "LF-PDS-99-BS02", f"{inline}-1-name": "2号投放点",
        f"{inline}-1-lat": "", f"{inline}-1-lng": "", f"{inline}-1-radius_m": "",
    })

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    compound = Place.objects.get(code="LF-PDS-99")
    assert (compound.kind, compound.street.code, compound.households) == ("compound", "LF", 321)
    stations = compound.children.order_by("code")
    assert [(s.code, s.kind, s.street_id) for s in stations] == [
        ("LF-PDS-99-BS01", "bin_station", compound.street_id), ("LF-PDS-99-BS02", "bin_station", compound.street_id)]
    assert len({s.qr_token for s in stations}) == 2


def test_a_bin_station_under_a_community_is_refused(demo):
    community = Place.objects.get(code="LF-PDS")

    response = demo.post("/admin/inspections/binstation/add/", {
        "code": "LF-X", "name": "错误", "parent": community.pk, "address": "", "lat": "", "lng": "", "radius_m": ""})

    assert response.status_code == 200  # the form again, with the error
    assert response.context["adminform"].form.errors["parent"]
    assert not Place.objects.filter(code="LF-X").exists()


def test_the_admin_imports_a_file_with_the_same_report(demo):
    good = "code,name,kind,parent,households\nLF-PDS-50,新小区,compound,LF-PDS,100\n"
    bad = good + "LF-PDS-51,坏行,城堡,LF-PDS,\n"

    refused = demo.post("/admin/inspections/place/import/", {
        "file": SimpleUploadedFile("p.csv", bad.encode()), "crs": "wgs84"})
    skipped = demo.post("/admin/inspections/place/import/", {
        "file": SimpleUploadedFile("p.csv", bad.encode()), "crs": "wgs84", "skip_bad": "on"})

    assert refused.status_code == 200
    assert "第 3 行（LF-PDS-51）：未知的类型：城堡" in refused.content.decode()
    assert "未导入" in refused.content.decode()
    assert skipped.status_code == 200 and "新增 1" in skipped.content.decode()
    assert Place.objects.get(code="LF-PDS-50").street == Street.objects.get(code="LF")
    assert not Place.objects.filter(code="LF-PDS-51").exists()


def test_the_import_page_rejects_an_unreadable_file(demo):
    response = demo.post("/admin/inspections/place/import/", {
        "file": SimpleUploadedFile("p.pdf", b"%PDF"), "crs": "wgs84"})

    assert response.status_code == 200
    assert "只支持 CSV 或 XLSX" in response.content.decode()


def test_only_admins_may_import(client):
    clerk = User.objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(clerk)

    assert client.get("/admin/inspections/place/import/").status_code == 403


def test_a_person_is_edited_with_role_and_scope(demo):
    user = User.objects.get(username="community")

    page = demo.get(f"/admin/auth/user/{user.pk}/change/")
    listing = demo.get("/admin/auth/user/", {"profile__role__exact": "community_inspector"})

    assert page.status_code == 200
    assert "角色与范围" in page.content.decode() and "负责社区" in page.content.decode()
    assert [u.username for u in listing.context["cl"].result_list] == ["community"]


def test_a_role_needs_its_scope(demo):
    user = User.objects.create_user("newbie", password="x")
    form = {
        "username": "newbie", "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
        "profile-TOTAL_FORMS": "1", "profile-INITIAL_FORMS": "0", "profile-MIN_NUM_FORMS": "1",
        "profile-MAX_NUM_FORMS": "1", "profile-0-role": "company_user", "profile-0-display_name": "新人",
    }

    response = demo.post(f"/admin/auth/user/{user.pk}/change/", form)

    assert response.status_code == 200
    assert "这个角色必须填写其范围" in response.content.decode()
    assert not Profile.objects.filter(user=user).exists()


@pytest.mark.parametrize(("page", "code"), [
    ("community", "LF-PDS"), ("compound", "LF-PDS-01"), ("binstation", "LF-PDS-01-BS01"), ("unit", "LF-PDS-U08"),
    ("place", "LF-PDS-01-BS01"),
])
def test_every_change_and_add_page_opens(demo, page, code):
    place = Place.objects.get(code=code)

    change = demo.get(f"/admin/inspections/{page}/{place.pk}/change/")
    add = demo.get(f"/admin/inspections/{page}/add/")

    assert change.status_code == 200 and place.name in change.content.decode()
    assert add.status_code == (403 if page == "place" else 200)  # the all-places list adds nothing itself


def test_a_clerk_adds_a_unit_with_its_office(demo):
    community = Place.objects.get(code="LF-PDS")
    office = Office.objects.get(code="LF-JFB")
    form = {"kind": "enterprise", "code": "LF-PDS-U99", "name": "新企业", "parent": community.pk,
            "address": "", "lat": "", "lng": "", "radius_m": "",
            "children-TOTAL_FORMS": "0", "children-INITIAL_FORMS": "0",
            "children-MIN_NUM_FORMS": "0", "children-MAX_NUM_FORMS": "1000"}

    refused = demo.post("/admin/inspections/unit/add/", form)
    added = demo.post("/admin/inspections/unit/add/", {**form, "office": office.pk})

    assert refused.status_code == 200 and "单位必须有责任科室" in refused.content.decode()
    assert added.status_code == 302
    unit = Place.objects.get(code="LF-PDS-U99")
    assert (unit.kind, unit.office, unit.street.code) == ("enterprise", office, "LF")
