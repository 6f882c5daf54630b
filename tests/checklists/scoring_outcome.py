"""One case → one comparable outcome, the same shape as tests/js/scoring_outcome.mjs produces."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from checklists.scoring import AnswerError, ItemRule, photo_violations, score_inspection, to_tenths

CASES_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "scoring_cases.json"


def load_cases() -> dict[str, Any]:
    return json.loads(CASES_FILE.read_text(encoding="utf-8"))


def outcome(items: list[dict], answers: dict, photos: list[str] | None) -> dict[str, Any]:
    """Everything the engine says about one inspection, points in tenths; or {"error": code}."""
    try:
        rules = [ItemRule.from_dict(item) for item in items]
        result = score_inspection(rules, answers)
    except AnswerError as exc:
        return {"error": exc.code}
    return {
        "score": result.score,
        "grade": result.grade,
        "vetoed": result.vetoed,
        "earned": result.earned,
        "possible": result.possible,
        "failed": [item.code for item in result.failed_items],
        "photo_violations": photo_violations(result, rules, photos) if photos is not None else None,
        "items": {
            item.code: {"max": item.max, "earned": item.earned, "failed": item.failed,
                        "photo_required": item.photo_required, "lost": item.lost}
            for item in result.items
        },
    }


def _tenths(value: Any) -> Any:
    return None if value is None else to_tenths(value)


def expected(expect: dict[str, Any]) -> dict[str, Any]:
    """A case's `expect`, numbers turned into tenths, so it can be compared with `outcome`."""
    out = dict(expect)
    for key in ("score", "earned", "possible"):
        if key in out:
            out[key] = _tenths(out[key])
    if "items" in out:
        out["items"] = {
            code: {k: _tenths(v) if k in ("earned", "max", "lost") else v for k, v in fields.items()}
            for code, fields in out["items"].items()
        }
    return out


def mismatches(expect: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """Differences between an expectation (only the keys it has) and an outcome."""
    want = expected(expect)
    problems = []
    for key, value in want.items():
        if key == "items":
            for code, fields in value.items():
                for field, item_value in fields.items():
                    actual = got.get("items", {}).get(code, {}).get(field)
                    if actual != item_value:
                        problems.append(f"items.{code}.{field}: expected {item_value!r}, got {actual!r}")
        elif got.get(key) != value:
            problems.append(f"{key}: expected {value!r}, got {got.get(key)!r}")
    return problems
