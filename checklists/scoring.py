"""The scoring rules of SCORING.md §1–2, exactly: integer tenths, rounding half-up.

Pure Python, no ORM: the server, the tests and the JavaScript mirror (`pwa/js/scoring.js`) agree on
`tests/fixtures/scoring_cases.json`. Items come in as plain dicts (as in the pack and in exported
checklists); answers as a mapping item code → value as sent by the phone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

NA = "na"
GRADE_BANDS = ((900, "excellent"), (800, "good"), (600, "pass"))  # score tenths → grade, checked in order


class AnswerError(ValueError):
    """An answer that does not fit its item; `code` is machine-readable, the message is English."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def to_tenths(value: Any, *, what: str = "value") -> int:
    """A number with at most one decimal → an integer count of tenths (never via binary floats)."""
    if isinstance(value, bool) or value is None:
        raise AnswerError("not_a_number", f"{what} must be a number")
    try:
        exact = Decimal(str(value)) * 10
    except (InvalidOperation, ValueError):
        raise AnswerError("not_a_number", f"{what} must be a number") from None
    if not exact.is_finite() or exact != exact.to_integral_value():
        raise AnswerError("too_many_decimals", f"{what} may have at most one decimal")
    return int(exact)


def _optional_tenths(value: Any) -> int | None:
    return None if value is None else to_tenths(value)


@dataclass(frozen=True)
class ItemRule:
    code: str
    type: str
    points: int = 0  # tenths
    per_fault: int | None = None  # tenths of a point per fault
    target: int | None = None  # tenths of a percent
    per_percent: int | None = None  # tenths of a point per percent below target
    photo: str = "optional"
    veto: bool = False
    choices: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, item: Mapping[str, Any]) -> ItemRule:
        return cls(
            code=str(item["code"]),
            type=str(item["type"]),
            points=to_tenths(item.get("points") or 0),
            per_fault=_optional_tenths(item.get("per_fault")),
            target=_optional_tenths(item.get("target")),
            per_percent=_optional_tenths(item.get("per_percent")),
            photo=str(item.get("photo") or "optional"),
            veto=bool(item.get("veto")),
            choices=tuple(str(c) for c in item.get("choices") or ()),
        )


@dataclass(frozen=True)
class ItemResult:
    code: str
    na: bool
    max: int  # tenths; 0 when the item is not scored
    earned: int | None  # tenths; None when not scored (na, or no points)
    failed: bool
    photo_required: bool

    @property
    def lost(self) -> int:
        return 0 if self.earned is None else self.max - self.earned


@dataclass(frozen=True)
class InspectionResult:
    score: int | None  # tenths; None = unscored
    grade: str | None
    vetoed: bool
    earned: int
    possible: int
    items: tuple[ItemResult, ...] = field(default=())

    @property
    def failed_items(self) -> tuple[ItemResult, ...]:
        return tuple(item for item in self.items if item.failed)


