"""The covert draw (plans/draw.py) and the sharing of places (plans/balance.py): pure functions, no database."""

from __future__ import annotations

import hashlib
import random
from decimal import Decimal

from plans.balance import Spot, share_out
from plans.draw import commitment_of, draw_key, draw_sample, new_seed, sample_size

SEED = bytes(range(32))  # 00 01 … 1f
ELIGIBLE = [(f"C{i:02d}", f"K{i % 4}") for i in range(1, 13)]


def test_the_commitment_is_the_hex_sha256_of_the_seed_bytes():
    assert commitment_of(SEED) == "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd"
    seed = new_seed()
    assert len(seed) == 32 and commitment_of(seed) == hashlib.sha256(seed).hexdigest()


def test_a_known_vector():
    # HMAC order: C07 C01 C02 C04 C11 C12 C10 C06 C03 C08 C05 C09. The first 3 (C07 of K3, C01 of K1, C02 of K2)
    # miss community K0 (C04, C08, C12): its first in that order, C04, is added.
    assert draw_key(SEED, "C01") == "2d7168e2fadd338798ddf14ae7373d2a91e0dc96ca79651b4ca4e7855e130ff9"
    assert draw_sample(SEED, ELIGIBLE, 3) == ["C01", "C02", "C04", "C07"]
    assert draw_sample(SEED, ELIGIBLE, 5) == ["C01", "C02", "C04", "C07", "C11"]
    assert draw_sample(SEED, ELIGIBLE, 0, community_minimum=0) == []


def test_the_same_seed_gives_the_same_sample_whatever_the_order_of_the_eligible_list():
    shuffled = ELIGIBLE[:]
    random.Random(7).shuffle(shuffled)
    assert draw_sample(SEED, shuffled, 4) == draw_sample(SEED, ELIGIBLE, 4)
    other = draw_sample(bytes(32), ELIGIBLE, 4)
    assert other == draw_sample(bytes(32), ELIGIBLE, 4)


def test_every_community_gets_its_minimum_so_the_sample_may_exceed_n():
    rng = random.Random(15)
    for _round in range(50):
        seed = rng.randbytes(32)
        eligible = [(f"X{i:03d}", f"K{rng.randrange(6)}") for i in range(rng.randrange(1, 40))]
        communities = {group for _code, group in eligible}
        n = rng.randrange(0, len(eligible) + 1)
        for minimum in (1, 2):
            sample = draw_sample(seed, eligible, n, minimum)
            assert len(set(sample)) == len(sample) and n <= len(sample) <= n + minimum * len(communities)
            for group in communities:
                members = {code for code, g in eligible if g == group}
                assert len(members & set(sample)) >= min(minimum, len(members))


def test_the_sample_size_is_exact_and_bounded():
    assert sample_size(15, share=Decimal("0.2"), minimum=1) == 3  # 0.2 × 15 in floats would be 3.0000000000000004
    assert sample_size(11, share=Decimal("0.2"), minimum=1) == 3
    assert sample_size(3, share=Decimal("0.2"), minimum=1) == 1
    assert sample_size(0, share=Decimal("0.2"), minimum=1) == 0
    assert sample_size(4, share=Decimal("0"), minimum=9) == 4


def test_places_are_shared_by_count_and_by_sector():
    spots = [Spot(f"P{i}", 29.5 + (0.01 if i < 4 else -0.01), 106.5 + 0.001 * i) for i in range(8)]
    spots += [Spot("Q1"), Spot("Q2")]
    shared = share_out(spots, ["b", "a"])
    counts = {person: list(shared.values()).count(person) for person in ("a", "b")}
    assert counts == {"a": 5, "b": 5}
    assert share_out(list(reversed(spots)), ["a", "b"]) == shared  # deterministic
    # The four northern places go together, the four southern ones together.
    assert len({shared[f"P{i}"] for i in range(4)}) == 1 and len({shared[f"P{i}"] for i in range(4, 8)}) == 1
    assert share_out(spots[:1], []) == {"P0": None}
