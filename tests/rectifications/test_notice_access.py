"""Who may open a notice (整改通知书). Street staff print it and hand it over; the QR code leads the responsible
party to the case in the app. The company responsible may open its own notices too, once it may see the case;
anyone else — another company, a community inspector, another street — gets a 404, as for a case that does not
exist. A covert case is 404 for its company until a list or an admin releases it, and its photos stay off the
notice until then."""

import pytest
from django.conf import settings
from django.test import Client

from checklists.models import Regime
from inspections.models import PropertyCompany, Role
from rectifications.models import RectificationCase
from rectifications.services import case_release
from tests.rankings.support import add_photo, user_with

from .world import local, make_world

pytestmark = pytest.mark.django_db


def status(user, url: str) -> int:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url).status_code


@pytest.fixture
def people(world):
    other_company = PropertyCompany.objects.create(code="PC-O", name="别家物业")
    return {
        "admin": world.users["admin"], "inspector": world.users["inspector"], "company": world.users["company"],
        "other_company": user_with(Role.COMPANY_USER, world.street, "other-company", company=other_company),
        "community_inspector": user_with(Role.COMMUNITY_INSPECTOR, world.street, "k-inspector",
                                         communities=[world.k]),
        "other_street": make_world("S2", "乙街道").users["admin"],
    }


def test_staff_and_the_company_responsible_open_a_released_case_notice(world, people, monday_may_11):
    world.inspect(world.x, {"A": "fail"})
    case = RectificationCase.objects.get()
    url = f"/staff/cases/{case.pk}/notice/"
    expected = {"admin": 200, "inspector": 200, "company": 200, "other_company": 404,
                "community_inspector": 404, "other_street": 404}

    assert {who: status(user, url) for who, user in people.items()} == expected
    assert "/login/" in Client().get(url)["Location"]


def test_a_covert_case_notice_is_404_for_its_company_until_released(world, people, monday_may_11):
    inspection = world.inspect(world.x, {"A": "fail"}, regime=Regime.MONTHLY_COVERT, when=local(2026, 5, 8))
    add_photo(inspection, settings.MEDIA_ROOT, item_code="A")
    case = RectificationCase.objects.get()
    case_url, party_url = f"/staff/cases/{case.pk}/notice/", f"/staff/cases/notices/company/{world.company.pk}/"
    admin = Client()
    admin.force_login(people["admin"])

    assert status(people["company"], case_url) == 404
    assert status(people["company"], party_url) == 404  # its only case is not released: nothing to show
    staff_copy = admin.get(case_url)
    assert staff_copy.status_code == 200 and b"<img" not in staff_copy.content  # no photo before release

    case_release(case=case, by=people["admin"], reason="问题严重，先行整改")

    assert status(people["company"], case_url) == 200
    assert status(people["company"], party_url) == 200
    assert status(people["other_company"], party_url) == 404
    assert admin.get(case_url).content.count(b'src="data:image/jpeg;base64,') == 1


def test_a_notice_carries_the_office_the_case_and_a_qr_code_to_the_case_in_the_app(world, people, monday_may_11):
    world.inspect(world.x, {"A": "fail"})
    case = RectificationCase.objects.get()
    client = Client()
    client.force_login(people["admin"])

    page = client.get(f"/staff/cases/{case.pk}/notice/").content.decode()

    assert "整改街道办事处" in page and case.number in page and "小区X" in page and "问题A" in page
    assert case.deadline.isoformat() in page and f"/#/cases/{case.pk}" in page
    assert page.count('class="qr"') == 1 and "<svg" in page


def test_a_party_notice_lists_only_its_open_released_cases(world, people, monday_may_11):
    world.inspect(world.x, {"A": "fail"})
    world.inspect(world.z, {"B": 3})
    world.inspect(world.xb, {"A": "fail"}, regime=Regime.MONTHLY_COVERT, when=local(2026, 5, 8))  # not released
    world.inspect(world.u, {"A": "fail"})  # a unit's case: not the company's
    client = Client()
    client.force_login(people["admin"])

    page = client.get(f"/staff/cases/notices/company/{world.company.pk}/").content.decode()

    shown = {case.number for case in RectificationCase.objects.all() if case.number in page}
    assert shown == set(RectificationCase.objects.filter(place__in=[world.x, world.z]).values_list("number", flat=True))
    assert client.get(f"/staff/cases/notices/place/{world.u.pk}/").status_code == 200
    assert client.get(f"/staff/cases/notices/nobody/{world.u.pk}/").status_code == 404
