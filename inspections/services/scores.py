"""Period scores: the street's local calendar, and the stored per-place sums behind every list.

Each counted inspection (complete, not voided, scored — SCORING.md §3) adds its score in tenths to
one `PlaceScore` row: its place, its regime and the regime's natural period. The row is refreshed
from the inspections table (never from answers), so a repeated signal cannot count anything twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum

from checklists.models import Regime
from inspections.models import Inspection, PeriodKind, PlaceScore
from inspections.signals import inspection_changed

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


def parse_period(kind: str, key: str) -> dt.date:
    """First local day of the period; ValueError when the key is malformed."""
    try:
        if kind == PeriodKind.WEEK:
            year, week = key.split("-W")
            return dt.date.fromisocalendar(int(year), int(week), 1)
        if kind == PeriodKind.MONTH:
            year, month = key.split("-")
            return dt.date(int(year), int(month), 1)
        if kind == PeriodKind.QUARTER:
            year, quarter = key.split("-Q")
            if not 1 <= int(quarter) <= 4:
                raise ValueError(key)
            return dt.date(int(year), 3 * int(quarter) - 2, 1)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"bad {kind} period {key!r}") from exc
    raise ValueError(f"unknown period kind {kind!r}")


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
    return [f"{first.year}-{first.month + offset:02d}" for offset in range(3)]


def counted_inspections() -> Q:
    """SCORING.md §3: complete, not voided, scored."""
    return Q(status=Inspection.Status.COMPLETE, voided=False, score_tenths__isnull=False)


def _counts(inspection: Inspection) -> bool:
    return (
        inspection.status == Inspection.Status.COMPLETE and not inspection.voided
        and inspection.score_tenths is not None
    )


@transaction.atomic
def place_score_refresh(*, place_id: int, regime: str, period: str, changed: Inspection | None = None) -> None:
    """Recompute one (place, regime, period) row from the inspections table.

    `changed` is the inspection whose state triggered this: its in-memory state wins over the row
    in the database, so the result is right whether or not the caller saved it before signalling.
    """
    start, end = period_bounds(REGIME_PERIOD[regime], period)
    rows = Inspection.objects.filter(
        counted_inspections(), place_id=place_id, regime=regime, inspected_at__gte=start, inspected_at__lt=end
    )
    if changed is not None and changed.pk:
        rows = rows.exclude(pk=changed.pk)
    agg = rows.aggregate(total=Sum("score_tenths"), n=Count("id"), vetoes=Count("id", filter=Q(vetoed=True)))
    total, count, vetoes = agg["total"] or 0, agg["n"], agg["vetoes"]
    if changed is not None and _counts(changed) and start <= changed.inspected_at < end:
        total, count, vetoes = total + changed.score_tenths, count + 1, vetoes + int(changed.vetoed)
    if count == 0:
        PlaceScore.objects.filter(place_id=place_id, regime=regime, period=period).delete()
        return
    PlaceScore.objects.update_or_create(
        place_id=place_id, regime=regime, period=period,
        defaults={"sum_tenths": total, "count": count, "veto_count": vetoes},
    )


def score_on_inspection_changed(*, inspection: Inspection) -> None:
    """Receiver body for `inspection_changed`: one row touched, whatever the change was."""
    if inspection.regime not in REGIME_PERIOD or inspection.inspected_at is None:
        return
    period = period_of(REGIME_PERIOD[inspection.regime], inspection.inspected_at)
    place_score_refresh(place_id=inspection.place_id, regime=inspection.regime, period=period, changed=inspection)


def _on_inspection_changed(sender: object, *, inspection: Inspection, **kwargs: object) -> None:
    score_on_inspection_changed(inspection=inspection)


@transaction.atomic
def scores_rebuild() -> int:
    """Recompute every `PlaceScore` row from the counted inspections; returns the number of rows."""
    sums: dict[tuple[int, str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    rows = Inspection.objects.filter(counted_inspections()).values_list(
        "place_id", "regime", "inspected_at", "score_tenths", "vetoed"
    )
    for place_id, regime, inspected_at, score, vetoed in rows.iterator(chunk_size=5000):
        if regime not in REGIME_PERIOD:
            continue
        acc = sums[(place_id, regime, period_of(REGIME_PERIOD[regime], inspected_at))]
        acc[0] += score
        acc[1] += 1
        acc[2] += int(vetoed)
    PlaceScore.objects.all().delete()
    PlaceScore.objects.bulk_create(
        [
            PlaceScore(place_id=p, regime=r, period=k, sum_tenths=s, count=n, veto_count=v)
            for (p, r, k), (s, n, v) in sums.items()
        ],
        batch_size=2000,
    )
    return len(sums)


inspection_changed.connect(_on_inspection_changed, dispatch_uid="scores.place_score_refresh")
