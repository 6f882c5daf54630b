"""SCORING.md §5, rectification: an entry whose place has a case overdue at the period's end is not eligible for
the red list, keeps its rank, and carries its open and overdue case counts (published snapshots too)."""

import datetime as dt
import re

import pytest
import time_machine

from checklists.models import PlaceKind, Regime
from inspections.models import PropertyCompany
from rankings.lists import compute_lists
from rankings.present import present_lists
from rankings.publication import publication_draft, publication_publish
from rankings.rules import RankingPolicy
from rectifications.services import case_answer, case_open_manual, case_recheck

from .support import Versions, add_inspection, local, make_place, make_street, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def may():
    """Four excellent compounds in May (95, 94, 93, 92), X and W of company PC; X has a bin station XB."""
    versions = Versions()
    street = make_street()
    company = PropertyCompany.objects.create(code="PC", name="物业PC")
    community = make_place(street, PlaceKind.COMMUNITY, "K", "社区K")
    places = {}
    for code, score in (("X", 950), ("W", 940), ("V", 930), ("T", 920)):
        places[code] = make_place(street, PlaceKind.COMPOUND, code, f"小区{code}", parent=community,
                                  company=company if code in "XW" else None)
        add_inspection(places[code], Regime.MONTHLY_COVERT, local(2026, 5, 6), score, versions=versions)
    places["XB"] = make_place(street, PlaceKind.BIN_STATION, "XB", parent=places["X"])
    admin = user_with("admin", street, "chief")
    return {"street": street, "company": company, "admin": admin, **places}


def open_case(place, admin, when):
    with time_machine.travel(when, tick=False):
        return case_open_manual(place=place, item_code="A", by=admin, reason="现场发现", item_label="混投")


def compounds(lists):
    return next(c for c in lists["categories"] if c["category"] == "compound")


def entries(category):
    return {e["key"]: (e["rank"], e["open_cases"], e["overdue_cases"]) for e in category["entries"]}


def test_an_overdue_bin_station_case_keeps_its_compound_and_company_off_the_red_list(may):
    open_case(may["XB"], may["admin"], local(2026, 5, 11))  # due 18 May: overdue at the end of May
    open_case(may["V"], may["admin"], local(2026, 5, 28))  # due 4 June: live, not overdue at the end of May

    lists = compute_lists(street=may["street"], kind="month", period="2026-05", policy=RankingPolicy(red_n=2))

    category = compounds(lists)
    x, w, v, t = (f"place:{may[c].pk}" for c in "XWVT")
    assert entries(category) == {x: (1, 1, 1), w: (2, 0, 0), v: (3, 1, 0), t: (4, 0, 0)}
    assert category["red"] == [w, v]  # X keeps rank 1 but is not eligible; the next two come in
    company = next(c for c in lists["categories"] if c["category"] == "company")
    assert company["entries"][0]["key"] == f"company:{may['company'].pk}"
    assert (company["entries"][0]["open_cases"], company["entries"][0]["overdue_cases"]) == (1, 1)
    assert company["red"] == []
    assert dt.datetime.fromisoformat(lists["cases_at"]) == local(2026, 6, 1, 0)


def test_a_case_closed_before_the_deadline_or_opened_after_the_period_changes_nothing(may):
    case = open_case(may["X"], may["admin"], local(2026, 5, 11))
    with time_machine.travel(local(2026, 5, 15), tick=False):
        case_answer(case=case, by=may["admin"], note="已整改")
        case_recheck(case=case, by=may["admin"], fixed=True)
    open_case(may["W"], may["admin"], local(2026, 6, 2))

    lists = compute_lists(street=may["street"], kind="month", period="2026-05", policy=RankingPolicy(red_n=2))

    category = compounds(lists)
    assert category["red"] == [f"place:{may['X'].pk}", f"place:{may['W'].pk}"]
    assert {counts[1:] for counts in entries(category).values()} == {(0, 0)}


def test_a_running_period_counts_cases_as_of_now(may):
    open_case(may["X"], may["admin"], local(2026, 5, 11))  # due 18 May
    with time_machine.travel(local(2026, 5, 18, 20), tick=False):
        lists = compute_lists(street=may["street"], kind="month", period="2026-05")
    assert entries(compounds(lists))[f"place:{may['X'].pk}"] == (1, 1, 0)
    assert dt.datetime.fromisoformat(lists["cases_at"]) == local(2026, 5, 18, 20)


def test_the_published_snapshot_keeps_the_counts_and_old_snapshots_still_show(may):
    open_case(may["XB"], may["admin"], local(2026, 5, 11))
    draft = publication_draft(street=may["street"], period_kind="month", period="2026-05", user=may["admin"])
    published = publication_publish(publication=draft, user=may["admin"])

    key = f"place:{may['X'].pk}"
    stored = next(e for e in compounds(published.data)["entries"] if e["key"] == key)
    assert (stored["open_cases"], stored["overdue_cases"]) == (1, 1) and key not in compounds(published.data)["red"]
    shown = next(e for e in present_lists(published, photos={})[0]["entries"] if e["key"] == key)
    assert (shown["open_cases"], shown["overdue_cases"]) == (1, 1)

    for category in published.data["categories"]:  # a snapshot published before cases existed
        for entry in category["entries"]:
            del entry["open_cases"], entry["overdue_cases"]
    shown = next(e for e in present_lists(published, photos={})[0]["entries"] if e["key"] == key)
    assert (shown["open_cases"], shown["overdue_cases"]) == (0, 0)


def test_the_desk_page_of_a_list_shows_each_entrys_open_and_overdue_cases(may, client):
    """§5: an entry kept off the red list shows why beside its rank: its open and overdue case counts."""
    open_case(may["XB"], may["admin"], local(2026, 5, 11))
    draft = publication_draft(street=may["street"], period_kind="month", period="2026-05", user=may["admin"])
    client.force_login(may["admin"])
    page = client.get(f"/staff/rankings/{draft.pk}/").content.decode()
    row = r'<td>(\d+)</td><td>(小区\w) .*?<td class="cases" data-open="(\d+)" data-overdue="(\d+)">'
    assert re.findall(row, page, re.S) == [
        ("1", "小区X", "1", "1"), ("2", "小区W", "0", "0"), ("3", "小区V", "0", "0"), ("4", "小区T", "0", "0")]
    assert "整改（未结/逾期）" in page
