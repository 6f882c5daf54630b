"""Reads about cases: what the responsible party may see, and whether cases were live or overdue at an instant."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from checklists.models import PlaceKind
from inspections.models import Inspection

from .models import DEADLINE_EVENTS, ENDING_EVENTS, CaseEvent, RectificationCase
from .rules import CaseCounts, Standing, standing_at

# A covert case shows once its inspection was released by a published list, or an admin released the case.
PARTY_VISIBLE = (Q(covert=False) | Q(released_at__isnull=False)
                 | Q(source_inspection__covert_released_at__isnull=False))


def visible_to_party(cases: QuerySet[RectificationCase] | RectificationCase) -> QuerySet[RectificationCase] | bool:
    """Of these cases, those the responsible party may see (a queryset); or whether it may see this one.
    Who the party is (its company or unit) is the caller's filter: this only keeps covert results covert."""
    if isinstance(cases, RectificationCase):
        if not cases.covert or cases.released_at is not None:
            return True
        return Inspection.objects.filter(pk=cases.source_inspection_id, covert_released_at__isnull=False).exists()
    return cases.filter(PARTY_VISIBLE)


def case_standing(case: RectificationCase, at: dt.datetime | None = None) -> Standing:
    """Whether the case was live (opened, not closed or withdrawn) and overdue at `at` (default: now)."""
    at = at or timezone.now()
    timeline = case.events.filter(kind__in=[*DEADLINE_EVENTS, *ENDING_EVENTS]).values_list("at", "kind", "deadline")
    return standing_at(case.opened_at, timeline, at)


def is_overdue(case: RectificationCase, at: dt.datetime | None = None) -> bool:
    """SCORING.md §5: its deadline in force at `at` (end of that working day) had passed and it was not closed
    or withdrawn by then. Right for a past instant too: read from the timeline, not the current state."""
    return case_standing(case, at).overdue


@dataclass
class CaseCountsAt:
    """Live and overdue cases at one instant, as SCORING.md §5 attributes them to a list's entries: a place
    counts its own cases, a compound also its bin stations'; a property company its compounds' and their bin
    stations' (its compounds as they are now, as its score on a list)."""

    places: dict[int, CaseCounts] = field(default_factory=lambda: defaultdict(CaseCounts))
    companies: dict[int, CaseCounts] = field(default_factory=lambda: defaultdict(CaseCounts))


def _chunks(values: list[int], size: int = 2000):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def case_counts_at(*, street_id: int, at: dt.datetime) -> CaseCountsAt:
    """Two queries whatever the street's size: the cases that may have been live at `at` (an ended case ended for
    good, so `closed_at`/`withdrawn_at` before it rule one out), then their deadline and ending events."""
    cases = RectificationCase.objects.filter(street_id=street_id, opened_at__lte=at).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gt=at), Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=at),
    ).order_by().values_list("id", "opened_at", "place_id", "place__kind", "place__company_id", "place__parent_id",
                             "place__parent__kind", "place__parent__company_id")
    rows = {row[0]: row for row in cases}
    timelines: dict[int, list] = defaultdict(list)
    for chunk in _chunks(sorted(rows)):
        events = CaseEvent.objects.filter(
            case_id__in=chunk, at__lte=at, kind__in=[*DEADLINE_EVENTS, *ENDING_EVENTS]
        ).order_by().values_list("case_id", "at", "kind", "deadline")
        for case_id, *event in events:
            timelines[case_id].append(event)
    out = CaseCountsAt()
    for case_id, row in rows.items():
        _id, opened_at, place_id, kind, company_id, parent_id, parent_kind, parent_company_id = row
        standing = standing_at(opened_at, timelines[case_id], at)
        if not standing.live:
            continue
        out.places[place_id].add(standing)
        if kind == PlaceKind.BIN_STATION and parent_kind == PlaceKind.COMPOUND:
            out.places[parent_id].add(standing)
            company_id = parent_company_id
        elif kind != PlaceKind.COMPOUND:
            company_id = None
        if company_id:
            out.companies[company_id].add(standing)
    return out
