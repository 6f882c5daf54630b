"""A case's standing at an instant, from its timeline: pure, no ORM (selectors.py feeds it rows).

SCORING.md §5: a case is overdue at an instant when its deadline (the end of that working day, workdays.py) has
passed and it was not closed or withdrawn by then. The deadline is the one in force at that instant: the last
one set by an event at or before it (opening, re-opening after a failed re-check, escalation).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .models import DEADLINE_EVENTS, ENDING_EVENTS
from .workdays import deadline_end


@dataclass(frozen=True)
class Standing:
    live: bool  # opened by then, not closed or withdrawn by then
    overdue: bool


def standing_at(opened_at: dt.datetime, timeline: Iterable[tuple[dt.datetime, str, dt.date | None]],
                at: dt.datetime) -> Standing:
    """`timeline`: (when, event kind, deadline set or None), in any order."""
    if opened_at > at:
        return Standing(live=False, overdue=False)
    deadline: tuple[dt.datetime, dt.date] | None = None
    for when, kind, set_deadline in timeline:
        if when > at:
            continue
        if kind in ENDING_EVENTS:
            return Standing(live=False, overdue=False)
        if kind in DEADLINE_EVENTS and set_deadline is not None and (deadline is None or when >= deadline[0]):
            deadline = (when, set_deadline)
    overdue = deadline is not None and at >= deadline_end(deadline[1])
    return Standing(live=True, overdue=overdue)


@dataclass
class CaseCounts:
    """Live and overdue cases at an instant (an entry on a list carries both)."""

    open: int = 0
    overdue: int = 0

    def add(self, standing: Standing) -> None:
        self.open += int(standing.live)
        self.overdue += int(standing.overdue)
