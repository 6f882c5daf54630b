"""Ranking lists (SCORING.md §4–5) from the stored per-place period sums.

Scores stay exact as `Fraction`s of tenths of a point; they are rounded half-up to 0.1 only to rank
and display. Lists never re-read answers, except the failed answers of black-list entries (their reasons).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from checklists.models import UNIT_KINDS, Item, PlaceKind, Regime
from inspections.models import Answer, Inspection, PeriodKind, Place, PlaceScore, PropertyCompany, Street
from inspections.services.scores import (
    PERIOD_REGIME,
    counted_inspections,
    months_of_quarter,
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


def round_tenths(value: Fraction) -> int:
    """Half-up to a whole tenth (scores are never negative)."""
    return (value.numerator * 2 + value.denominator) // (value.denominator * 2)


@dataclass
class Node:
    id: int
    kind: str
    code: str
    name: str
    parent_id: int | None
    company_id: int | None
    active: bool
    children: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Score:
    value: Fraction  # tenths, exact
    vetoed: bool
    partial: bool = False


def street_tree(street_id: int) -> dict[int, Node]:
    rows = Place.objects.filter(street_id=street_id).values_list(
        "id", "kind", "code", "name", "parent_id", "company_id", "status"
    )
    nodes = {r[0]: Node(r[0], r[1], r[2], r[3], r[4], r[5], r[6] == Place.Status.ACTIVE) for r in rows}
    for node in nodes.values():
        if node.parent_id in nodes:
            nodes[node.parent_id].children.append(node.id)
    return nodes


def _own_sums(street_id: int, regime: str, period: str) -> dict[int, tuple[int, int, int]]:
    rows = PlaceScore.objects.filter(place__street_id=street_id, regime=regime, period=period).values_list(
        "place_id", "sum_tenths", "count", "veto_count"
    )
    return {p: (s, n, v) for p, s, n, v in rows}


def _mean(values: list[Fraction]) -> Fraction:
    return sum(values, Fraction(0)) / len(values)


def composites(nodes: dict[int, Node], own: dict[int, tuple[int, int, int]]) -> dict[int, Score]:
    """C(p) for every place with a part (SCORING.md §4); vetoes as there (never climbing past a compound)."""
    result: dict[int, Score] = {}

    def own_score(pid: int) -> Fraction | None:
        sums = own.get(pid)
        return Fraction(sums[0], sums[1]) if sums else None

    def own_veto(pid: int) -> bool:
        return pid in own and own[pid][2] > 0

    def combine(pid: int, child_kinds: tuple[str, ...]) -> Score | None:
        node = nodes[pid]
        parts = []
        s = own_score(pid)
        if s is not None:
            parts.append(s)
        child_scores = [
            result[c].value for c in node.children if nodes[c].kind in child_kinds and c in result
        ]
        if child_scores:
            parts.append(_mean(child_scores))
        if not parts:
            return None
        vetoed = own_veto(pid)
        if node.kind == PlaceKind.COMPOUND:
            vetoed = vetoed or any(own_veto(c) for c in node.children if nodes[c].kind == PlaceKind.BIN_STATION)
        return Score(_mean(parts), vetoed)

    order = [PlaceKind.BIN_STATION, *UNIT_KINDS, PlaceKind.COMPOUND, PlaceKind.COMMUNITY]
    child_kinds = {
        PlaceKind.COMPOUND: (PlaceKind.BIN_STATION,),
        PlaceKind.COMMUNITY: (PlaceKind.COMPOUND, *UNIT_KINDS),
    }
    by_kind: dict[str, list[int]] = defaultdict(list)
    for node in nodes.values():
        by_kind[node.kind].append(node.id)
    for kind in order:
        for pid in by_kind.get(kind, ()):
            score = combine(pid, child_kinds.get(kind, ()))
            if score is not None:
                result[pid] = score
    return result


def _place_scores(street_id: int, nodes: dict[int, Node], kind: str, period: str,
                  policy: RankingPolicy) -> dict[int, Score]:
    if kind != PeriodKind.QUARTER:
        return composites(nodes, _own_sums(street_id, PERIOD_REGIME[kind], period))
    assessed = composites(nodes, _own_sums(street_id, Regime.QUARTERLY_ASSESSMENT, period))
    monthly = [composites(nodes, _own_sums(street_id, Regime.MONTHLY_COVERT, m)) for m in months_of_quarter(period)]
    result = {}
    for pid in set(assessed).union(*monthly):
        months = [m[pid] for m in monthly if pid in m]
        covert = _mean([m.value for m in months]) if months else None
        vetoed = any(m.vetoed for m in months)
        if pid in assessed and covert is not None:
            w = policy.assessment_weight
            value, partial = w * assessed[pid].value + (1 - w) * covert, False
        elif pid in assessed:
            value, partial = assessed[pid].value, True
        else:
            value, partial = covert, True
        result[pid] = Score(value, vetoed or (pid in assessed and assessed[pid].vetoed), partial)
    return result


def _company_scores(nodes: dict[int, Node], scores: dict[int, Score]) -> dict[int, Score]:
    """A company: mean of its compounds' scores on the same list; no veto climbs to it."""
    by_company: dict[int, list[Score]] = defaultdict(list)
    for node in nodes.values():
        if node.kind == PlaceKind.COMPOUND and node.company_id and node.id in scores:
            by_company[node.company_id].append(scores[node.id])
    return {
        cid: Score(_mean([s.value for s in parts]), False, any(s.partial for s in parts))
        for cid, parts in by_company.items()
    }


