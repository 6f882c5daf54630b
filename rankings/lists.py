"""Ranking lists (SCORING.md §4–5) from the stored per-place period sums (rankings/scores.py), by the rules of
rankings/rules.py. Lists never re-read answers, except the failed answers of black-list entries (their reasons).
Rectification cases (rectifications.selectors) decide red-list eligibility and are counted on each entry.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from checklists.models import UNIT_KINDS, Item, PlaceKind, Regime
from checklists.periods import PERIOD_REGIME, PeriodKind, months_of_quarter, period_bounds, previous_period
from inspections.models import Answer, Inspection, Place, PropertyCompany, Street
from inspections.models.inspection import COUNTED_FIELDS, counted_values
from rectifications.selectors import CaseCountsAt, case_counts_at

from .models import PlaceScore
from .rules import (
    CATEGORIES,
    COMPANY,
    ListPlace,
    RankingPolicy,
    Score,
    company_scores,
    feeding_map,
    ordered_reasons,
    parse_exact,
    policy_for,
    quarterly_scores,
    rank_entries,
    red_and_black,
)

LIST_KINDS = (PlaceKind.COMPOUND, PlaceKind.COMMUNITY, *UNIT_KINDS)


def list_places(street_id: int) -> list[ListPlace]:
    rows = Place.objects.filter(street_id=street_id, kind__in=LIST_KINDS).values_list(
        "id", "kind", "code", "name", "company_id", "parent_id", "status", "parent__name"
    )
    return [
        ListPlace(pid, kind, code, name, company, parent_id, status == Place.Status.ACTIVE,
                  "" if kind == PlaceKind.COMMUNITY else (parent or ""))
        for pid, kind, code, name, company, parent_id, status, parent in rows
    ]


def _stored_composites(street_id: int, regime: str, period: str) -> dict[int, Score]:
    """The composites kept in `PlaceScore` for the list kinds (bin stations are never listed)."""
    rows = PlaceScore.objects.filter(
        place__street_id=street_id, place__kind__in=LIST_KINDS, regime=regime, period=period
    ).exclude(composite="").values_list("place_id", "composite", "composite_vetoed")
    return {pid: Score(*parse_exact(text), vetoed) for pid, text, vetoed in rows}


def _place_scores(street_id: int, kind: str, period: str, policy: RankingPolicy) -> dict[int, Score]:
    if kind != PeriodKind.QUARTER:
        return _stored_composites(street_id, PERIOD_REGIME[kind], period)
    assessed = _stored_composites(street_id, Regime.QUARTERLY_ASSESSMENT, period)
    monthly = [_stored_composites(street_id, Regime.MONTHLY_COVERT, m) for m in months_of_quarter(period)]
    return quarterly_scores(assessed, monthly, policy)


def list_scores(street_id: int, kind: str, period: str, policy: RankingPolicy,
                places: list[ListPlace] | None = None) -> dict[str, Score]:
    """Every ranked entity's exact score on one list, keyed "place:<id>" / "company:<id>"."""
    places = places if places is not None else list_places(street_id)
    scores = _place_scores(street_id, kind, period, policy)
    out = {f"place:{pid}": s for pid, s in scores.items()}
    out.update({f"company:{cid}": s for cid, s in company_scores(places, scores).items()})
    return out


def _stations_of(compound_ids: set[int]) -> dict[int, list[int]]:
    stations: dict[int, list[int]] = defaultdict(list)
    rows = Place.objects.filter(parent_id__in=compound_ids, kind=PlaceKind.BIN_STATION).values_list("id", "parent_id")
    for pid, parent_id in rows:
        stations[parent_id].append(pid)
    return stations


def feeding_place_ids(street_id: int, key: str) -> set[int]:
    return feeding_map([key], list_places(street_id), _stations_of)[key]


