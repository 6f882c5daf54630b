"""The desk and public pages on a 360 × 640 phone in Chromium: nothing makes the page scroll sideways (wide
tables scroll inside their own box), and a street inspector logs in at the one login page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from checklists.models import ChecklistVersion
from inspections.demo.street import demo_street_seed
from inspections.models import Place
from rankings.demo import demo_history_seed
from rankings.models import RankingPublication
from rankings.publication import publication_draft
from rectifications.models import RectificationCase

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "phone-2026-secret"
WIDTH = 360


@pytest.fixture
def demo():
    if not ChecklistVersion.objects.filter(state="published").exists():
        call_command("load_checklists", verbosity=0)
    demo_street_seed()
    demo_history_seed(now=dt.datetime(2026, 11, 18, 4, 0, tzinfo=dt.UTC))
    users = get_user_model().objects.filter(username__in=["admin", "street"])
    for user in users:
        user.set_password(PASSWORD)
        user.save()
    october = RankingPublication.objects.get(state="published", period="2026-10")
    draft = publication_draft(street=october.street, period_kind="month", period="2026-10",
                              user=users.get(username="admin"))
    compound = Place.objects.filter(kind="compound").order_by("code").first()
    case = RectificationCase.objects.exclude(state="withdrawn").filter(covert=False).order_by("pk").first()
    return {"october": october, "draft": draft, "compound": compound, "case": case}


def page_width(page, url: str) -> int:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    return page.evaluate("document.documentElement.scrollWidth")


def log_in(page, username: str, next_url: str) -> None:
    page.goto(f"/admin/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{next_url}")


def test_desk_pages_fit_a_phone(phone, demo):
    page = phone.new_page()
    page.set_default_timeout(15_000)
    assert page_width(page, "/admin/login/") <= WIDTH
    log_in(page, "street", "/staff/")  # a street inspector: not an admin user, and lands on the desk
    widths = {url: page_width(page, url) for url in (
        "/staff/", "/staff/rankings/", f"/staff/rankings/{demo['october'].pk}/",
        f"/staff/places/{demo['compound'].pk}/history/",
    )}
    # The tables are wider than the phone and scroll in their own box.
    assert page.evaluate("Math.max(...[...document.querySelectorAll('.scroll')].map(b => b.scrollWidth))") > 0
    page.goto("/staff/")
    page.click("nav button")  # log out (a form: the logout takes POST only)
    page.wait_for_url("**/admin/login/")
    log_in(page, "admin", "/staff/")
    widths[f"/staff/rankings/{demo['draft'].pk}/"] = page_width(page, f"/staff/rankings/{demo['draft'].pk}/")
    case = demo["case"].pk  # the case desk, with the admin's forms, and a notice
    for url in ("/staff/cases/", f"/staff/cases/{case}/", f"/staff/cases/{case}/notice/"):
        widths[url] = page_width(page, url)
    print(widths)  # noqa: T201 (the measurement)
    assert all(width <= WIDTH for width in widths.values()), widths


def test_public_pages_fit_a_phone(phone, demo):
    page = phone.new_page()
    page.set_default_timeout(15_000)
    pk = demo["october"].pk
    widths = {url: page_width(page, url) for url in (
        "/public/", f"/public/lists/{pk}/", f"/public/lists/{pk}/compound/", f"/public/lists/{pk}/poster/",
        "/public/rules/",
    )}
    print(widths)  # noqa: T201 (the measurement)
    assert all(width <= WIDTH for width in widths.values()), widths
    page.goto(f"/public/lists/{pk}/")
    page.click("nav.jump a[href='#community']")
    assert page.evaluate("location.hash") == "#community"
    icon = page.request.get("/favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"] == "image/x-icon"
