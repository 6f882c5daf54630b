"""Accessibility (issue 11): axe-core finds no violation on any screen of the app, the public pages or the staff
pages, on a 360 × 640 phone in Chinese (and the inspection screen in English).

One test per group of screens, one browser profile each, walked as a person would; every screen is checked and
the test fails once at the end, naming each screen's violations (rule, impact, elements, axe's help)."""

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
from rankings.publication import publication_draft, publication_publish
from rectifications.models import RectificationCase
from tests.rankings.support import make_place, make_street

from .axe import Screens
from .browser import PASSWORD, PHOTOS, add_case_photos, answer_the_rest, log_in, log_out, open_case, start_inspection
from .test_inapp_browser import WECHAT

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
# Django's tabular inline template heads its first column (the row's object) and its "delete?" column with empty
# <th> when they have nothing to say; fixing it means copying Django's template. axe rates it minor.
ADMIN_INLINE_HEADERS = (("empty-table-header", ".inline-group .tabular thead"),)
DESK_PASSWORD = "axe-2026-secret"


def log_in_to_the_app(page, password: str) -> None:
    page.fill("#username", "wang")
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")


def test_every_screen_of_the_app(street, axe_phone):
    page = axe_phone()
    screens = Screens(page)
    page.goto("/")
    page.wait_for_selector("#login-form")
    screens.check("login")
    log_in_to_the_app(page, "wrong password")
    page.wait_for_selector("#login-error:not(:empty)")
    screens.check("login refused")
    log_in_to_the_app(page, PASSWORD)
    page.wait_for_selector("#place-list a.place")
    screens.check("place list")
    page.fill("#place-search", "没有这个地方")
    page.wait_for_selector("#place-list-note[data-state=empty]")
    screens.check("place search without a match")
    page.fill("#place-search", "")

    page.click("a.place[data-code='LF-01-01-BS01']")
    page.wait_for_selector("#start-inspection")
    screens.check("start an inspection")
    page.check("input[name=regime][value=monthly_covert]")
    page.click("#start-inspection")
    page.wait_for_selector("article.item")
    page.fill("input[name=answer-BS06-checked]", "5")
    page.fill("input[name=answer-BS06-wrong]", "8")
    page.wait_for_selector("#item-BS06[data-state=invalid]")
    page.set_input_files("#photo-BS08", str(PHOTOS / "gps" / "DSCN0010.jpg"))
    page.wait_for_selector("#item-BS08 .photos img")
    screens.check("inspection with an invalid answer and a photo")
    page.click("#finish")
    page.wait_for_selector("#finish-error .jump-list")
    screens.check("inspection that cannot be finished yet")
    page.click("#finish-error button.small")  # closed: the list covers the lower part of the screen

    page.fill("input[name=answer-BS06-wrong]", "1")
    page.set_input_files("#photo-BS06", str(PHOTOS / "gps" / "DSCN0012.jpg"))
    page.wait_for_selector("#item-BS06 .photos img")
    answer_the_rest(page)
    page.context.set_offline(True)
    page.wait_for_selector("#net-banner[data-state=bannerOffline]")
    screens.check("inspection offline (the banner)")
    page.click("#finish")
    page.wait_for_selector("#outbox-list li.outbox-item")
    screens.check("outbox with a queued record, offline")
    page.click("#tabs a[data-tab=history]")
    page.wait_for_selector("#history-list li")
    screens.check("history")
    page.click("#menu-button")
    page.click("#menu #logout")
    page.wait_for_selector("#logout-refused")
    screens.check("menu: logout refused while records wait")

    page.context.set_offline(False)
    page.wait_for_selector("#net-banner", state="hidden")
    page.click("#tabs a[data-tab=outbox]")
    page.click("#sync-now")
    page.wait_for_selector("#outbox-empty", timeout=60_000)
    screens.check("empty outbox")
    page.click("#menu-button")
    screens.check("menu open")
    page.click("#menu #logout")
    page.wait_for_selector("#logout-confirm")
    screens.check("logout confirmation")
    page.click("#logout-no")

    page.click("#lang")
    start_inspection(page, "monthly_covert", from_tabs=True)
    screens.check("inspection in English")
    screens.assert_none()


def test_the_case_screens(case_street, axe_phone):
    """The responsible party's 整改 tab, a case and its answer form; the inspector's 待复查 tab and re-check form."""
    _street, case = case_street
    page = axe_phone()
    screens = Screens(page)
    log_in(page, "zhou", ready="#place-list-note[data-state=empty]")
    page.click("#tabs a[data-tab=cases]")
    page.wait_for_selector(f"#case-list li[data-number='{case.number}']")
    screens.check("整改: the party's cases")
    open_case(page, case.number)
    page.fill("#case-note", "已清洗桶身")
    add_case_photos(page, "gps/DSCN0010.jpg")
    screens.check("a case with the answer form and a photo")
    page.click("#case-submit")
    page.wait_for_selector(f"#case-list li[data-number='{case.number}'] .case-local")
    page.click("#tabs a[data-tab=outbox]")
    page.wait_for_selector("#outbox-empty", timeout=60_000)
    log_out(page)

    log_in(page, "wang")
    page.click("#tabs a[data-tab=cases]")
    page.wait_for_selector(f"#case-list li[data-number='{case.number}']")
    screens.check("待复查: the inspector's re-checks")
    open_case(page, case.number)
    page.click("#recheck-fixed")
    screens.check("a case with the re-check form")
    screens.assert_none()


