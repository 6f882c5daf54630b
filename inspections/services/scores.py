"""Period scores: the street's local calendar, and the stored per-place sums behind every list.

Each counted inspection (complete, not voided, scored — SCORING.md §3) adds its score in tenths to
one `PlaceScore` row: its place, its regime and the regime's natural period. The row is refreshed
from the inspections table (never from answers), so a repeated signal cannot count anything twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from math import gcd, lcm
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum

from checklists.models import UNIT_KINDS, PlaceKind, Regime
from inspections.models import Inspection, PeriodKind, Place, PlaceScore
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


# Children that feed a composite (SCORING.md §4); bin stations and units have none.
CHILD_KINDS: dict[str, tuple[str, ...]] = {
    PlaceKind.COMPOUND: (PlaceKind.BIN_STATION,),
    PlaceKind.COMMUNITY: (PlaceKind.COMPOUND, *UNIT_KINDS),
}
Exact = tuple[int, int]  # numerator, denominator (tenths of a point)


def exact_mean(parts: list[Exact]) -> Exact:
    """Mean of exact fractions, reduced. Plain integers: `Fraction` normalises at every step."""
    if len(parts) == 1:
        n, d = parts[0]
    else:
        common = lcm(*(d for _n, d in parts))
        n, d = sum(n * (common // d) for n, d in parts), common * len(parts)
    divisor = gcd(n, d)
    return n // divisor, d // divisor


def composite_of(kind: str, own: tuple[int, int, int] | None,
                 children: list[tuple[Exact, bool]]) -> tuple[Exact, bool] | None:
    """C(p) from the own sums (sum, count, vetoes) and the children's (composite, vetoed); None: no part.

    Vetoed: an own counted inspection was; for a compound also a bin station's (never climbing further).
    """
    parts = []
    if own and own[1]:
        parts.append((own[0], own[1]))
    if children:
        parts.append(exact_mean([value for value, _vetoed in children]))
    if not parts:
        return None
    vetoed = bool(own and own[2])
    if kind == PlaceKind.COMPOUND:
        vetoed = vetoed or any(child_vetoed for _value, child_vetoed in children)
    return exact_mean(parts), vetoed


def parse_exact(text: str) -> Exact:
    n, d = text.split("/")
    return int(n), int(d)


def _parent_to_update(kind: str, parent_kind: str | None) -> bool:
    return parent_kind in CHILD_KINDS and kind in CHILD_KINDS[parent_kind]


def _composite_refresh(place_id: int, regime: str, period: str) -> None:
    """Recompute the composite of a place, then of each ancestor its composite feeds."""
    while place_id is not None:
        kind, parent_id, parent_kind = Place.objects.filter(pk=place_id).values_list(
            "kind", "parent_id", "parent__kind").get()
        row = PlaceScore.objects.filter(place_id=place_id, regime=regime, period=period).first()
        own = (row.sum_tenths, row.count, row.veto_count) if row else None
        children = [
            (parse_exact(text), vetoed) for text, vetoed in PlaceScore.objects.filter(
                place__parent_id=place_id, place__kind__in=CHILD_KINDS.get(kind, ()), regime=regime, period=period,
            ).exclude(composite="").values_list("composite", "composite_vetoed")
        ] if kind in CHILD_KINDS else []
        result = composite_of(kind, own, children)
        if result is None:
            if row is not None:
                row.delete()
        else:
            (n, d), vetoed = result
            PlaceScore.objects.update_or_create(
                place_id=place_id, regime=regime, period=period,
                defaults={"composite": f"{n}/{d}", "composite_vetoed": vetoed},
            )
        place_id = parent_id if _parent_to_update(kind, parent_kind) else None


@transaction.atomic
def place_score_refresh(*, place_id: int, regime: str, period: str, changed: Inspection | None = None) -> None:
    """Recompute one (place, regime, period) row from the inspections table, then the composites above it.

    `changed` is the inspection whose state triggered this: its in-memory state wins over the row
    in the database, so the result is right whether or not the caller saved it before signalling.
    """
    # Two syncs under one compound must not each compute its composite from the other's stale child row:
    # lock the place and its ancestors (in id order, so concurrent writers never deadlock).
    chain = Place.objects.filter(pk=place_id).values_list("pk", "parent_id", "parent__parent_id").get()
    list(Place.objects.select_for_update().filter(pk__in=[p for p in chain if p]).order_by("pk").values("pk"))
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
    PlaceScore.objects.update_or_create(
        place_id=place_id, regime=regime, period=period,
        defaults={"sum_tenths": total, "count": count, "veto_count": vetoes},
    )
    _composite_refresh(place_id, regime, period)


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
    """Recompute every `PlaceScore` row (own sums, then composites bottom-up); returns the number of rows."""
    sums: dict[tuple[str, str], dict[int, list[int]]] = defaultdict(dict)
    rows = Inspection.objects.filter(counted_inspections()).values_list(
        "place_id", "regime", "inspected_at", "score_tenths", "vetoed"
    )
    for place_id, regime, inspected_at, score, vetoed in rows.iterator(chunk_size=5000):
        if regime not in REGIME_PERIOD:
            continue
        group = sums[(regime, period_of(REGIME_PERIOD[regime], inspected_at))]
        acc = group.setdefault(place_id, [0, 0, 0])
        acc[0] += score
        acc[1] += 1
        acc[2] += int(vetoed)
    places = list(Place.objects.values_list("id", "kind", "parent_id"))
    kind_of = {pid: kind for pid, kind, _parent in places}
    children: dict[int, list[int]] = defaultdict(list)
    for pid, kind, parent_id in places:
        if parent_id is not None and _parent_to_update(kind, kind_of.get(parent_id)):
            children[parent_id].append(pid)
    order = [PlaceKind.BIN_STATION, *UNIT_KINDS, PlaceKind.COMPOUND, PlaceKind.COMMUNITY]
    by_kind = {kind: [pid for pid, k, _p in places if k == kind] for kind in order}
    new_rows = []
    for (regime, period), own in sums.items():
        found: dict[int, tuple[Exact, bool]] = {}
        for kind in order:
            for pid in by_kind[kind]:
                parts = [found[c] for c in children.get(pid, ()) if c in found]
                result = composite_of(kind, tuple(own[pid]) if pid in own else None, parts)
                if result is not None:
                    found[pid] = result
        for pid, ((n, d), vetoed) in found.items():
            s_, c_, v_ = own.get(pid, (0, 0, 0))
            new_rows.append(PlaceScore(place_id=pid, regime=regime, period=period, sum_tenths=s_, count=c_,
                                       veto_count=v_, composite=f"{n}/{d}", composite_vetoed=vetoed))
    PlaceScore.objects.all().delete()
    PlaceScore.objects.bulk_create(new_rows, batch_size=2000)
    return len(new_rows)


inspection_changed.connect(_on_inspection_changed, dispatch_uid="scores.place_score_refresh")
