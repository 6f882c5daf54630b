"""Period scores and the worked examples of SCORING.md §6 (composites, quarter, ranking, lists)."""

from fractions import Fraction

import pytest
from django.core.management import call_command

from checklists.models import PlaceKind, Regime
from checklists.periods import (
    period_bounds,
    period_of,
    previous_period,
)
from inspections.models import PropertyCompany
from inspections.signals import inspection_changed
from rankings.lists import compute_lists, list_scores
from rankings.models import PlaceScore
from rankings.rules import RankingPolicy

from .support import Versions, add_inspection, local, make_place, make_street

pytestmark = pytest.mark.django_db
COVERT, ASSESS = Regime.MONTHLY_COVERT, Regime.QUARTERLY_ASSESSMENT


def test_periods_follow_the_local_calendar():
    # Sunday 23:30 in Shanghai is still ISO week 2 though it is Sunday 15:30 UTC; Monday 00:10 local is week 3.
    assert period_of("week", local(2026, 1, 11, 23).replace(minute=30)) == "2026-W02"
    assert period_of("week", local(2026, 1, 12, 0).replace(minute=10)) == "2026-W03"
    assert period_of("month", local(2026, 4, 1, 0)) == "2026-04"
    assert period_of("quarter", local(2026, 3, 31, 23)) == "2026-Q1"
    start, end = period_bounds("quarter", "2026-Q2")
    assert (start, end) == (local(2026, 4, 1, 0), local(2026, 7, 1, 0))
    assert previous_period("week", "2026-W01") == "2025-W52"
    assert previous_period("quarter", "2026-Q1") == "2025-Q4"
    with pytest.raises(ValueError):
        period_bounds("month", "2026-13")


@pytest.fixture
def worked():
    """The compounds, bin stations, community and unit of the worked examples, monthly covert, one month."""
    versions = Versions()
    street = make_street()
    k = make_place(street, PlaceKind.COMMUNITY, "K", "K社区")
    company = PropertyCompany.objects.create(code="PC1", name="甲物业")
    x = make_place(street, PlaceKind.COMPOUND, "X", "X小区", parent=k, company=company)
    y = make_place(street, PlaceKind.COMPOUND, "Y", "Y小区", parent=k, company=company)
    u = make_place(street, PlaceKind.PUBLIC_INSTITUTION, "U", "U单位", parent=k)
    b1, b2, b3 = (make_place(street, PlaceKind.BIN_STATION, f"b{i}", parent=x) for i in (1, 2, 3))
    may = local(2026, 5, 10)
    for place, score, vetoed in [(x, 820, False), (x, 775, False), (b1, 900, False), (b2, 700, False),
                                 (b2, 800, False), (y, 600, True), (u, 950, False)]:
        add_inspection(place, COVERT, may, score, versions=versions, vetoed=vetoed)
    return {"street": street, "K": k, "X": x, "Y": y, "U": u, "b3": b3, "company": company, "versions": versions}


def test_composites_of_the_worked_example(worked):
    scores = list_scores(worked["street"].id, "month", "2026-05", RankingPolicy())
    x, k = scores[f"place:{worked['X'].id}"], scores[f"place:{worked['K'].id}"]
    assert x.value == Fraction(811250, 1000) * 1  # 81.125 points = 811.25 tenths
    assert not x.vetoed
    assert k.value == (Fraction(324500, 400) + 600 + 950) / 3
    assert not k.vetoed  # Y's veto does not climb to the community
    assert scores[f"place:{worked['Y'].id}"].vetoed
    assert f"place:{worked['b3'].id}" not in scores
    # Company: mean of X and Y on the same list; no veto climbs to it.
    company = scores[f"company:{worked['company'].id}"]
    assert company.value == (Fraction(324500, 400) + 600) / 2 and not company.vetoed

    lists = compute_lists(street=worked["street"], kind="month", period="2026-05")
    compounds = {c["category"]: c for c in lists["categories"]}["compound"]
    shown = {e["name"]: (e["score"], e["grade"], e["vetoed"], e["rank"]) for e in compounds["entries"]}
    assert shown == {"X小区": (811, "good", False, 1), "Y小区": (600, "fail", True, 2)}
    community = {c["category"]: c for c in lists["categories"]}["community"]["entries"][0]
    assert (community["score"], community["vetoed"]) == (787, False)


def test_a_bin_station_veto_makes_its_compound_vetoed(worked):
    add_inspection(worked["b3"], COVERT, local(2026, 5, 20), 990, versions=worked["versions"], vetoed=True)
    scores = list_scores(worked["street"].id, "month", "2026-05", RankingPolicy())
    assert scores[f"place:{worked['X'].id}"].vetoed
    assert not scores[f"place:{worked['K'].id}"].vetoed


