"""Ranking lists (SCORING.md §4–5) from the stored per-place period sums.

Scores stay exact as `Fraction`s of tenths of a point; they are rounded half-up to 0.1 only to rank
and display. Lists never re-read answers, except the failed answers of black-list entries (their reasons).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from checklists.models import UNIT_KINDS, Item, PlaceKind, Regime
from inspections.models import Answer, Inspection, PeriodKind, Place, PlaceScore, PropertyCompany, Street
from inspections.services.scores import (
    CHILD_KINDS,
    PERIOD_REGIME,
    counted_inspections,
    exact_mean,
    months_of_quarter,
    parse_exact,
    period_bounds,
    previous_period,
)

COMPANY = "company"
CATEGORIES: tuple[str, ...] = (
    PlaceKind.COMPOUND, COMPANY, PlaceKind.COMMUNITY,
    PlaceKind.PUBLIC_INSTITUTION, PlaceKind.ENTERPRISE, PlaceKind.PUBLIC_PLACE,
)
CATEGORY_LABELS = {
    PlaceKind.COMPOUND: _("小区"),
    COMPANY: _("物业服务企业"),
    PlaceKind.COMMUNITY: _("社区"),
    PlaceKind.PUBLIC_INSTITUTION: _("公共机构"),
    PlaceKind.ENTERPRISE: _("相关企业"),
    PlaceKind.PUBLIC_PLACE: _("公共场所"),
}
GRADE_LABELS = {"excellent": _("优秀"), "good": _("良好"), "pass": _("合格"), "fail": _("不合格")}


@dataclass(frozen=True)
class RankingPolicy:
    """A street's list policy; defaults as SCORING.md. Override with settings.SORTPATROL["RANKING"]."""

    red_n: int = 10
    black_n: int = 10
    assessment_weight: Fraction = Fraction(3, 5)  # the covert part weighs 1 − this
    excellent_tenths: int = 900
    good_tenths: int = 800
    pass_tenths: int = 600

    def grade(self, tenths: int, vetoed: bool) -> str:
        if vetoed:
            return "fail"  # 一票否决: failed whatever the score (shown with the score)
        if tenths >= self.excellent_tenths:
            return "excellent"
        if tenths >= self.good_tenths:
            return "good"
        if tenths >= self.pass_tenths:
            return "pass"
        return "fail"


def policy_for(street: Street | None = None) -> RankingPolicy:
    overrides = dict(settings.SORTPATROL.get("RANKING", {}))
    if "assessment_weight" in overrides:
        overrides["assessment_weight"] = Fraction(str(overrides["assessment_weight"]))
    return RankingPolicy(**overrides)


@dataclass(frozen=True)
class Score:
    """An exact score in tenths of a point, as a reduced fraction of plain integers (fast to compare and
    round; `value` gives the `Fraction`)."""

    numerator: int
    denominator: int
    vetoed: bool
    partial: bool = False

    @classmethod
    def of(cls, value: Fraction, vetoed: bool, partial: bool = False) -> Score:
        return cls(value.numerator, value.denominator, vetoed, partial)

    @property
    def value(self) -> Fraction:
        return Fraction(self.numerator, self.denominator)

    @property
    def tenths(self) -> int:
        """Rounded half-up to a whole tenth, for ranking and display."""
        return (2 * self.numerator + self.denominator) // (2 * self.denominator)


@dataclass(frozen=True)
class ListPlace:
    """A place that can appear on a list (compound, community, unit) with what its entry shows."""

    id: int
    kind: str
    code: str
    name: str
    company_id: int | None
    parent_id: int | None
    active: bool
    community: str


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
    result = {}
    for pid in set(assessed).union(*monthly):
        months = [m[pid] for m in monthly if pid in m]
        covert = Fraction(*exact_mean([(m.numerator, m.denominator) for m in months])) if months else None
        vetoed = any(m.vetoed for m in months) or (pid in assessed and assessed[pid].vetoed)
        if pid in assessed and covert is not None:
            w = policy.assessment_weight
            value, partial = w * assessed[pid].value + (1 - w) * covert, False
        elif pid in assessed:
            value, partial = assessed[pid].value, True
        else:
            value, partial = covert, True
        result[pid] = Score.of(value, vetoed, partial)
    return result