def list_scores(street_id: int, kind: str, period: str, policy: RankingPolicy,
                nodes: dict[int, Node] | None = None) -> dict[str, Score]:
    """Every ranked entity's exact score on one list, keyed "place:<id>" / "company:<id>"."""
    nodes = nodes if nodes is not None else street_tree(street_id)
    places = _place_scores(street_id, nodes, kind, period, policy)
    out = {f"place:{pid}": s for pid, s in places.items()}
    out.update({f"company:{cid}": s for cid, s in _company_scores(nodes, places).items()})
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


def feeding_place_ids(nodes: dict[int, Node], key: str) -> set[int]:
    """The places whose counted inspections feed an entry's score (for reasons and review)."""
    kind, raw_id = key.split(":")
    ident = int(raw_id)
    if kind == COMPANY:
        compounds = [n.id for n in nodes.values() if n.kind == PlaceKind.COMPOUND and n.company_id == ident]
    else:
        node = nodes[ident]
        if node.kind in UNIT_KINDS or node.kind == PlaceKind.BIN_STATION:
            return {ident}
        if node.kind == PlaceKind.COMPOUND:
            compounds = [ident]
        else:
            units = [c for c in node.children if nodes[c].kind in UNIT_KINDS]
            compounds = [c for c in node.children if nodes[c].kind == PlaceKind.COMPOUND]
            compounds_and_units = {ident, *units, *compounds}
            return compounds_and_units | {
                b for c in compounds for b in nodes[c].children if nodes[b].kind == PlaceKind.BIN_STATION
            }
    return set(compounds) | {
        b for c in compounds for b in nodes[c].children if nodes[b].kind == PlaceKind.BIN_STATION
    }


def feeding_inspections(nodes: dict[int, Node], key: str, kind: str, period: str):
    """Counted inspections that fed an entry on a list (for a quarter: both parts)."""
    start, end = period_bounds(kind, period)
    regimes = [PERIOD_REGIME[kind]]
    if kind == PeriodKind.QUARTER:
        regimes.append(Regime.MONTHLY_COVERT)
    return Inspection.objects.filter(
        counted_inspections(), place_id__in=feeding_place_ids(nodes, key), regime__in=regimes,
        inspected_at__gte=start, inspected_at__lt=end,
    )


