"""The shared scoring cases (tests/fixtures/scoring_cases.json) against the Python engine.
tests/js/scoring.test.mjs runs the same file against pwa/js/scoring.js."""

import pytest

from checklists.scoring import NA, ItemRule, score_inspection

from .scoring_outcome import load_cases, mismatches, outcome

DATA = load_cases()
TYPES = {"check", "deduct", "percent", "number", "text", "choice"}


def _items(case):
    return case["items"] if "items" in case else DATA["checklists"][case["checklist"]]


@pytest.mark.parametrize("case", DATA["cases"], ids=[case["name"] for case in DATA["cases"]])
def test_case(case):
    got = outcome(_items(case), case["answers"], case.get("photos"))

    assert mismatches(case["expect"], got) == []


def test_the_file_covers_what_the_issue_asks_for():
    cases = DATA["cases"]
    assert len(cases) >= 47
    assert sum(case["name"].startswith("worked example") for case in cases) == 7
    answered_types = {
        item["type"] for case in cases for item in _items(case) if case["answers"].get(item.get("code"), NA) != NA
    }
    assert answered_types >= TYPES
    assert any(case["expect"].get("vetoed") for case in cases)
    assert any(isinstance(value, dict) for case in cases for value in case["answers"].values())
    assert any(case["expect"].get("photo_violations") for case in cases)
    assert any("half-up" in case["name"] for case in cases)


def test_worked_example_7_is_77_3_not_77_2():
    rules = [ItemRule.from_dict(item) for item in DATA["checklists"]["EX"]]

    result = score_inspection(rules, {"A": "na", "B": 4, "C": 84.9, "D": "pass"})

    assert (result.earned, result.possible, result.score) == (618, 800, 773)