def _company_scores(places: list[ListPlace], scores: dict[int, Score]) -> dict[int, Score]:
    """A company: mean of its compounds' scores on the same list; no veto climbs to it."""
    by_company: dict[int, list[Score]] = defaultdict(list)
    for place in places:
        if place.kind == PlaceKind.COMPOUND and place.company_id and place.id in scores:
            by_company[place.company_id].append(scores[place.id])
    return {
        cid: Score(*exact_mean([(s.numerator, s.denominator) for s in parts]), False, any(s.partial for s in parts))
        for cid, parts in by_company.items()
    }


def list_scores(street_id: int, kind: str, period: str, policy: RankingPolicy,
                places: list[ListPlace] | None = None) -> dict[str, Score]:
    """Every ranked entity's exact score on one list, keyed "place:<id>" / "company:<id>"."""
    places = places if places is not None else list_places(street_id)
    scores = _place_scores(street_id, kind, period, policy)
    out = {f"place:{pid}": s for pid, s in scores.items()}
    out.update({f"company:{cid}": s for cid, s in _company_scores(places, scores).items()})
    return out


def rank_entries(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Non-vetoed first, rounded score descending, name; competition ranks (1, 2, 2, 4)."""
    entries.sort(key=lambda e: (e["vetoed"], -e["score"], e["name"], e["code"]))
    previous = None
    for index, entry in enumerate(entries):
        position = (entry["vetoed"], entry["score"])
        if position != previous:
            rank, previous = index + 1, position
        entry["rank"] = rank
    return entries


def red_and_black(entries: list[dict[str, Any]], policy: RankingPolicy) -> tuple[list[str], list[str]]:
    """Keys of the red list (ranking order) and the black list (worst first), ties at the N-th included."""
    red_pool = [e for e in entries if not e["vetoed"] and e["grade"] == "excellent"]
    red = red_pool
    if len(red_pool) > policy.red_n:
        cut = red_pool[policy.red_n - 1]["rank"]
        red = [e for e in red_pool if e["rank"] <= cut]
    black_pool = [e for e in entries if e["vetoed"] or e["grade"] == "fail"]
    black = black_pool
    if len(black_pool) > policy.black_n:
        cut = black_pool[-policy.black_n]["rank"]
        black = [e for e in black_pool if e["rank"] >= cut]
    black = sorted(black, key=lambda e: (-e["rank"], e["name"], e["code"]))
    return [e["key"] for e in red], [e["key"] for e in black]


def _feeding_map(keys: list[str], places: list[ListPlace],
                 stations_of: Callable[[set[int]], dict[int, list[int]]]) -> dict[str, set[int]]:
    """For each entry key, the places whose counted inspections feed its score: the place and the
    descendants its composite reads (a compound's bin stations; a community's compounds, units and the
    compounds' bin stations); for a property company its compounds in the street and their bin stations."""
    by_id = {p.id: p for p in places}
    children: dict[int, list[int]] = defaultdict(list)
    for p in places:
        if p.parent_id in by_id and p.kind in CHILD_KINDS[PlaceKind.COMMUNITY]:
            children[p.parent_id].append(p.id)
    tops, compounds_of = {}, {}
    for key in keys:
        kind, raw_id = key.split(":")
        ident = int(raw_id)
        if kind == COMPANY:
            top: set[int] = set()
            compounds = [p.id for p in places if p.kind == PlaceKind.COMPOUND and p.company_id == ident]
        elif by_id[ident].kind == PlaceKind.COMPOUND:
            top, compounds = {ident}, [ident]
        elif by_id[ident].kind == PlaceKind.COMMUNITY:
            top = {ident, *children[ident]}
            compounds = [c for c in children[ident] if by_id[c].kind == PlaceKind.COMPOUND]
        else:
            top, compounds = {ident}, []
        tops[key], compounds_of[key] = top, compounds
    stations = stations_of({c for compounds in compounds_of.values() for c in compounds})
    return {
        key: tops[key] | set(compounds) | {b for c in compounds for b in stations.get(c, ())}
        for key, compounds in compounds_of.items()
    }


def _stations_of(compound_ids: set[int]) -> dict[int, list[int]]:
    stations: dict[int, list[int]] = defaultdict(list)
    rows = Place.objects.filter(parent_id__in=compound_ids, kind=PlaceKind.BIN_STATION).values_list("id", "parent_id")
    for pid, parent_id in rows:
        stations[parent_id].append(pid)
    return stations


def feeding_place_ids(street_id: int, key: str) -> set[int]:
    return _feeding_map([key], list_places(street_id), _stations_of)[key]


def _feeding_regimes(kind: str) -> list[str]:
    if kind == PeriodKind.QUARTER:
        return [Regime.QUARTERLY_ASSESSMENT, Regime.MONTHLY_COVERT]
    return [PERIOD_REGIME[kind]]


def feeding_inspections(street_id: int, key: str, kind: str, period: str) -> QuerySet[Inspection]:
    """Counted inspections that fed an entry on a list (for a quarter: both parts)."""
    start, end = period_bounds(kind, period)
    return Inspection.objects.filter(
        counted_inspections(), place_id__in=feeding_place_ids(street_id, key), regime__in=_feeding_regimes(kind),
        inspected_at__gte=start, inspected_at__lt=end,
    )


def _chunks(values: list[int], size: int = 2000):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def list_reasons(*, street_id: int, keys: list[str], kind: str, period: str, places: list[ListPlace],
                 limit: int = 3) -> dict[str, list[dict]]:
    """Up to `limit` reasons per entry: failed veto items by code, then the other failed items by points
    lost summed over the feeding inspections, descending, ties by code.

    A handful of queries for all entries together. Inspections are selected by place and time only and
    sifted here, so the database walks the place index rather than a whole period of the street, and
    answers are reached through their inspection index, never scanned.
    """
    if not keys:
        return {}
    feeding = _feeding_map(keys, places, _stations_of)
    start, end = period_bounds(kind, period)
    regimes = set(_feeding_regimes(kind))
    by_place: dict[int, list[tuple[int, int]]] = defaultdict(list)
    wanted = sorted(set().union(*feeding.values()))
    for chunk in _chunks(wanted):
        rows = Inspection.objects.filter(
            place_id__in=chunk, inspected_at__gte=start, inspected_at__lt=end
        ).order_by().values_list("id", "checklist_version_id", "place_id", "regime", "status", "voided", "score_tenths")
        for ident, version, place_id, regime, status, voided, score in rows:
            if regime in regimes and status == Inspection.Status.COMPLETE and not voided and score is not None:
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
        ordered = sorted(veto_codes) + sorted(set(lost) - veto_codes, key=lambda c: (-lost[c], c))
        out[key] = [
            {"code": c, "label": labels.get(c, c), "lost": lost[c], "veto": c in veto_codes} for c in ordered[:limit]
        ]
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


def compute_lists(*, street: Street, kind: str, period: str, policy: RankingPolicy | None = None,
                  with_reasons: bool = True) -> dict[str, Any]:
    """The full lists of one street and period, as stored in a draft or a published snapshot."""
    policy = policy or policy_for(street)
    period_bounds(kind, period)  # validates the key
    places = list_places(street.id)
    scores = list_scores(street.id, kind, period, policy, places)
    previous = list_scores(street.id, kind, previous_period(kind, period), policy, places)
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
            )
            entries.append(row)
        rank_entries(entries)
        red, black = red_and_black(entries, policy)
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
        "policy": {"red_n": policy.red_n, "black_n": policy.black_n,
                   "assessment_weight": str(policy.assessment_weight)},
        "categories": categories,
    }
