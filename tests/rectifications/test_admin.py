"""The admin shows cases read-only with their findings and timeline, filtered and searched as the ledger needs."""

import pytest
from django.contrib.auth.models import Permission

from rectifications.models import CaseState, RectificationCase
from rectifications.services import case_answer

from .world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, world, monday_may_11):
    """The street admin of `world`, staff with every rectifications permission, logged in; two cases open."""
    admin = world.users["admin"]
    admin.is_staff = True
    admin.save()
    admin.user_permissions.set(Permission.objects.filter(content_type__app_label="rectifications"))
    world.inspect(world.xb, {"A": "fail"})
    world.inspect(world.u, {"D": "fail"})
    case_answer(case=RectificationCase.objects.get(place=world.xb), by=world.users["company"], note="已清洗")
    client.force_login(admin)
    return client


def test_the_changelist_filters_by_state_community_and_company_and_searches_by_number(staff_client, world):
    other = make_world("S2", "乙街道")
    other.inspect(other.x, {"A": "fail"})  # another street's ZG-2026-0001

    page = staff_client.get("/admin/rectifications/rectificationcase/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "ZG-2026-0001" in text and "ZG-2026-0002" in text and "乙" not in text
    assert "社区K" in text and world.company.name in text  # filter choices

    answered = staff_client.get("/admin/rectifications/rectificationcase/", {"state__exact": CaseState.ANSWERED})
    assert "投放点XB" in answered.content.decode() and "单位U" not in answered.content.decode()
    by_company = staff_client.get("/admin/rectifications/rectificationcase/",
                                  {"party_company__id__exact": world.company.pk})
    assert "投放点XB" in by_company.content.decode() and "单位U" not in by_company.content.decode()
    by_community = staff_client.get("/admin/rectifications/rectificationcase/", {"community__id__exact": world.k.pk})
    assert "投放点XB" in by_community.content.decode() and "单位U" in by_community.content.decode()
    found = staff_client.get("/admin/rectifications/rectificationcase/", {"q": "ZG-2026-0002"})
    assert "单位U" in found.content.decode() and "投放点XB" not in found.content.decode()


def test_a_case_shows_its_timeline_read_only(staff_client, world):
    case = RectificationCase.objects.get(place=world.xb)
    page = staff_client.get(f"/admin/rectifications/rectificationcase/{case.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "已清洗" in text and "立案" in text and "责任方回复" in text
    assert 'name="_save"' not in text  # nothing to save: steps go through the services

    assert staff_client.get("/admin/rectifications/rectificationcase/add/").status_code == 403
    deleted = staff_client.post(f"/admin/rectifications/rectificationcase/{case.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 403 and RectificationCase.objects.filter(pk=case.pk).exists()
