"""The case desk for street staff (/staff/cases/): the ledger and its filters, the figures on a small known world,
the XLSX export (its columns, text never a formula), a case's page, the street admin's actions (each writes its
event, the release its audit record; refusals store nothing and never answer 500), and the dashboard's section."""

import io
import re
import zipfile

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from checklists.models import Regime
from inspections.models import AuditAction, AuditEvent
from rectifications.exports import ledger_columns
from rectifications.ledger import case_figures
from rectifications.models import CaseEvent, CaseState, EventKind, RectificationCase
from rectifications.services import case_answer, case_recheck, case_withdraw

from .world import local

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def shown(response) -> set[str]:
    """The case numbers of the ledger's rows."""
    assert response.status_code == 200
    return set(re.findall(r'data-case="([^"]+)"', response.content.decode()))


def case_at(place) -> RectificationCase:
    return RectificationCase.objects.get(place=place)


@pytest.fixture
def ledger_world(world):
    """May 2026: X's case closed after 3 days, Z's answered, U's (a unit) open and overdue by the 20th, XB's
    withdrawn; Y's covert (not released). Deadlines: 5 working days (normal), veto item D 3."""
    with time_machine.travel(local(2026, 5, 11), tick=False) as clock:
        for place in (world.x, world.z, world.u, world.xb):
            world.inspect(place, {"A": "fail"})
        world.inspect(world.y, {"A": "fail"}, regime=Regime.MONTHLY_COVERT, when=local(2026, 5, 8))
        clock.move_to(local(2026, 5, 14))
        case_answer(case=case_at(world.x), by=world.users["company"], note="已清理")
        case_recheck(case=case_at(world.x), by=world.users["inspector"], fixed=True)
        case_answer(case=case_at(world.z), by=world.users["company"], note="已清理")
        case_withdraw(case=case_at(world.xb), by=world.users["admin"], reason="误报")
    return world


def test_the_ledger_filters_by_community_company_state_and_overdue(ledger_world):
    w = ledger_world
    client = login(w.users["inspector"])
    number = {place: case_at(place).number for place in (w.x, w.z, w.u, w.xb, w.y)}

    with time_machine.travel(local(2026, 5, 20), tick=False):
        assert shown(client.get("/staff/cases/")) == set(number.values())
        assert shown(client.get("/staff/cases/", {"community": w.k2.pk})) == {number[w.z]}
        # XB is X's bin station: X's company answers for it
        assert shown(client.get("/staff/cases/", {"company": w.company.pk})) == {number[w.x], number[w.z], number[w.xb]}
        assert shown(client.get("/staff/cases/", {"state": "closed"})) == {number[w.x]}
        # 5 working days from 11 May: due by the 18th; Z was answered, yet answered is not closed
        assert shown(client.get("/staff/cases/", {"overdue": "1"})) == {number[w.z], number[w.u], number[w.y]}
        # anything that is not a choice is no filter, never a 500
        assert shown(client.get("/staff/cases/", {"community": "x'", "company": "", "state": "nope",
                                                  "month": "20-13"})) == set(number.values())


def test_the_ledger_row_has_pinggus_columns(ledger_world):
    w = ledger_world
    with time_machine.travel(local(2026, 5, 20), tick=False):
        page = login(w.users["admin"]).get("/staff/cases/").content.decode()
    for column in ("编号", "点位", "问题", "照片数", "责任单位", "检查员", "期限", "状态", "整改天数"):
        assert f"<th>{column}</th>" in page
    row = re.search(rf'data-case="{case_at(w.x).number}">(.*?)</tr>', page, re.S).group(1)
    assert "小区X" in row and "物业S1" in row and "inspector-S1" in row and "已销号" in row and "<td>3</td>" in row


def test_the_figures_on_a_known_world(ledger_world):
    """May's due cases (withdrawn excluded): X closed in 3 days, Z and U not closed, Y (covert) not closed:
    4 due, 1 closed. Community K holds X, U and Y; K2 holds Z; the company PC-S1 X and Z."""
    w = ledger_world
    figures = case_figures(streets=type(w.street).objects.filter(pk=w.street.pk), start=local(2026, 5, 1).date(),
                           end=local(2026, 5, 31).date())

    by_name = {f.name: (f.due, f.closed, f.rate, f.median_days) for f in figures.communities}
    assert by_name == {"社区K": (3, 1, 33.3, 3), "社区K2": (1, 0, 0.0, None)}
    assert [(f.name, f.due, f.closed, f.rate, f.median_days) for f in figures.companies] == [
        ("物业S1", 2, 1, 50.0, 3)]
    assert (figures.total.due, figures.total.closed) == (4, 1)
    june = case_figures(streets=type(w.street).objects.filter(pk=w.street.pk), start=local(2026, 6, 1).date(),
                        end=local(2026, 6, 30).date())
    assert june.total.due == 0 and june.communities == []


def test_the_export_has_the_ledgers_columns_and_never_a_formula(ledger_world):
    w = ledger_world
    w.x.name = '=HYPERLINK("http://evil.example","点这里")'
    w.x.save()
    with time_machine.travel(local(2026, 5, 20), tick=False):
        response = login(w.users["inspector"]).get("/staff/cases/export.xlsx", {"company": w.company.pk})

    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[1]) == ledger_columns()
    assert {row[0] for row in rows[2:]} == {case_at(place).number for place in (w.x, w.z, w.xb)}
    formula = next(cell for row in sheet.iter_rows(min_row=3) for cell in row if cell.value == w.x.name)
    assert formula.data_type == "s"
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        assert "<f>" not in book.read("xl/worksheets/sheet1.xml").decode()


