"""Cases as the phone sees them: in the offline pack (inspections.selectors.inspections.pack_for, through the
section registered in apps.py) and in the answers to the phone's PUTs.

- A property company's or an office's users (`cases`): their released cases still to fix (not closed, not
  withdrawn), to answer offline.
- Inspectors (`rechecks`): the cases at places in their scope that are due for a re-check (回头看): answered,
  scheduled for re-check, escalated, or open and overdue.

Evidence photos: a case's evidence is its findings' inspection photos, and nothing yet marks one of them as
reviewed for the responsible party (the public flag `public_on_list` is about lists, not cases), so `evidence`
is an empty list for now rather than a photo nobody chose to show.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.utils import timezone

from .models import DEADLINE_EVENTS, ENDED_STATES, ENDING_EVENTS, CaseEvent, CaseState, RectificationCase
from .rules import standing_at
from .services_phone import cases_for_party, cases_for_rechecker

RECHECK_STATES = (CaseState.ANSWERED, CaseState.RECHECK_DUE, CaseState.ESCALATED)


def case_document(case: RectificationCase, *, overdue: bool) -> dict:
    return {
        "id": case.pk,
        "number": case.number,
        "place": case.place.code,
        "place_name": case.place.name,
        "items": [{"code": case.item_code, "label": case.item_label}],
        "severity": case.severity,
        "deadline": case.deadline.isoformat(),
        "state": case.state,
        "overdue": overdue,
        "opened_at": timezone.localtime(case.opened_at).isoformat(),
        "evidence": [],
    }


def overdue_now(cases: list[RectificationCase], at: dt.datetime | None = None) -> dict[int, bool]:
    """Overdue now for each case, from one query over their timelines."""
    at = at or timezone.now()
    timelines: dict[int, list] = defaultdict(list)
    events = CaseEvent.objects.filter(
        case_id__in=[c.pk for c in cases], kind__in=[*DEADLINE_EVENTS, *ENDING_EVENTS]
    ).order_by().values_list("case_id", "at", "kind", "deadline")
    for case_id, *event in events:
        timelines[case_id].append(event)
    return {c.pk: standing_at(c.opened_at, timelines[c.pk], at).overdue for c in cases}


def _documents(cases: Iterable[RectificationCase], at: dt.datetime, *, overdue_only_open: bool = False) -> list[dict]:
    cases = list(cases.select_related("place").order_by("deadline", "number"))
    overdue = overdue_now(cases, at)
    return [
        case_document(c, overdue=overdue[c.pk]) for c in cases
        if not overdue_only_open or c.state != CaseState.OPEN or overdue[c.pk]
    ]


def pack_cases(user: AbstractBaseUser, *, now: dt.datetime | None = None) -> dict:
    """The pack's `cases` (to answer) and `rechecks` (to re-check) for this user; either may be empty."""
    now = now or timezone.now()
    to_answer = cases_for_party(user).exclude(state__in=ENDED_STATES)
    due = cases_for_rechecker(user).filter(Q(state__in=RECHECK_STATES) | Q(state=CaseState.OPEN))
    return {
        "cases": _documents(to_answer, now),
        # Open cases are due only once overdue (read from the timeline, so filtered after the query).
        "rechecks": _documents(due, now, overdue_only_open=True),
    }
