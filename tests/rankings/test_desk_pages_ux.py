"""Desk pages (issue 11, point 7): one login for every desk role, flags and periods in words."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.management import call_command
from django.utils import translation

from checklists.models import ChecklistVersion
from inspections.demo.street import demo_street_seed
from inspections.flags import FLAG_LABELS
from inspections.models import Inspection
from rankings.demo import demo_history_seed
from rankings.models import RankingPublication
from rankings.present import period_label

LOGIN = "/admin/login/"
PASSWORD = "desk-2026-secret"
NOW = dt.datetime(2026, 11, 18, 4, 0, tzinfo=dt.UTC)


@pytest.fixture
def demo_users(db):
    """The demo street's five users (one per role) with a known password."""
    demo_street_seed()
    for user in get_user_model().objects.filter(username__in=["admin", "street", "community", "office", "company"]):
        user.set_password(PASSWORD)
        user.save()


def log_in(client, username: str, next_url: str = "/admin/", password: str = PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password, "next": next_url})


# --- one login for every desk role ----------------------------------------------------------------------


def test_a_street_inspector_logs_in_at_the_one_login_and_lands_on_the_desk(client, demo_users):
    assert not get_user_model().objects.get(username="street").is_staff
    response = log_in(client, "street")
    assert response.status_code == 302 and response["Location"] == "/staff/"
    assert SESSION_KEY in client.session
    page = client.get("/staff/")
    assert page.status_code == 200
    assert "/admin/" not in page.content.decode().replace("/admin/login/", "")  # no link to the admin
    # Back at the login page, or at the admin: sent to the desk, not shown Django's "not authorized" text.
    assert client.get(LOGIN)["Location"] == "/staff/"
    assert client.get("/admin/", follow=True).redirect_chain[-1][0] == "/staff/"


def test_a_desk_page_asked_for_is_where_a_street_inspector_lands(client, demo_users):
    response = client.get("/staff/rankings/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    response = log_in(client, "street", next_url="/staff/rankings/")
    assert response.status_code == 302 and response["Location"] == "/staff/rankings/"
    # Somewhere else, or another site: the dashboard.
    client.logout()
    assert log_in(client, "street", next_url="https://evil.example/staff/")["Location"] == "/staff/"


def test_an_admin_still_reaches_the_admin(client, demo_users):
    response = log_in(client, "admin")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("username", ["community", "office", "company"])
def test_phone_app_roles_are_told_where_to_go_in_chinese(client, demo_users, username):
    response = log_in(client, username)
    page = response.content.decode()
    assert response.status_code == 200 and SESSION_KEY not in client.session
    assert "此账号没有工作台权限" in page and "手机巡查应用" in page and "http://testserver/" in page
    assert "staff account" not in page and "员工账号" not in page  # not Django's message


def test_a_wrong_password_gets_a_plain_message(client, demo_users):
    page = log_in(client, "street", password="guess").content.decode()
    assert "用户名或密码不正确" in page and "员工账号" not in page
    assert "街道管理员和镇街级指导员在此登录工作台" in page  # who logs in here, who uses the phone


def test_desk_staff_log_out_from_the_desk(client, demo_users):
    log_in(client, "street")
    assert client.get("/staff/logout/").status_code == 405  # POST only, with the page's CSRF token
    response = client.post("/staff/logout/")
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert SESSION_KEY not in client.session


# --- flags and periods in words ------------------------------------------------------------------------


def flag_codes_in_the_code() -> set[str]:
    """Every flag the server writes: `flags.append("…")` and `return ["…"], …` in the sync's services."""
    found = set()
    for path in (Path(settings.BASE_DIR) / "inspections" / "services").glob("*.py"):
        text = path.read_text()
        found |= set(re.findall(r'flags\.append\("([a-z_]+)"\)', text))
        found |= set(re.findall(r'return \["([a-z_]+)"\]', text))
    return found


def test_every_flag_the_server_writes_has_a_label():
    codes = flag_codes_in_the_code()
    assert {"clock_skew", "far_from_place", "out_of_scope", "photo_refused", "mock_location", "no_fix",
            "poor_accuracy"} <= codes
    assert codes <= set(FLAG_LABELS)
    assert all(re.search(r"[\u4e00-\u9fff]", str(label)) for label in FLAG_LABELS.values())


@pytest.mark.parametrize(("kind", "key", "chinese", "english"), [
    ("week", "2026-W49", "2026年第49周（11月30日—12月6日）", "Week 49, 2026 (30 Nov – 6 Dec)"),
    ("week", "2026-W53", "2026年第53周（12月28日—1月3日）", "Week 53, 2026 (28 Dec – 3 Jan)"),
    ("month", "2026-11", "2026年11月", "November 2026"),
    ("quarter", "2026-Q4", "2026年第4季度", "Q4 2026"),
])
def test_periods_are_human_in_both_languages(kind, key, chinese, english):
    with translation.override("zh-hans"):
        assert period_label(kind, key) == chinese
    with translation.override("en"):
        assert period_label(kind, key) == english


@pytest.fixture
def demo_history(demo_users):
    if not ChecklistVersion.objects.filter(state="published").exists():
        call_command("load_checklists", verbosity=0)
    demo_history_seed(now=NOW)


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_and_a_draft_show_flags_and_periods_in_words(client, demo_history):
    flagged = Inspection.objects.exclude(flags=[]).filter(inspected_at__gte=NOW - dt.timedelta(days=31))
    codes = {code for flags in flagged.values_list("flags", flat=True) for code in flags}
    assert codes, "the demo has flagged inspections in the last month"
    client.force_login(get_user_model().objects.get(username="street"))
    page = client.get("/staff/").content.decode()
    for code in codes:
        assert str(FLAG_LABELS[code]) in page and f">{code}<" not in page and code not in page
    assert "2026年第47周（11月16日—11月22日）" in page and "2026年11月" in page and "2026年第4季度" in page
    assert "月暗查" in page  # the regime of each flagged inspection
    october = RankingPublication.objects.get(state="published", period="2026-10")
    listing = client.get("/staff/rankings/").content.decode()
    assert "联芳街道 2026年10月 月暗查排名" in listing and "已发布" in listing
    client.force_login(get_user_model().objects.get(username="admin"))
    draft = client.post(f"/staff/rankings/{october.pk}/recompute/")
    review = client.get(draft["Location"]).content.decode()
    assert "2026年10月" in review
    for code in FLAG_LABELS:
        assert f"<td>{code}" not in review
