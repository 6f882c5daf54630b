"""Sharing places among inspectors: balanced by count, and by distance where places have coordinates.

Pure Python, no ORM. The rule (docs/sampling.md "Who gets what"):
1. Each person's share of all the places: the count divided by the people, the first (count mod people) of them,
   sorted by their key (the username), one more. Counts differ by at most one.
2. Places with coordinates are ordered by their bearing from the centroid of those places (a sweep around the
   area, from the west, ties by code) and cut the same way into consecutive runs, taken by the people in order.
3. Places without coordinates, by code, fill each person's share in the same order.
A run of the sweep is a sector of the area, so each inspector's places lie near one another; the same places and
people always give the same answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Spot:
    code: str
    lat: float | None = None
    lng: float | None = None


def _runs(count: int, parts: int) -> list[int]:
    """`count` cut into `parts` run lengths differing by at most one, the longer ones first."""
    base, extra = divmod(count, parts)
    return [base + (1 if index < extra else 0) for index in range(parts)]


def share_out(spots: list[Spot], people: list[str]) -> dict[str, str | None]:
    """Place code → person key (None for every place when there is nobody)."""
    if not people:
        return {s.code: None for s in spots}
    people = sorted(people)
    located = [s for s in spots if s.lat is not None and s.lng is not None]
    others = sorted((s for s in spots if s.lat is None or s.lng is None), key=lambda s: s.code)
    if located:
        lat0 = sum(s.lat for s in located) / len(located)
        lng0 = sum(s.lng for s in located) / len(located)
        located.sort(key=lambda s: (math.atan2(s.lat - lat0, s.lng - lng0), s.code))
    quotas = _runs(len(spots), len(people))
    out: dict[str, str | None] = {}
    start = 0
    for person, length in zip(people, _runs(len(located), len(people)), strict=True):
        out.update((spot.code, person) for spot in located[start:start + length])
        start += length
    # Then the places without coordinates, by code, to whoever is below their quota, in order. A person's run of
    # located places never exceeds their quota (both are cut the same way, and there are no fewer places in all).
    held = {person: list(out.values()).count(person) for person in people}
    pending = iter(others)
    for person, quota in zip(people, quotas, strict=True):
        for _slot in range(quota - held[person]):
            out[next(pending).code] = person
    return out
