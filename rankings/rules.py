"""The ranking rules of SCORING.md §4–5, pure: no ORM, no settings beyond the list policy.

- §4 composites: `CHILD_KINDS`, `composite_of`, exact fractions of tenths (`Exact`, `exact_mean`);
  the property company's mean (`company_scores`); the quarterly mix (`quarterly_scores`).
- §5 ranks and lists: `rank_entries`, `red_and_black` (the rectification rule: entries with an overdue case passed
  in), the places that feed an entry (`feeding_map`) and the order of its reasons (`ordered_reasons`).
- Grades come from checklists/scoring.py (§2) and periods from checklists/periods.py (§3): one definition each.

Scores stay exact (`Score`, `Exact`); they are rounded half-up to 0.1 only to rank and display. The stored sums
that feed these functions are kept by rankings/scores.py; rankings/lists.py reads them and calls these.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from fractions import Fraction
from math import gcd, lcm
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from checklists.models import UNIT_KINDS, PlaceKind
from checklists.scoring import grade_for

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


def feeds_parent(kind: str, parent_kind: str | None) -> bool:
    return parent_kind in CHILD_KINDS and kind in CHILD_KINDS[parent_kind]


@dataclass(frozen=True)
class RankingPolicy:
    """A street's list policy; defaults as SCORING.md. Override with settings.SORTPATROL["RANKING"]."""

    red_n: int = 10
    black_n: int = 10
    assessment_weight: Fraction = Fraction(3, 5)  # the covert part weighs 1 − this

    def grade(self, tenths: int, vetoed: bool) -> str:
        """The grade bands of SCORING.md §2, the very ones an inspection and the phone use; vetoed → fail."""
        return grade_for(tenths, vetoed=vetoed) or "fail"


def policy_for(street: object | None = None) -> RankingPolicy:
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


def quarterly_scores(assessed: Mapping[int, Score], monthly: list[Mapping[int, Score]],
                     policy: RankingPolicy) -> dict[int, Score]:
    """The quarterly list's score per place (§4): weight × the quarter's assessment composite + (1 − weight) ×
    the mean of the covert composites of the quarter's months that have one; one part alone is used alone and
    marked partial. Vetoed if the assessment part is, or any monthly composite used."""
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


def company_scores(places: list[ListPlace], scores: dict[int, Score]) -> dict[int, Score]:
    """A company: mean of its compounds' scores on the same list; no veto climbs to it."""
    by_company: dict[int, list[Score]] = defaultdict(list)
    for place in places:
        if place.kind == PlaceKind.COMPOUND and place.company_id and place.id in scores:
            by_company[place.company_id].append(scores[place.id])
    return {
        cid: Score(*exact_mean([(s.numerator, s.denominator) for s in parts]), False, any(s.partial for s in parts))
        for cid, parts in by_company.items()
    }


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


def red_and_black(entries: list[dict[str, Any]], policy: RankingPolicy,
                  overdue: Collection[str] = frozenset()) -> tuple[list[str], list[str]]:
    """Keys of the red list (ranking order) and the black list (worst first), ties at the N-th included.

    `overdue`: the keys of entries with a rectification case overdue at the period's end (their own, or their
    descendants' as SCORING.md §5 says): never on the red list, though they keep their rank."""
    red_pool = [e for e in entries if not e["vetoed"] and e["grade"] == "excellent" and e["key"] not in overdue]
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


def feeding_map(keys: list[str], places: list[ListPlace],
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


def ordered_reasons(lost: Mapping[str, int], veto_codes: set[str], labels: Mapping[str, str],
                    limit: int = 3) -> list[dict]:
    """An entry's reasons (§5): failed veto items by code, then the other failed items by points lost summed
    over the feeding inspections, descending, ties by code; at most `limit`."""
    ordered = sorted(veto_codes) + sorted(set(lost) - veto_codes, key=lambda c: (-lost[c], c))
    return [
        {"code": c, "label": labels.get(c, c), "lost": lost[c], "veto": c in veto_codes} for c in ordered[:limit]
    ]
