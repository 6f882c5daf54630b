"""Schedule coverage (周指导、月暗查、季考核) and the flags staff should look at."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from checklists.models import PlaceKind, Regime
from checklists.periods import REGIME_PERIOD, period_bounds, period_of
from inspections.models import Inspection, Place, ScopeReview, Street

REVIEW_FLAGS = ("far_from_place", "poor_accuracy", "clock_skew", "photo_refused", "out_of_scope")


@dataclass(frozen=True)
class CompoundCoverage:
    compound: Place
    weekly: bool
    covert: bool
    assessment: bool


def coverage_for(*, street: Street, moment: dt.datetime) -> dict[str, Any]:
    """Which active compounds had a weekly guidance visit this week, a covert inspection this month and an
    assessment this quarter (on the compound or one of its bin stations; complete and not voided)."""
    compounds = list(
        Place.objects.filter(street=street, kind=PlaceKind.COMPOUND, status=Place.Status.ACTIVE)
        .select_related("parent").order_by("parent__name", "name")
    )
    covered: dict[str, set[int]] = {}
    periods = {}
    for regime, kind in REGIME_PERIOD.items():
        key = period_of(kind, moment)
        start, end = period_bounds(kind, key)
        periods[str(regime)] = key
        rows = Inspection.objects.filter(
            place__street=street, regime=regime, status=Inspection.Status.COMPLETE, voided=False,
            inspected_at__gte=start, inspected_at__lt=end,
        ).values_list("place_id", "place__kind", "place__parent_id")
        ids = set()
        for place_id, kind_, parent_id in rows:
            ids.add(parent_id if kind_ == PlaceKind.BIN_STATION else place_id)
        covered[str(regime)] = ids
    rows = [
        CompoundCoverage(
            c, c.id in covered[Regime.WEEKLY_GUIDANCE], c.id in covered[Regime.MONTHLY_COVERT],
            c.id in covered[Regime.QUARTERLY_ASSESSMENT],
        )
        for c in compounds
    ]
    return {
        "rows": rows, "periods": periods, "total": len(rows),
        "weekly": sum(r.weekly for r in rows), "covert": sum(r.covert for r in rows),
        "assessment": sum(r.assessment for r in rows),
    }


def flagged_inspections(*, street: Street, since: dt.datetime, limit: int = 200) -> list[Inspection]:
    """Recent inspections carrying a flag to review (far from the place, poor GPS accuracy, clock skew, a photo
    refused for its size, out of scope on arrival and not yet counted by a street admin)."""
    candidates: QuerySet[Inspection] = (
        # Out of scope and not yet judged: listed however long ago it was done (an outbox import may be late).
        Inspection.objects.filter(Q(inspected_at__gte=since) | Q(scope_review=ScopeReview.PENDING),
                                  place__street=street, voided=False)
        .exclude(flags=[]).select_related("place", "uploader__profile").order_by("-inspected_at")
    )
    out = []
    for inspection in candidates.iterator(chunk_size=500):
        flags = set(inspection.flags or [])
        if inspection.scope_review != ScopeReview.PENDING:
            flags.discard("out_of_scope")  # judged: counted (voided ones are left out above)
        if flags & set(REVIEW_FLAGS):
            out.append(inspection)
            if len(out) >= limit:
                break
    return out
