"""The monthly covert draw (docs/sampling.md): a deterministic function of a secret seed, committed before the
month by its SHA-256 and revealed after, so that anyone can check the sample was not picked by hand.

Pure Python, standard library only, no ORM: the same steps as the script in docs/sampling.md, which the tests
run against this module.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from collections.abc import Iterable
from decimal import Decimal

SEED_BYTES = 32


def new_seed() -> bytes:
    return secrets.token_bytes(SEED_BYTES)


def commitment_of(seed: bytes) -> str:
    """What is published before the month: the hex SHA-256 of the seed's bytes."""
    return hashlib.sha256(seed).hexdigest()


def draw_key(seed: bytes, code: str) -> str:
    """A place's position in the draw: hex HMAC-SHA-256 keyed by the seed over the place code (UTF-8)."""
    return hmac.new(seed, code.encode(), hashlib.sha256).hexdigest()


def sample_size(eligible: int, *, share: Decimal, minimum: int) -> int:
    """n = max(minimum, ceil(share × eligible)), never more than the eligible places."""
    return min(eligible, max(minimum, math.ceil(share * eligible)))


def draw_sample(seed: bytes, eligible: Iterable[tuple[str, str]], n: int, community_minimum: int = 1) -> list[str]:
    """The sample, sorted by code. `eligible`: (place code, community code) pairs.

    The codes in HMAC order (ties, which SHA-256 makes practically impossible, by code); the first n; then, for
    each community (by code) with fewer than `community_minimum` places in it, its next places in HMAC order
    until it has that many or none are left. So the sample may be larger than n."""
    community = dict(eligible)
    order = sorted(community, key=lambda code: (draw_key(seed, code), code))
    sample = order[:n]
    chosen = set(sample)
    for group in sorted(set(community.values())):
        have = sum(1 for code in chosen if community[code] == group)
        for code in order:
            if have >= community_minimum:
                break
            if community[code] == group and code not in chosen:
                sample.append(code)
                chosen.add(code)
                have += 1
    return sorted(sample)