def _feeding_regimes(kind: str) -> list[str]:
    if kind == PeriodKind.QUARTER:
        return [Regime.QUARTERLY_ASSESSMENT, Regime.MONTHLY_COVERT]
    return [PERIOD_REGIME[kind]]


def _feeding(place_ids: list[int] | set[int], kind: str, period: str) -> QuerySet[Inspection]:
    """Counted inspections of these places that feed a list of this period (for a quarter: both parts)."""
    start, end = period_bounds(kind, period)
    return Inspection.objects.counted().filter(
        place_id__in=place_ids, regime__in=_feeding_regimes(kind), inspected_at__gte=start, inspected_at__lt=end,
    )


def feeding_inspections(street_id: int, key: str, kind: str, period: str) -> QuerySet[Inspection]:
    """Counted inspections that fed an entry on a list."""
    return _feeding(feeding_place_ids(street_id, key), kind, period)


def _chunks(values: list[int], size: int = 2000):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def feeding_inspections_by_key(street_id: int, keys: list[str], kind: str, period: str,
                               limit: int) -> dict[str, list[Inspection]]:
    """For each entry key, its `feeding_inspections` with their places, latest first, at most `limit`: the same
    few queries for any number of keys (the staff review page shows every black-list entry's)."""
    if not keys:
        return {}
    feeding = feeding_map(keys, list_places(street_id), _stations_of)
    found: list[Inspection] = []
    for chunk in _chunks(sorted(set().union(*feeding.values()))):
        found.extend(_feeding(chunk, kind, period).select_related("place").defer("body"))
    found.sort(key=lambda inspection: (inspection.inspected_at, inspection.pk), reverse=True)
    return {key: [i for i in found if i.place_id in place_ids][:limit] for key, place_ids in feeding.items()}


def list_reasons(*, street_id: int, keys: list[str], kind: str, period: str, places: list[ListPlace],
                 limit: int = 3) -> dict[str, list[dict]]:
    """Up to `limit` reasons per entry: failed veto items by code, then the other failed items by points
    lost summed over the feeding inspections, descending, ties by code.

    A handful of queries for all entries together; answers are reached through their inspection index,
    never scanned.
    """
    if not keys:
        return {}
    feeding = feeding_map(keys, places, _stations_of)
    start, end = period_bounds(kind, period)
    regimes = set(_feeding_regimes(kind))
    by_place: dict[int, list[tuple[int, int]]] = defaultdict(list)
    wanted = sorted(set().union(*feeding.values()))
    for chunk in _chunks(wanted):
        # By place and time only, sifted here: the database then walks the place index, not a whole period.
        rows = Inspection.objects.filter(
            place_id__in=chunk, inspected_at__gte=start, inspected_at__lt=end
        ).order_by().values_list("id", "checklist_version_id", "place_id", "regime", *COUNTED_FIELDS)
        for ident, version, place_id, regime, *decisive in rows:
            if regime in regimes and counted_values(*decisive):
                by_place[place_id].append((ident, version))
    version_of = {ident: version for pairs in by_place.values() for ident, version in pairs}
    failed: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for chunk in _chunks(list(version_of)):
        rows = Answer.objects.filter(failed=True, inspection_id__in=chunk).values_list(
            "inspection_id", "item_code", "max_tenths", "earned_tenths")
        for inspection_id, code, max_tenths, earned in rows:
            failed[inspection_id].append((code, max_tenths - (earned or 0)))
    codes = {code for answers in failed.values() for code, _lost in answers}
    veto_pairs, labels = set(), {}
    items = Item.objects.filter(version_id__in=set(version_of.values()), code__in=codes)
    for version_id, code, label, veto in items.values_list("version_id", "code", "label", "veto"):
        labels.setdefault(code, label)
        if veto:
            veto_pairs.add((version_id, code))
    out = {}
    for key, place_ids in feeding.items():
        lost: dict[str, int] = defaultdict(int)
        veto_codes = set()
        for place_id in place_ids:
            for ident, version in by_place.get(place_id, ()):
                for code, points in failed.get(ident, ()):
                    lost[code] += points
                    if (version, code) in veto_pairs:
                        veto_codes.add(code)
        out[key] = ordered_reasons(lost, veto_codes, labels, limit)
    return out


