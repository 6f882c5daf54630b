"""One definition of a counted inspection (SCORING.md §3) in three spellings: `Inspection.objects.counted()`,
`Inspection.counts`, and the SQL rankings/scores.py sums with. They agree on every combination of the fields."""

import itertools

import pytest

from checklists.models import PlaceKind, Regime
from inspections.models import Inspection, ScopeReview
from rankings.models import PlaceScore
from rankings.scores import place_score_refresh

from .support import Versions, build_inspection, local, make_place, make_street

pytestmark = pytest.mark.django_db
COVERT = Regime.MONTHLY_COVERT
CASES = list(itertools.product(
    ["complete", "awaiting_photos"],  # status
    [False, True],  # voided
    [850, None],  # score in tenths
    ["", ScopeReview.PENDING, ScopeReview.COUNTED],  # scope review
    [False, True],  # vetoed
))


def test_the_queryset_the_model_and_the_score_sql_count_the_same_inspections():
    versions = Versions()
    street = make_street()
    community = make_place(street, PlaceKind.COMMUNITY, "K")
    counted_cases = 0
    for n, (status, voided, score, scope_review, vetoed) in enumerate(CASES):
        case = (status, voided, score, scope_review, vetoed)
        place = make_place(street, PlaceKind.COMPOUND, f"C{n}", parent=community)
        inspection = build_inspection(place, COVERT, local(2026, 5, 10), score, version=versions(place.kind, COVERT),
                                      vetoed=vetoed, status=status, voided=voided)
        inspection.scope_review = scope_review
        inspection.save()
        # A counted inspection of June: outside the period summed below.
        build_inspection(place, COVERT, local(2026, 6, 1, 0), 990, version=versions(place.kind, COVERT)).save()

        place_score_refresh(place_id=place.pk, regime=COVERT, period="2026-05")

        counts = status == "complete" and not voided and score is not None and scope_review != ScopeReview.PENDING
        assert inspection.counts is counts, case
        assert Inspection.objects.counted().filter(pk=inspection.pk).exists() is counts, case
        stored = PlaceScore.objects.filter(place=place, regime=COVERT, period="2026-05")
        expected = [(score, 1, int(vetoed))] if counts else []
        assert list(stored.values_list("sum_tenths", "count", "veto_count")) == expected, case
        counted_cases += counts
    assert (counted_cases, len(CASES)) == (4, 48)  # complete, kept, scored, not pending; vetoed or not
