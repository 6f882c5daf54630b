"""Reads for the staff case ledger (整改台账): its rows, what is overdue now, and the figures per community and
per property company (整改销号率, days to close). Pinggu's ledger is the model for the columns.

"Overdue now" is read from the stored deadline (the one in force now) and the state: a live case whose deadline
day has ended. It agrees with selectors.is_overdue for the present; past instants need the timeline.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from operator import attrgetter

from django.db.models import Q, QuerySet

from checklists.periods import local_zone
from inspections.models import Photo, Street

from .models import ENDED_STATES, CaseFinding, CaseState, RectificationCase

LEDGER_LIMIT = 500  # rows a ledger page shows (the export has them all)


def local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(local_zone()).date()


def overdue_q(now: dt.datetime) -> Q:
    """Live cases whose deadline day ended before now (workdays.deadline_end: the next local midnight)."""
    return ~Q(state__in=ENDED_STATES) & Q(deadline__lt=local_day(now))


@dataclass(frozen=True)
class LedgerFilter:
    community: int | None = None
    company: int | None = None
    state: str = ""
    overdue: bool = False


def ledger_cases(*, streets: QuerySet[Street], chosen: LedgerFilter, now: dt.datetime) -> QuerySet[RectificationCase]:
    cases = RectificationCase.objects.filter(street__in=streets).select_related(
        "place", "community", "party_company", "party_place", "source_inspection__uploader__profile",
        "opened_by__profile",
    )
    if chosen.community:
        cases = cases.filter(community_id=chosen.community)
    if chosen.company:
        cases = cases.filter(party_company_id=chosen.company)
    if chosen.state in CaseState.values:
        cases = cases.filter(state=chosen.state)
    if chosen.overdue:
        cases = cases.filter(overdue_q(now))
    return cases.order_by("-opened_at", "-pk")


def photo_counts(cases: list[RectificationCase]) -> dict[int, int]:
    """Received photos of each case's item taken by the inspections that found it (one query)."""
    item_of = {case.pk: case.item_code for case in cases}
    counts: dict[int, int] = defaultdict(int)
    rows = Photo.objects.filter(
        inspection__case_findings__case_id__in=list(item_of), received_at__isnull=False,
    ).values_list("inspection__case_findings__case_id", "item_code", "pk").distinct()
    for case_id, item_code, _pk in rows:
        if item_of.get(case_id) == item_code:
            counts[case_id] += 1
    return counts


def days_to_fix(case: RectificationCase, now: dt.datetime) -> int | None:
    """整改天数: calendar days from opening to the close (to today while it runs); none for a withdrawn case."""
    if case.state == CaseState.WITHDRAWN:
        return None
    end = case.closed_at if case.closed_at is not None else now
    return (local_day(end) - local_day(case.opened_at)).days


def inspector_name(case: RectificationCase) -> str:
    """Who found it (the inspection's uploader), or who opened it by hand."""
    person = case.source_inspection.uploader if case.source_inspection_id else case.opened_by
    if person is None:
        return ""
    profile = getattr(person, "profile", None)
    return (profile.display_name if profile is not None else "") or person.get_username()


def party_name(case: RectificationCase) -> str:
    if case.party_company_id:
        return case.party_company.name
    return case.party_place.name if case.party_place_id else ""


@dataclass
class LedgerRow:
    case: RectificationCase
    photos: int
    inspector: str
    party: str
    overdue: bool
    days: int | None


def ledger_rows(cases: list[RectificationCase], now: dt.datetime) -> list[LedgerRow]:
    photos = photo_counts(cases)
    today = local_day(now)
    return [LedgerRow(case=case, photos=photos.get(case.pk, 0), inspector=inspector_name(case),
                      party=party_name(case), overdue=case.is_live and case.deadline < today,
                      days=days_to_fix(case, now)) for case in cases]


# --- figures ---------------------------------------------------------------------------------------------


@dataclass
class Figure:
    """One community's or company's cases due in a period: how many, how many closed, the median days."""

    name: str
    due: int = 0
    closed: int = 0
    days: list[int] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        """整改销号率 in percent: closed / due."""
        return None if not self.due else round(100 * self.closed / self.due, 1)

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days) if self.days else None


@dataclass
class Figures:
    communities: list[Figure]
    companies: list[Figure]
    total: Figure


def case_figures(*, streets: QuerySet[Street], start: dt.date, end: dt.date) -> Figures:
    """Cases due in [start, end] (their deadline in force falls in it; withdrawn ones do not count): 整改销号率 =
    closed among them / all of them, and the median calendar days from opening to the close of the closed ones;
    per community and per property company (cases of units and communities count for their community only)."""
    cases = RectificationCase.objects.filter(street__in=streets, deadline__gte=start, deadline__lte=end).exclude(
        state=CaseState.WITHDRAWN).select_related("community", "party_company").order_by()
    communities: dict[int | None, Figure] = {}
    companies: dict[int, Figure] = {}
    total = Figure(name="")
    for case in cases:
        groups = [communities.setdefault(case.community_id, Figure(case.community.name if case.community else "")),
                  total]
        if case.party_company_id:
            groups.append(companies.setdefault(case.party_company_id, Figure(case.party_company.name)))
        closed = case.state == CaseState.CLOSED
        for figure in groups:
            figure.due += 1
            if closed:
                figure.closed += 1
                figure.days.append((local_day(case.closed_at) - local_day(case.opened_at)).days)
    by_name = attrgetter("name")
    return Figures(communities=sorted(communities.values(), key=by_name),
                   companies=sorted(companies.values(), key=by_name), total=total)


def overdue_summary(*, street: Street, now: dt.datetime, limit: int = 5) -> dict:
    """The dashboard's first section: live cases, overdue ones, and the most overdue few."""
    live = RectificationCase.objects.filter(street=street).exclude(state__in=ENDED_STATES)
    overdue = live.filter(overdue_q(now))
    return {
        "live": live.count(), "overdue": overdue.count(),
        "escalated": live.filter(state=CaseState.ESCALATED).count(),
        "oldest": list(overdue.select_related("place").order_by("deadline", "pk")[:limit]),
    }


def findings_of(case: RectificationCase) -> QuerySet[CaseFinding]:
    return case.findings.select_related("inspection__uploader__profile").order_by("found_at", "pk")
