"""The calendar of SCORING.md §3: which period an inspection falls in, and the keys that name periods.

Pure Python, no ORM: the one place where period keys ("2026-W05", "2026-05", "2026-Q2") are built and
read. Weeks are ISO weeks (Monday to Sunday), months and quarters are calendar ones, all in the street's
local time zone (settings.TIME_ZONE, Asia/Shanghai by default).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Regime


class PeriodKind(models.TextChoices):
    WEEK = "week", _("周")
    MONTH = "month", _("月")
    QUARTER = "quarter", _("季度")


# The period in which each regime is scored and ranked.
REGIME_PERIOD = {
    Regime.WEEKLY_GUIDANCE: PeriodKind.WEEK,
    Regime.MONTHLY_COVERT: PeriodKind.MONTH,
    Regime.QUARTERLY_ASSESSMENT: PeriodKind.QUARTER,
}
PERIOD_REGIME = {period: regime for regime, period in REGIME_PERIOD.items()}


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def period_of(kind: str, moment: dt.datetime) -> str:
    """The key of the period of `kind` that contains `moment`, in the street's local calendar."""
    day = moment.astimezone(local_zone()).date()
    if kind == PeriodKind.WEEK:
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}"
    if kind == PeriodKind.MONTH:
        return f"{day.year}-{day.month:02d}"
    if kind == PeriodKind.QUARTER:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    raise ValueError(f"unknown period kind {kind!r}")


def period_parts(kind: str, key: str) -> tuple[int, int]:
    """(year, week / month / quarter number) of a key; ValueError when the key is malformed."""
    separator = {PeriodKind.WEEK: "-W", PeriodKind.MONTH: "-", PeriodKind.QUARTER: "-Q"}.get(kind)
    if separator is None:
        raise ValueError(f"unknown period kind {kind!r}")
    try:
        year, number = (int(part) for part in key.split(separator))
    except (ValueError, TypeError, AttributeError) as exc:
        raise ValueError(f"bad {kind} period {key!r}") from exc
    return year, number


def parse_period(kind: str, key: str) -> dt.date:
    """First local day of the period; ValueError when the key is malformed."""
    year, number = period_parts(kind, key)
    try:
        if kind == PeriodKind.WEEK:
            return dt.date.fromisocalendar(year, number, 1)
        if kind == PeriodKind.QUARTER and not 1 <= number <= 4:
            raise ValueError(key)
        return dt.date(year, number if kind == PeriodKind.MONTH else 3 * number - 2, 1)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"bad {kind} period {key!r}") from exc


def _next_start(kind: str, first: dt.date) -> dt.date:
    if kind == PeriodKind.WEEK:
        return first + dt.timedelta(days=7)
    months = 1 if kind == PeriodKind.MONTH else 3
    month_index = first.year * 12 + first.month - 1 + months
    return dt.date(month_index // 12, month_index % 12 + 1, 1)


def period_bounds(kind: str, key: str) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the period as aware datetimes (local midnights)."""
    first = parse_period(kind, key)
    zone = local_zone()
    start = dt.datetime.combine(first, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(_next_start(kind, first), dt.time(), tzinfo=zone)
    return start, end


def previous_period(kind: str, key: str) -> str:
    start, _end = period_bounds(kind, key)
    return period_of(kind, start - dt.timedelta(hours=1))


def months_of_quarter(key: str) -> list[str]:
    first = parse_period(PeriodKind.QUARTER, key)
    return [period_of(PeriodKind.MONTH, dt.datetime(first.year, first.month + offset, 15, tzinfo=local_zone()))
            for offset in range(3)]


def quarter_of_month(key: str) -> str:
    first = parse_period(PeriodKind.MONTH, key)
    return period_of(PeriodKind.QUARTER, dt.datetime.combine(first, dt.time(12), tzinfo=local_zone()))