def test_a_case_page_shows_the_timeline(ledger_world):
    case = case_at(ledger_world.x)
    page = login(ledger_world.users["inspector"]).get(f"/staff/cases/{case.pk}/").content.decode()
    kinds = re.findall(r'data-kind="([a-z_]+)"', page)
    assert kinds == ["opened", "answered", "closed"]
    assert "撤案原因（必填）" not in page  # the actions are the street admin's


def test_an_admin_withdraws_a_case_with_a_reason(ledger_world):
    case = case_at(ledger_world.z)
    client = login(ledger_world.users["admin"])

    refused = client.post(f"/staff/cases/{case.pk}/withdraw/", {"reason": "  "}, follow=True)
    assert "撤案必须填写原因" in refused.content.decode()
    assert RectificationCase.objects.get(pk=case.pk).state == CaseState.ANSWERED

    response = client.post(f"/staff/cases/{case.pk}/withdraw/", {"reason": "责任方认定有误"})
    assert response.status_code == 302 and response["Location"] == f"/staff/cases/{case.pk}/"
    case.refresh_from_db()
    assert case.state == CaseState.WITHDRAWN and case.withdraw_reason == "责任方认定有误"
    event = case.events.get(kind=EventKind.WITHDRAWN)
    assert event.actor == ledger_world.users["admin"] and event.note == "责任方认定有误"

    nul = client.post(f"/staff/cases/{case_at(ledger_world.u).pk}/withdraw/", {"reason": "\x00"}, follow=True)
    assert "撤案必须填写原因" in nul.content.decode()
    again = client.post(f"/staff/cases/{case.pk}/withdraw/", {"reason": "再撤"}, follow=True)
    assert "不能撤案" in again.content.decode() and case.events.filter(kind=EventKind.WITHDRAWN).count() == 1


def test_an_inspector_may_not_act_and_a_get_changes_nothing(ledger_world):
    case = case_at(ledger_world.z)
    inspector = login(ledger_world.users["inspector"])
    before = CaseEvent.objects.count()

    assert inspector.post(f"/staff/cases/{case.pk}/withdraw/", {"reason": "x"}).status_code == 403
    assert inspector.post(f"/staff/cases/{case.pk}/release/", {"reason": "x"}).status_code == 403
    assert login(ledger_world.users["admin"]).get(f"/staff/cases/{case.pk}/withdraw/").status_code == 405
    assert CaseEvent.objects.count() == before


def test_actions_need_the_csrf_token(ledger_world):
    case = case_at(ledger_world.z)
    client = Client(enforce_csrf_checks=True)
    client.force_login(ledger_world.users["admin"])
    assert client.post(f"/staff/cases/{case.pk}/withdraw/", {"reason": "x"}).status_code == 403
    assert RectificationCase.objects.get(pk=case.pk).state == CaseState.ANSWERED


def test_an_admin_releases_a_covert_case_into_the_audit_log(ledger_world):
    case = case_at(ledger_world.y)
    client = login(ledger_world.users["admin"])

    assert "尚未对责任方公开" in client.get(f"/staff/cases/{case.pk}/").content.decode()
    client.post(f"/staff/cases/{case.pk}/release/", {"reason": "问题严重，先行整改"})

    case.refresh_from_db()
    assert case.released_at is not None and case.events.filter(kind=EventKind.RELEASED).count() == 1
    audit = AuditEvent.objects.get(action=AuditAction.RELEASE_CASE)
    assert audit.reason == "问题严重，先行整改" and audit.street_id == case.street_id
    refused = client.post(f"/staff/cases/{case_at(ledger_world.x).pk}/release/", {"reason": "x"}, follow=True)
    assert "不是暗查案件" in refused.content.decode()


@pytest.mark.parametrize("form", [
    {}, {"place": "S1-X"}, {"place": "nowhere", "item_code": "A", "reason": "r"},
    {"place": "S1-X", "item_code": "Q9", "reason": "r"},  # no such item and no label
    {"place": "S1-X", "item_code": "A", "reason": ""},
    {"place": "S1-Z", "item_code": "A", "item_label": "x" * 5000, "reason": "r"},  # A is live there already
    {"place": "S1-Z\x00", "item_code": "\x00", "reason": "r"},  # NUL: PostgreSQL takes none
    {"place": "S1-Y", "item_code": "Q9", "item_label": "\x00", "reason": "\x00"},
])
def test_opening_by_hand_refuses_bad_input_with_a_400_and_stores_nothing(ledger_world, form):
    before = (RectificationCase.objects.count(), CaseEvent.objects.count())
    response = login(ledger_world.users["admin"]).post("/staff/cases/open/", form)
    assert response.status_code == 400 and '<p class="msg">' in response.content.decode()
    assert (RectificationCase.objects.count(), CaseEvent.objects.count()) == before


def test_an_admin_opens_a_case_by_hand(ledger_world):
    response = login(ledger_world.users["admin"]).post("/staff/cases/open/", {
        "place": "S1-Y", "item_code": "B", "reason": "居民投诉"})

    case = RectificationCase.objects.get(place=ledger_world.y, source="manual")
    assert response.status_code == 302 and response["Location"] == f"/staff/cases/{case.pk}/"
    assert case.opening_reason == "居民投诉" and case.opened_by == ledger_world.users["admin"]
    assert case.events.get().kind == EventKind.OPENED


def test_the_dashboard_shows_overdue_cases_first(ledger_world):
    with time_machine.travel(local(2026, 5, 20), tick=False):
        page = login(ledger_world.users["inspector"]).get("/staff/").content.decode()
    section = page[page.index('class="overdue-cases"'):page.index("检查覆盖")]
    assert "逾期 3 件" in section and "未销号 3 件" in section
    for place in (ledger_world.z, ledger_world.u, ledger_world.y):
        assert case_at(place).number in section
    assert "/staff/cases/?overdue=1" in section
