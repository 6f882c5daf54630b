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
from django.db import connection, transaction
from django.db.models import Q

from checklists.models import UNIT_KINDS, PlaceKind, Regime
from inspections.models import Inspection, PeriodKind, Place, PlaceScore, ScopeReview
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
    """SCORING.md §3: complete, not voided, scored; and not out of scope awaiting a street admin's review
    (docs/sync.md). `_counts` and `_OWN_SQL` say the same."""
    return Q(status=Inspection.Status.COMPLETE, voided=False, score_tenths__isnull=False) & ~Q(
        scope_review=ScopeReview.PENDING
    )


def _counts(inspection: Inspection) -> bool:
    return (
        inspection.status == Inspection.Status.COMPLETE and not inspection.voided
        and inspection.score_tenths is not None and inspection.scope_review != ScopeReview.PENDING
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


# The listener below runs inside every sync that completes an inspection. Its reads and writes are plain
# SQL: the ORM spent several times longer composing these few statements than the database running them
# (bench/ingest.py).
_CHAIN_SQL = """
SELECT p.id, p.kind, p.parent_id, q.kind, q.parent_id, r.kind
FROM inspections_place p
LEFT JOIN inspections_place q ON q.id = p.parent_id
LEFT JOIN inspections_place r ON r.id = q.parent_id
WHERE p.id = %s"""
_OWN_SQL = """
SELECT COALESCE(SUM(score_tenths), 0), COUNT(*), COALESCE(SUM(CASE WHEN vetoed THEN 1 ELSE 0 END), 0)
FROM inspections_inspection
WHERE place_id = %s AND regime = %s AND inspected_at >= %s AND inspected_at < %s AND id <> %s
  AND status = 'complete' AND NOT voided AND score_tenths IS NOT NULL AND scope_review <> 'pending'"""
_ROWS_SQL = """
SELECT s.id, s.place_id, p.parent_id, p.kind, s.sum_tenths, s."count", s.veto_count, s.composite, s.composite_vetoed
FROM inspections_placescore s JOIN inspections_place p ON p.id = s.place_id
WHERE s.regime = %s AND s.period = %s AND (s.place_id IN ({ids}) OR p.parent_id IN ({ids}))"""
_ROW_COLUMNS = ("id", "place_id", "place__parent_id", "place__kind", "sum_tenths", "count", "veto_count",
                "composite", "composite_vetoed")


def _score_chain(cursor, place_id: int) -> list[tuple[int, str]]:
    """The place and the ancestors its composite feeds, bottom-up (at most bin station → compound → community)."""
    cursor.execute(_CHAIN_SQL, [place_id])
    pk, kind, parent_id, parent_kind, grand_id, grand_kind = cursor.fetchone()
    chain = [(pk, kind)]
    if _parent_to_update(kind, parent_kind):
        chain.append((parent_id, parent_kind))
        if _parent_to_update(parent_kind, grand_kind):
            chain.append((grand_id, grand_kind))
    return chain


def _own_sums(cursor, place_id: int, regime: str, period: str, changed: Inspection | None) -> tuple[int, int, int]:
    """(sum of tenths, count, vetoes) of the counted inspections, read from the inspections table;
    `changed` counts by its in-memory state."""
    start, end = period_bounds(REGIME_PERIOD[regime], period)
    changed_id = changed.pk if changed is not None and changed.pk else 0
    ops = connection.ops
    cursor.execute(_OWN_SQL, [place_id, regime, ops.adapt_datetimefield_value(start),
                              ops.adapt_datetimefield_value(end), changed_id])
    total, count, vetoes = (int(v) for v in cursor.fetchone())
    if changed is not None and _counts(changed) and start <= changed.inspected_at < end:
        total, count, vetoes = total + changed.score_tenths, count + 1, vetoes + int(changed.vetoed)
    return total, count, vetoes


def place_score_refresh(*, place_id: int, regime: str, period: str, changed: Inspection | None = None) -> None:
    """Recompute one (place, regime, period) row from the inspections table, then the composites above it.

    `changed` is the inspection whose state triggered this: its in-memory state wins over the row
    in the database, so the result is right whether or not the caller saved it before signalling.
    """
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        chain = _score_chain(cursor, place_id)
        chain_ids = [pk for pk, _kind in chain]
        if connection.features.has_select_for_update:
            # Two syncs under one compound must not each compute its composite from the other's stale child
            # row: lock the place and its ancestors (in id order, so concurrent writers never deadlock).
            # SQLite needs no lock: IMMEDIATE transactions already write one at a time.
            cursor.execute(
                "SELECT id FROM inspections_place WHERE id IN ({}) ORDER BY id FOR UPDATE".format(
                    ", ".join(["%s"] * len(chain_ids))), chain_ids)
        own = _own_sums(cursor, place_id, regime, period, changed)
        cursor.execute(_ROWS_SQL.format(ids=", ".join(["%s"] * len(chain_ids))), [regime, period, *chain_ids * 2])
        stored = {row[1]: dict(zip(_ROW_COLUMNS, row, strict=True)) for row in cursor.fetchall()}
        below: tuple[Exact, bool] | None = None  # the fresh composite of the chain's previous place
        for level, (pk, kind) in enumerate(chain):
            row = stored.get(pk)
            sums = own if pk == place_id else (row and (row["sum_tenths"], row["count"], row["veto_count"]))
            child_on_chain = chain[level - 1][0] if level else None
            children = [
                (parse_exact(child["composite"]), bool(child["composite_vetoed"]))
                for child_id, child in stored.items()
                if child["place__parent_id"] == pk and child["place__kind"] in CHILD_KINDS.get(kind, ())
                and child_id != child_on_chain and child["composite"]
            ]
            if below is not None:
                children.append(below)
            below = composite_of(kind, sums, children)
            _score_row_write(cursor, place_id=pk, regime=regime, period=period, row=row, sums=sums, result=below)


def _score_row_write(
    cursor, *, place_id: int, regime: str, period: str, row: dict | None, sums: tuple[int, int, int] | None,
    result: tuple[Exact, bool] | None,
) -> None:
    if result is None:
        if row is not None:
            cursor.execute("DELETE FROM inspections_placescore WHERE id = %s", [row["id"]])
        return
    (n, d), vetoed = result
    total, count, vetoes = sums or (0, 0, 0)
    values = {"sum_tenths": total, "count": count, "veto_count": vetoes, "composite": f"{n}/{d}",
              "composite_vetoed": vetoed}
    if row is None:
        cursor.execute(
            "INSERT INTO inspections_placescore (place_id, regime, period, sum_tenths, \"count\", veto_count,"
            " composite, composite_vetoed) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [place_id, regime, period, *values.values()],
        )
    elif any(row[key] != value for key, value in values.items()):
        cursor.execute(
            "UPDATE inspections_placescore SET sum_tenths = %s, \"count\" = %s, veto_count = %s, composite = %s,"
            " composite_vetoed = %s WHERE id = %s",
            [*values.values(), row["id"]],
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