def test_quarter_mixes_assessment_and_covert_months(worked):
    versions, x = worked["versions"], worked["X"]
    add_inspection(x, COVERT, local(2026, 4, 8), 790, versions=versions)  # April composite 79.0
    add_inspection(x, ASSESS, local(2026, 6, 2), 880, versions=versions)  # assessment composite 88.0
    scores = list_scores(worked["street"].id, "quarter", "2026-Q2", RankingPolicy())
    mix = scores[f"place:{x.id}"]
    assert mix.value == Fraction(3, 5) * 880 + Fraction(2, 5) * (Fraction(324500, 400) + 790) / 2
    assert mix.value == Fraction(848250, 1000) and not mix.partial
    lists = compute_lists(street=worked["street"], kind="quarter", period="2026-Q2")
    entry = next(e for e in lists["categories"][0]["entries"] if e["name"] == "X小区")
    assert (entry["score"], entry["partial"]) == (848, False)  # 84.825 → 84.8
    # Y has only covert months: partial; vetoed because a monthly composite used is.
    y = next(e for e in lists["categories"][0]["entries"] if e["name"] == "Y小区")
    assert (y["score"], y["partial"], y["vetoed"]) == (600, True, True)


def test_ranking_and_red_and_black_lists_of_the_worked_example():
    versions = Versions()
    street = make_street()
    k = make_place(street, PlaceKind.COMMUNITY, "K")
    scores = [("甲", 950, False), ("乙", 880, False), ("丙", 880, False), ("丁", 750, True), ("戊", 599, False)]
    for name, score, vetoed in scores:
        place = make_place(street, PlaceKind.COMPOUND, name, name, parent=k)
        add_inspection(place, COVERT, local(2026, 5, 3), score, versions=versions, vetoed=vetoed,
                       failed={"D": 100} if vetoed else {"B": 80, "C": 120})
    make_place(street, PlaceKind.COMPOUND, "己", "己", parent=k)  # never inspected
    lists = compute_lists(street=street, kind="month", period="2026-05", policy=RankingPolicy(red_n=2, black_n=2))
    compounds = lists["categories"][0]
    ranks = [(e["name"], e["score"], e["rank"]) for e in compounds["entries"]]
    assert ranks == [("甲", 950, 1), ("丙", 880, 2), ("乙", 880, 2), ("戊", 599, 4), ("丁", 750, 5)]
    by_key = {e["key"]: e["name"] for e in compounds["entries"]}
    assert [by_key[k] for k in compounds["red"]] == ["甲"]
    assert [by_key[k] for k in compounds["black"]] == ["丁", "戊"]
    reasons = {e["name"]: [(r["code"], r["lost"], r["veto"]) for r in e["reasons"]] for e in compounds["entries"]}
    assert reasons["丁"] == [("D", 100, True)]
    assert reasons["戊"] == [("C", 120, False), ("B", 80, False)]
    assert reasons["甲"] == []  # only black-list entries carry reasons
    assert [r["name"] for r in compounds["not_inspected"]] == ["己"]
    assert all(e["trend"] is None for e in compounds["entries"])  # no April list: "new"


def test_trend_compares_with_the_previous_period_as_computed(worked):
    add_inspection(worked["U"], COVERT, local(2026, 4, 20), 901, versions=worked["versions"])
    lists = compute_lists(street=worked["street"], kind="month", period="2026-05")
    unit = next(c for c in lists["categories"] if c["category"] == "public_institution")["entries"][0]
    assert (unit["score"], unit["trend"]) == (950, 49)


def test_void_and_restore_reach_the_scores_through_the_signal_and_rebuild_agrees(worked):
    """The one place the rankings app hears of a change: `inspection_changed`, sent by the inspections app."""
    x = worked["X"]
    inspection = x.inspections.get(score_tenths=775)
    inspection.voided = True
    inspection.save()
    inspection_changed.send(sender=type(inspection), inspection=inspection)
    row = PlaceScore.objects.get(place=x, regime=COVERT, period="2026-05")
    assert (row.sum_tenths, row.count, row.veto_count) == (820, 1, 0)
    # The signal may arrive before the row is saved: the instance's state wins.
    inspection.voided = False
    inspection_changed.send(sender=type(inspection), inspection=inspection)
    row.refresh_from_db()
    assert (row.sum_tenths, row.count) == (1595, 2)
    inspection.save()
    inspection_changed.send(sender=type(inspection), inspection=inspection)  # a repeat counts once
    before = sorted(PlaceScore.objects.values_list("place_id", "regime", "period", "sum_tenths", "count",
                                                   "veto_count", "composite", "composite_vetoed"))
    call_command("rebuild_scores", verbosity=0)
    after = sorted(PlaceScore.objects.values_list("place_id", "regime", "period", "sum_tenths", "count",
                                                  "veto_count", "composite", "composite_vetoed"))
    assert before == after and len(after) == 6  # X, Y, U, b1, b2 and K's composite


def test_uncounted_inspections_do_not_score(worked):
    versions, u = worked["versions"], worked["U"]
    add_inspection(u, COVERT, local(2026, 5, 11), None, versions=versions)  # unscored
    add_inspection(u, COVERT, local(2026, 5, 12), 100, versions=versions, status="awaiting_photos")
    row = PlaceScore.objects.get(place=u, regime=COVERT, period="2026-05")
    assert (row.sum_tenths, row.count) == (950, 1)