def entry_reasons(nodes: dict[int, Node], key: str, kind: str, period: str, limit: int = 3) -> list[dict]:
    """Up to `limit` reasons: failed veto items by code, then other failed items by points lost, desc."""
    rows = (
        Answer.objects.filter(failed=True, inspection__in=feeding_inspections(nodes, key, kind, period))
        .values("item_code", "inspection__checklist_version_id")
        .annotate(lost=Sum(F("max_tenths") - Coalesce(F("earned_tenths"), 0)), n=Count("id"))
    )
    rows = list(rows)
    if not rows:
        return []
    versions = {r["inspection__checklist_version_id"] for r in rows}
    items = Item.objects.filter(version_id__in=versions, code__in={r["item_code"] for r in rows})
    veto_pairs, labels = set(), {}
    for version_id, code, label, veto in items.values_list("version_id", "code", "label", "veto"):
        labels.setdefault(code, label)
        if veto:
            veto_pairs.add((version_id, code))
    lost: dict[str, int] = defaultdict(int)
    veto_codes = set()
    for r in rows:
        lost[r["item_code"]] += r["lost"]
        if (r["inspection__checklist_version_id"], r["item_code"]) in veto_pairs:
            veto_codes.add(r["item_code"])
    ordered = sorted(veto_codes) + sorted(set(lost) - veto_codes, key=lambda c: (-lost[c], c))
    return [
        {"code": c, "label": labels.get(c, c), "lost": lost[c], "veto": c in veto_codes} for c in ordered[:limit]
    ]


def _entity_rows(nodes: dict[int, Node], category: str) -> list[dict[str, Any]]:
    if category == COMPANY:
        company_ids = {n.company_id for n in nodes.values() if n.kind == PlaceKind.COMPOUND and n.company_id}
        return [
            {"key": f"company:{c.id}", "code": c.code, "name": c.name, "community": "", "active": True}
            for c in PropertyCompany.objects.filter(id__in=company_ids)
        ]
    return [
        {
            "key": f"place:{n.id}", "code": n.code, "name": n.name, "active": n.active,
            "community": nodes[n.parent_id].name if n.kind != PlaceKind.COMMUNITY and n.parent_id in nodes else "",
        }
        for n in nodes.values() if n.kind == category
    ]


def compute_lists(*, street: Street, kind: str, period: str, policy: RankingPolicy | None = None,
                  with_reasons: bool = True) -> dict[str, Any]:
    """The full lists of one street and period, as stored in a draft or a published snapshot."""
    policy = policy or policy_for(street)
    period_bounds(kind, period)  # validates the key
    nodes = street_tree(street.id)
    scores = list_scores(street.id, kind, period, policy, nodes)
    previous = list_scores(street.id, kind, previous_period(kind, period), policy, nodes)
    categories = []
    for category in CATEGORIES:
        entries, not_inspected = [], []
        for row in _entity_rows(nodes, category):
            score = scores.get(row["key"])
            if score is None:
                if row.pop("active"):
                    not_inspected.append(row)
                continue
            row.pop("active")
            tenths = round_tenths(score.value)
            prev = previous.get(row["key"])
            row.update(
                score=tenths, exact=f"{score.value.numerator}/{score.value.denominator}",
                vetoed=score.vetoed, partial=score.partial, grade=policy.grade(tenths, score.vetoed),
                trend=None if prev is None else tenths - round_tenths(prev.value), reasons=[], photos=[],
            )
            entries.append(row)
        rank_entries(entries)
        red, black = red_and_black(entries, policy)
        if with_reasons:
            by_key = {e["key"]: e for e in entries}
            for key in black:
                by_key[key]["reasons"] = entry_reasons(nodes, key, kind, period)
        not_inspected.sort(key=lambda r: (r["name"], r["code"]))
        categories.append({
            "category": str(category), "entries": entries, "not_inspected": not_inspected,
            "red": red, "black": black,
        })
    return {
        "street": {"code": street.code, "name": street.name},
        "period_kind": kind, "period": period, "computed_at": timezone.now().isoformat(),
        "policy": {"red_n": policy.red_n, "black_n": policy.black_n,
                   "assessment_weight": str(policy.assessment_weight)},
        "categories": categories,
    }
