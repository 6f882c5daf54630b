"""Dashboard: schedule coverage this week/month/quarter, flags to review, a place's score history chart."""

import pytest
import time_machine
from django.contrib.auth import get_user_model

from checklists.models import PlaceKind, Regime
from inspections.selectors.coverage import coverage_for, flagged_inspections

from .support import Versions, add_inspection, local, make_place, make_street

pytestmark = pytest.mark.django_db


@pytest.fixture
def street_june():
    versions = Versions()
    street = make_street()
    k = make_place(street, PlaceKind.COMMUNITY, "K", "K社区")
    a = make_place(street, PlaceKind.COMPOUND, "A", "甲小区", parent=k)
    b = make_place(street, PlaceKind.COMPOUND, "B", "乙小区", parent=k)
    a1 = make_place(street, PlaceKind.BIN_STATION, "A1", "甲1号", parent=a)
    # Now is Wednesday 2026-06-17 (week 25, June, Q2).
    add_inspection(a1, Regime.WEEKLY_GUIDANCE, local(2026, 6, 15), 900, versions=versions)  # via a bin station
    add_inspection(b, Regime.WEEKLY_GUIDANCE, local(2026, 6, 12), 900, versions=versions)  # last week
    add_inspection(b, Regime.MONTHLY_COVERT, local(2026, 6, 2), 880, versions=versions)
    add_inspection(a, Regime.MONTHLY_COVERT, local(2026, 5, 20), 910, versions=versions)
    add_inspection(a, Regime.QUARTERLY_ASSESSMENT, local(2026, 4, 9), 870, versions=versions)
    far = add_inspection(a, Regime.WEEKLY_GUIDANCE, local(2026, 6, 16), 700, versions=versions)
    far.flags = ["far_from_place", "mock_location"]
    far.save()
    mocked = add_inspection(b, Regime.MONTHLY_COVERT, local(2026, 6, 16), 700, versions=versions)
    mocked.flags = ["mock_location"]
    mocked.save()
    admin = get_user_model().objects.create_user("chief", password="x", is_superuser=True)
    return {"street": street, "A": a, "B": b, "far": far, "admin": admin}


def test_coverage_counts_compounds_per_regime_period(street_june):
    s = street_june
    coverage = coverage_for(street=s["street"], moment=local(2026, 6, 17))
    rows = {r.compound.name: (r.weekly, r.covert, r.assessment) for r in coverage["rows"]}
    assert rows == {"甲小区": (True, False, True), "乙小区": (False, True, False)}
    assert (coverage["weekly"], coverage["covert"], coverage["assessment"], coverage["total"]) == (1, 1, 1, 2)
    assert coverage["periods"] == {"weekly_guidance": "2026-W25", "monthly_covert": "2026-06",
                                   "quarterly_assessment": "2026-Q2"}


def test_flags_to_review_are_far_poor_accuracy_and_clock_skew(street_june):
    s = street_june
    assert flagged_inspections(street=s["street"], since=local(2026, 6, 1)) == [s["far"]]


@time_machine.travel("2026-06-17 04:00:00+00:00", tick=False)
def test_dashboard_and_place_history_pages(client, street_june):
    s = street_june
    client.force_login(s["admin"])
    page = client.get("/staff/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "本周指导 1/2" in html and "距场所过远" in html and "far_from_place" not in html and "乙小区" in html
    history = client.get(f"/staff/places/{s['A'].pk}/history/")
    html = history.content.decode()
    assert history.status_code == 200 and html.count("<svg") == 3
    assert "<polyline" in html and "91.0" in html  # May covert composite
    assert "2026年5月" in html and "2026年第2季度" in html
    assert client.get("/staff/places/999999/history/").status_code == 404