def half_up_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half-up to an integer (both non-negative)."""
    return (2 * numerator + denominator) // (2 * denominator)


def percent_value(rule: ItemRule, value: Any) -> int:
    """A percent answer in tenths of a percent: a number 0–100 or a sample {checked, wrong}."""
    if isinstance(value, Mapping):
        checked, wrong = value.get("checked"), value.get("wrong")
        if set(value) != {"checked", "wrong"} or not all(type(n) is int for n in (checked, wrong)):
            raise AnswerError("bad_sample", f"{rule.code}: a sample is {{checked: N, wrong: M}} with whole numbers")
        if checked < 1 or not 0 <= wrong <= checked:
            raise AnswerError("bad_sample", f"{rule.code}: a sample needs checked ≥ 1 and 0 ≤ wrong ≤ checked")
        return half_up_div(1000 * (checked - wrong), checked)
    tenths = to_tenths(value, what=rule.code)
    if not 0 <= tenths <= 1000:
        raise AnswerError("out_of_range", f"{rule.code}: a percent must be between 0 and 100")
    return tenths


def check_answer(rule: ItemRule, value: Any) -> None:
    """Raise AnswerError when `value` is not a valid answer for `rule` (SYNC.md, answer values by type)."""
    if value == NA and rule.type in ("check", "deduct", "percent"):
        return
    if rule.type == "check":
        if value not in ("pass", "fail"):
            raise AnswerError("bad_check", f"{rule.code}: answer pass, fail or na")
    elif rule.type == "deduct":
        if type(value) is not int or value < 0:
            raise AnswerError("bad_count", f"{rule.code}: a fault count is a whole number ≥ 0")
    elif rule.type == "percent":
        percent_value(rule, value)
    elif rule.type == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or value in (
            float("inf"), float("-inf")
        ):
            raise AnswerError("not_a_number", f"{rule.code}: must be a number")
    elif rule.type == "text":
        if not isinstance(value, str):
            raise AnswerError("not_text", f"{rule.code}: must be text")
    elif rule.type == "choice":
        if value not in rule.choices:
            raise AnswerError("bad_choice", f"{rule.code}: must be one of the item's choices")
    else:
        raise AnswerError("unknown_type", f"{rule.code}: unknown item type {rule.type}")


def score_item(rule: ItemRule, value: Any) -> ItemResult:
    check_answer(rule, value)
    na = value == NA or value is None
    scored = rule.type in ("check", "deduct", "percent") and rule.points > 0 and not na
    earned: int | None = None
    failed = False
    if not na and rule.type == "check":
        failed = value == "fail"
        earned = 0 if failed else rule.points
    elif not na and rule.type == "deduct":
        failed = value > 0
        earned = max(0, rule.points - value * (rule.per_fault or 0))
    elif not na and rule.type == "percent":
        got, target = percent_value(rule, value), rule.target or 0
        failed = got < target
        deduction = half_up_div((target - got) * (rule.per_percent or 0), 10) if failed else 0
        earned = max(0, rule.points - deduction)
    photo_required = (rule.photo == "always" and not na) or (rule.photo == "on_fail" and failed)
    return ItemResult(
        code=rule.code,
        na=na,
        max=rule.points if scored else 0,
        earned=earned if scored else None,
        failed=failed,
        photo_required=photo_required,
    )


def grade_for(score: int | None, *, vetoed: bool, bands: Iterable[tuple[int, str]] = GRADE_BANDS) -> str | None:
    if score is None:
        return None
    if vetoed:
        return "fail"
    return next((grade for floor, grade in bands if score >= floor), "fail")


def score_inspection(
    rules: Iterable[ItemRule], answers: Mapping[str, Any], *, bands: Iterable[tuple[int, str]] = GRADE_BANDS
) -> InspectionResult:
    """Score one inspection. An item left out of `answers` counts as na."""
    rules = tuple(rules)
    items = tuple(score_item(rule, answers.get(rule.code, NA)) for rule in rules)
    possible = sum(item.max for item in items)
    earned = sum(item.earned or 0 for item in items)
    vetoed = any(item.failed for item, rule in zip(items, rules, strict=True) if rule.veto)
    score = None if possible == 0 else (2000 * earned + possible) // (2 * possible)
    return InspectionResult(
        score=score,
        grade=grade_for(score, vetoed=vetoed, bands=bands),
        vetoed=vetoed,
        earned=earned,
        possible=possible,
        items=items,
    )


def photo_violations(result: InspectionResult, rules: Iterable[ItemRule], photo_items: Iterable[str]) -> dict[str, str]:
    """Item code → problem, for required photos missing from the manifest and photos on `never` items."""
    declared = set(photo_items)
    never = {rule.code for rule in rules if rule.photo == "never"}
    problems = {
        item.code: "photo_required" for item in result.items if item.photo_required and item.code not in declared
    }
    problems.update({code: "photo_not_allowed" for code in declared & never})
    return problems