def test_the_in_app_browser_screen(street, axe_phone):
    page = axe_phone(user_agent=WECHAT)
    screens = Screens(page)
    page.goto("/")
    page.wait_for_selector("#inapp-screen")
    screens.check("WeChat's in-app browser")
    screens.assert_none()


@pytest.fixture
def desk():
    """The demo street with its history: a published October list and a draft of it; an empty published list of
    another street; the demo's admin and street inspector log in with DESK_PASSWORD."""
    if not ChecklistVersion.objects.filter(state="published").exists():
        call_command("load_checklists", verbosity=0)
    demo_street_seed()
    demo_history_seed(now=dt.datetime(2026, 11, 18, 4, 0, tzinfo=dt.UTC))
    users = get_user_model().objects.filter(username__in=["admin", "street"])
    for user in users:
        user.set_password(DESK_PASSWORD)
        user.save()
    admin = users.get(username="admin")
    october = RankingPublication.objects.get(state="published", period="2026-10")
    draft = publication_draft(street=october.street, period_kind="month", period="2026-10", user=admin)
    quiet = make_street("QT", "安静街道")
    make_place(quiet, "compound", "QT-01", "安静小区")
    empty = publication_publish(
        publication=publication_draft(street=quiet, period_kind="month", period="2026-10", user=admin), user=admin)
    compound = Place.objects.filter(kind="compound", street=october.street).order_by("code").first()
    return {"october": october, "draft": draft, "empty": empty, "compound": compound}


def test_every_public_page(desk, axe_phone):
    page = axe_phone()
    screens = Screens(page)
    pk = desk["october"].pk
    for screen, url in [
        ("public index", "/public/"),
        ("published list", f"/public/lists/{pk}/"),
        ("a category's ranking", f"/public/lists/{pk}/compound/"),
        ("rules", "/public/rules/"),
        ("A4 poster", f"/public/lists/{pk}/poster/"),
        ("empty list", f"/public/lists/{desk['empty'].pk}/"),
    ]:
        assert page.goto(url).status == 200, url
        screens.check(screen)
    screens.assert_none()


def test_every_staff_page(desk, axe_phone):
    page = axe_phone()
    screens = Screens(page)
    october, draft, compound = desk["october"], desk["draft"], desk["compound"]
    case = RectificationCase.objects.filter(street=october.street, covert=False).order_by("pk").first()
    page.goto("/admin/login/?next=/staff/")
    screens.check("admin login")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "wrong password")
    page.click("input[type=submit]")
    page.wait_for_selector(".errornote")
    screens.check("admin login refused")
    page.fill("#id_username", "admin")
    page.fill("#id_password", DESK_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/staff/")
    for screen, url in [
        ("staff dashboard", "/staff/"),
        ("lists", "/staff/rankings/"),
        ("published list", f"/staff/rankings/{october.pk}/"),
        ("draft list (review and publish)", f"/staff/rankings/{draft.pk}/"),
        ("a place's history", f"/staff/places/{compound.pk}/history/"),
        ("QR labels", f"/staff/labels/{compound.code}/"),
        ("case ledger", "/staff/cases/"),
        ("a case", f"/staff/cases/{case.pk}/"),
        ("a case's notice (A4)", f"/staff/cases/{case.pk}/notice/"),
        ("plans", "/staff/plans/"),
        ("admin: cases", "/admin/rectifications/rectificationcase/"),
        ("admin index", "/admin/"),
        ("admin: compounds", "/admin/inspections/compound/"),
        ("admin: a compound", f"/admin/inspections/compound/{compound.pk}/change/"),
        ("admin: inspections", "/admin/inspections/inspection/"),
        ("admin: lists", "/admin/rankings/rankingpublication/"),
    ]:
        assert page.goto(url).status == 200, url
        admin = url.startswith("/admin/")
        screens.check(screen, known=ADMIN_INLINE_HEADERS if admin else (), target_size=not admin)
    page.goto(f"/staff/rankings/{draft.pk}/")
    assert page.locator("form[action$='/review/']").count(), "the draft shows no black-list entry to review"
    page.fill("form[action$='/publish/'] input[name=reason]", "复核后修订")
    page.click("form[action$='/publish/'] button")
    page.wait_for_selector("p.msg")  # refused: black-list entries are not reviewed yet
    screens.check("draft list after a refused publication (a message)")
    screens.assert_none()