def _entity_rows(places: list[ListPlace], category: str) -> list[dict[str, Any]]:
    if category == COMPANY:
        company_ids = {p.company_id for p in places if p.kind == PlaceKind.COMPOUND and p.company_id}
        return [
            {"key": f"company:{cid}", "code": code, "name": name, "community": "", "active": True}
            for cid, code, name in PropertyCompany.objects.filter(id__in=company_ids).values_list("id", "code", "name")
        ]
    return [
        {"key": f"place:{p.id}", "code": p.code, "name": p.name, "active": p.active, "community": p.community}
        for p in places if p.kind == category
    ]


def case_counts_of(cases: CaseCountsAt, key: str) -> dict[str, int]:
    """An entry's live and overdue rectification cases (SCORING.md §5: a compound's include its bin stations', a
    property company's its compounds' and their bin stations')."""
    kind, ident = key.split(":")
    counts = (cases.companies if kind == COMPANY else cases.places).get(int(ident))
    return {"open_cases": counts.open if counts else 0, "overdue_cases": counts.overdue if counts else 0}


def compute_lists(*, street: Street, kind: str, period: str, policy: RankingPolicy | None = None,
                  with_reasons: bool = True) -> dict[str, Any]:
    """The full lists of one street and period, as stored in a draft or a published snapshot.

    Each entry carries its rectification cases live and overdue at the period's end (`cases_at`), or now while
    the period runs: what will be overdue by its end is not known yet. An entry with an overdue case is not
    eligible for the red list (SCORING.md §5)."""
    policy = policy or policy_for(street)
    period_bounds(kind, period)  # validates the key
    places = list_places(street.id)
    scores = list_scores(street.id, kind, period, policy, places)
    previous = list_scores(street.id, kind, previous_period(kind, period), policy, places)
    cases_at = min(period_bounds(kind, period)[1], timezone.now())
    cases = case_counts_at(street_id=street.id, at=cases_at)
    categories, black_keys = [], []
    for category in CATEGORIES:
        entries, not_inspected = [], []
        for row in _entity_rows(places, category):
            score = scores.get(row["key"])
            if score is None:
                if row.pop("active"):
                    not_inspected.append(row)
                continue
            row.pop("active")
            tenths = score.tenths
            prev = previous.get(row["key"])
            row.update(
                score=tenths, exact=f"{score.numerator}/{score.denominator}",
                vetoed=score.vetoed, partial=score.partial, grade=policy.grade(tenths, score.vetoed),
                trend=None if prev is None else tenths - prev.tenths, reasons=[], photos=[],
                **case_counts_of(cases, row["key"]),
            )
            entries.append(row)
        rank_entries(entries)
        red, black = red_and_black(entries, policy, {e["key"] for e in entries if e["overdue_cases"]})
        if with_reasons:
            black_keys.extend(black)
        not_inspected.sort(key=lambda r: (r["name"], r["code"]))
        categories.append({
            "category": str(category), "entries": entries, "not_inspected": not_inspected,
            "red": red, "black": black,
        })
    reasons = list_reasons(street_id=street.id, keys=black_keys, kind=kind, period=period, places=places)
    for category in categories:
        for entry in category["entries"]:
            entry["reasons"] = reasons.get(entry["key"], [])
    return {
        "street": {"code": street.code, "name": street.name},
        "period_kind": kind, "period": period, "computed_at": timezone.now().isoformat(),
        "cases_at": cases_at.isoformat(),
        "policy": {"red_n": policy.red_n, "black_n": policy.black_n,
                   "assessment_weight": str(policy.assessment_weight)},
        "categories": categories,
    }
