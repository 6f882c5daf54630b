"""Deadlines in working days on the official PRC calendar (SCORING.md §5), never a plain Monday–Friday rule.

Public holidays and the adjusted working days (调休: a Saturday or Sunday worked in exchange) come from the
maintained `holidays` package (its China calendar). The opening day is day 0; a deadline of N working days is
the N-th working day after it, due by the end of that day in the street's zone (Asia/Shanghai by default).
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays
from django.conf import settings

from checklists.periods import local_zone


@cache
def _china(year: int) -> holidays.HolidayBase:
    return holidays.China(years=year)


def is_working_day(day: dt.date) -> bool:
    return _china(day.year).is_working_day(day)


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The `count`-th working day after `start` (`start` itself when count is 0)."""
    day = start
    while count > 0:
        day += dt.timedelta(days=1)
        count -= int(is_working_day(day))
    return day


def deadline_for(opened_at: dt.datetime, severity: str) -> dt.date:
    """The deadline of a case (re)opened at `opened_at`, by the working days its severity allows in
    settings.RECTIFICATION_DEADLINE_WORKING_DAYS."""
    days = settings.RECTIFICATION_DEADLINE_WORKING_DAYS[severity]
    return add_working_days(opened_at.astimezone(local_zone()).date(), days)


def deadline_end(deadline: dt.date) -> dt.datetime:
    """The end of the deadline's day: the next local midnight. A case still live from then on is overdue."""
    return dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(), tzinfo=local_zone())
