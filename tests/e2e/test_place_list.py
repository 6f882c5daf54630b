"""The place list on a 360×640 phone (issue 11, point 6): grouped by compound, the kind in words on every row,
due marks only for this user's weekly duty, done marks from this phone at once, and messages for an empty search,
a capped list and a missing GPS fix."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from inspections.models import Place, Profile, Role

from .browser import PASSWORD, STATION_LAT, STATION_LNG, answer_the_rest, log_in, start_inspection

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def community(street):
    """The street's community with a second compound (two bin stations) and a school, and its instructor "zhao"."""
    community = Place.objects.get(code="LF-01")
    compound = Place.objects.create(street=street, kind="compound", code="LF-01-02", name="园丁小区",
                                    parent=community, lat=STATION_LAT, lng=STATION_LNG)
    for n in (1, 2):
        Place.objects.create(street=street, kind="bin_station", code=f"LF-01-02-BS0{n}", name=f"园丁{n}号桶站",
                             parent=compound, lat=STATION_LAT, lng=STATION_LNG)
    Place.objects.create(street=street, kind="public_institution", code="LF-01-U1", name="联芳小学",
                         parent=community, lat=STATION_LAT, lng=STATION_LNG)
    user = get_user_model().objects.create_user("zhao", password=PASSWORD)
    profile = Profile.objects.create(user=user, role=Role.COMMUNITY_INSPECTOR, display_name="赵指导", street=street)
    profile.communities.set([community])
    return community


def row(page, code: str):
    return page.locator(f"a.place[data-code='{code}']")


def test_places_are_grouped_marked_by_kind_and_due_only_for_this_users_duty(community, phone):
    page = phone.new_page()
    log_in(page, "zhao")
    assert page.locator("#place-list a.place").count() == 7
    kinds = {code: row(page, code).locator(".kind").inner_text() for code in (
        "LF-01", "LF-01-01", "LF-01-01-BS01", "LF-01-U1")}
    assert kinds == {"LF-01": "社区", "LF-01-01": "小区", "LF-01-01-BS01": "投放点", "LF-01-U1": "公共机构"}
    assert page.locator("#place-list a.place:not(:has(.kind))").count() == 0
    # Bin stations under their compound, the compound first; the community and the school on their own.
    group = page.locator("li.place-group[data-group='LF-01-02'] a.place")
    assert [group.nth(i).get_attribute("data-code") for i in range(3)] == ["LF-01-02", "LF-01-02-BS01", "LF-01-02-BS02"]
    assert page.locator("li.place-group[data-group='LF-01'] a.place").count() == 1
    assert page.locator("li.place-group[data-group='LF-01-U1'] a.place").count() == 1
    # Due: the compounds and the school of zhao's community, never a bin station nor the community itself.
    due = page.locator("#place-list [data-due]")
    assert sorted(due.nth(i).evaluate("e => e.closest('a').dataset.code") for i in range(due.count())) == [
        "LF-01-01", "LF-01-02", "LF-01-U1"]
    assert row(page, "LF-01-01").locator("[data-due]").inner_text() == "本周待指导"

    # A weekly visit to a station, finished offline: its row is done and its compound no longer due, at once.
    phone.set_offline(True)
    start_inspection(page, "weekly_guidance")
    page.fill("input[name=answer-BS16]", "5")
    answer_the_rest(page)
    page.click("#finish")
    page.wait_for_selector("#outbox-list li.outbox-item")
    page.click("#tabs a[data-tab=places]")
    page.wait_for_selector("#place-list a.place")
    assert row(page, "LF-01-01-BS01").locator("[data-done=weekly_guidance]").inner_text() == "✓ 本周已指导"
    assert row(page, "LF-01-01").locator("[data-due]").count() == 0
    assert row(page, "LF-01-02").locator("[data-due]").count() == 1

    page.fill("#place-search", "没有这个地方")
    assert page.inner_text("#place-list-note") == "没有找到“没有这个地方”，请换个名称或编号"
    assert page.locator("#place-list a.place").count() == 0
    page.fill("#place-search", "园丁2号")  # a station found alone keeps its compound's name above it
    assert page.locator("#place-list a.place").count() == 1
    assert "园丁小区" in page.inner_text("li.place-group[data-group='LF-01-02'] .group-title")
    assert page.locator("#place-list-note").is_hidden()


def test_a_long_list_is_capped_with_a_message_and_street_staff_have_nothing_due(street, phone):
    compound = Place.objects.get(code="LF-01-01")
    Place.objects.bulk_create(
        Place(street=street, kind="bin_station", code=f"LF-01-01-X{n:02}", name=f"临时桶站{n}", parent=compound,
              lat=STATION_LAT, lng=STATION_LNG)
        for n in range(70)
    )
    page = phone.new_page()
    log_in(page)
    assert page.locator("#place-list a.place").count() == 60
    assert page.inner_text("#place-list-note") == "只显示前 60 个，请搜索（共 73 个）"
    assert page.locator("#place-list [data-due]").count() == 0  # wang may guide anywhere; nothing is his duty
    page.fill("#place-search", "临时桶站6")
    assert page.locator("#place-list a.place").count() == 11
    assert page.locator("#place-list-note").is_hidden()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360


def test_without_location_the_list_says_why_there_are_no_distances(street, phone):
    phone.clear_permissions()
    page = phone.new_page()
    log_in(page)
    hint = page.wait_for_selector("#no-gps-hint", timeout=20_000)
    assert "列表按编号排列" in hint.inner_text()
    assert "无定位" in page.inner_text("a.place[data-code='LF-01-01-BS01'] .meta")
