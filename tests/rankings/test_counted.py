"""One definition of a counted inspection: the stored sums' SQL (rankings/scores.py), the queryset
`Inspection.objects.counted()` and the property `Inspection.counts` agree on every combination of the fields."""

import itertools

import pytest

from checklists.models import PlaceKind, Regime
from inspections.models import Inspection
from rankings.models import PlaceScore
from rankings.scores import place_score_refresh, scores_rebuild

from .support import Versions, build_inspection, local, make_place, make_street

pytestmark = pytest.mark.django_db
COVERT = Regime.MONTHLY_COVERT
STATUSES = (Inspection.Status.COMPLETE, Inspection.Status.AWAITING_PHOTOS)
SCOPE_REVIEWS = ("", "pending", "counted")


@pytest.fixture
def every_combination():
    """One compound with an inspection in May 2026 for each (status, voided, scored, scope review), each with its
    own score so that a sum names the ones it took; and a counted one in April, outside the period."""
    street = make_street()
    compound = make_place(street, PlaceKind.COMPOUND, "C1", "小区")
    version = Versions()(PlaceKind.COMPOUND, COVERT)
    combinations = itertools.product(STATUSES, (False, True), (False, True), SCOPE_REVIEWS)
    inspections = []
    for n, (status, voided, scored, scope_review) in enumerate(combinations):
        inspection = build_inspection(compound, COVERT, local(2026, 5, 1 + n), 100 + n if scored else None,
                                      version=version, vetoed=n % 3 == 0, status=status, voided=voided)
        inspection.scope_review = scope_review
        inspections.append(inspection)
    april = build_inspection(compound, COVERT, local(2026, 4, 30), 990, version=version)
    Inspection.objects.bulk_create([*inspections, april])
    return compound, Inspection.objects.filter(pk__in=[i.pk for i in inspections]).order_by("pk")


def stored(place_id, period):
    return PlaceScore.objects.filter(place_id=place_id, regime=COVERT, period=period).values_list(
        "count", "sum_tenths", "veto_count").first()


def expected(place_id, period_start, period_end):
    counted = Inspection.objects.counted().filter(
        place_id=place_id, regime=COVERT, inspected_at__gte=period_start, inspected_at__lt=period_end)
    return counted.count(), sum(i.score_tenths for i in counted), sum(i.vetoed for i in counted)


def test_the_stored_sums_count_exactly_the_counted_inspections(every_combination):
    compound, inspections = every_combination
    assert inspections.count() == 24
    place_score_refresh(place_id=compound.pk, regime=COVERT, period="2026-05")
    counted = set(Inspection.objects.counted().filter(pk__in=inspections).values_list("pk", flat=True))
    # Complete, not voided, scored and not pending: 2 of the 24 (scope review blank or counted).
    assert sorted(i.scope_review for i in inspections if i.pk in counted) == ["", "counted"]
    assert stored(compound.pk, "2026-05") == expected(compound.pk, local(2026, 5, 1, 0), local(2026, 6, 1, 0))
    assert stored(compound.pk, "2026-05")[0] == 2


def test_the_property_agrees_with_the_queryset_on_each_inspection(every_combination):
    _compound, inspections = every_combination
    counted = set(Inspection.objects.counted().values_list("pk", flat=True))
    for inspection in inspections:
        assert inspection.counts == (inspection.pk in counted), (
            inspection.status, inspection.voided, inspection.score_tenths, inspection.scope_review)


def test_a_refresh_for_any_changed_inspection_gives_the_same_row(every_combination):
    """The upkeep takes the changed inspection's in-memory state (`counts`) and the others' from the SQL."""
    compound, inspections = every_combination
    place_score_refresh(place_id=compound.pk, regime=COVERT, period="2026-05")
    reference = stored(compound.pk, "2026-05")
    for inspection in inspections:
        place_score_refresh(place_id=compound.pk, regime=COVERT, period="2026-05", changed=inspection)
        assert stored(compound.pk, "2026-05") == reference


def test_a_rebuild_gives_the_same_rows_as_the_upkeep(every_combination):
    compound, _inspections = every_combination
    for period in ("2026-04", "2026-05"):
        place_score_refresh(place_id=compound.pk, regime=COVERT, period=period)
    columns = ("place_id", "regime", "period", "sum_tenths", "count", "veto_count", "composite", "composite_vetoed")
    kept = sorted(PlaceScore.objects.values_list(*columns))
    assert scores_rebuild() == 2
    assert sorted(PlaceScore.objects.values_list(*columns)) == kept
    assert stored(compound.pk, "2026-04") == (1, 990, 0)
