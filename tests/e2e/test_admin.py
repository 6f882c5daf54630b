"""The first browser test: a clerk logs in to the admin in Chinese and opens a compound."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from inspections.demo.street import stored_demo_passwords
from inspections.models import Place

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_clerk_logs_in_and_sees_a_compound_with_its_bin_stations(page):
    call_command("seed_demo", stdout=io.StringIO())
    compound = Place.objects.get(code="LF-PDS-01")
    stations = list(compound.children.filter(kind="bin_station").order_by("code").values_list("code", flat=True))

    page.goto("/admin/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(stored_demo_passwords()["admin"])
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/admin/")
    page.get_by_role("link", name="小区", exact=True).first.click()
    page.get_by_role("link", name="LF-PDS-01", exact=True).click()

    assert page.locator("#id_name").input_value() == "平顶山小区"
    inline = page.locator("#children-group")
    assert inline.locator("h2").inner_text().strip() == "投放点"
    codes = inline.locator("input[name$='-code']:not([name*='__prefix__'])")  # not the empty template row
    assert [codes.nth(i).input_value() for i in range(codes.count())] == stations
    assert len(stations) >= 3
    assert page.get_by_role("link", name="打印标签").get_attribute("href") == "/staff/labels/LF-PDS-01/"
