"""The stored per-place period sums behind every list (SCORING.md §4), their upkeep and their rebuild.

Each counted inspection (`Inspection.objects.counted()`, SCORING.md §3) adds its score in tenths to
one `PlaceScore` row: its place, its regime and the regime's natural period. The row is refreshed
from the inspections table (never from answers), so a repeated signal cannot count anything twice.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection, transaction

from checklists.models import UNIT_KINDS, PlaceKind
from checklists.periods import REGIME_PERIOD, period_bounds, period_of
from inspections.models import Inspection, Place

from .models import PlaceScore
from .rules import CHILD_KINDS, Exact, composite_of, feeds_parent, parse_exact

# The listener below runs inside every sync that completes an inspection. Its reads and writes are plain
# SQL: the ORM spent several times longer composing these few statements than the database running them
# (bench/ingest.py).
_CHAIN_SQL = """
SELECT p.id, p.kind, p.parent_id, q.kind, q.parent_id, r.kind
FROM inspections_place p
LEFT JOIN inspections_place q ON q.id = p.parent_id
LEFT JOIN inspections_place r ON r.id = q.parent_id
WHERE p.id = %s"""
# The last line is `Inspection.objects.counted()` in SQL (tests/rankings/test_counted.py holds them equal).
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
    if feeds_parent(kind, parent_kind):
        chain.append((parent_id, parent_kind))
        if feeds_parent(parent_kind, grand_kind):
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
    if changed is not None and changed.counts and start <= changed.inspected_at < end:
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


def on_inspection_changed(sender: object, *, inspection: Inspection, **kwargs: object) -> None:
    """Receiver of inspections.signals.inspection_changed, connected in RankingsConfig.ready()."""
    score_on_inspection_changed(inspection=inspection)


@transaction.atomic
def scores_rebuild() -> int:
    """Recompute every `PlaceScore` row (own sums, then composites bottom-up); returns the number of rows."""
    sums: dict[tuple[str, str], dict[int, list[int]]] = defaultdict(dict)
    rows = Inspection.objects.counted().values_list(
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
        if parent_id is not None and feeds_parent(kind, kind_of.get(parent_id)):
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

