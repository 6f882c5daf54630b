"""The scoring rules of SCORING.md §1–2, exactly: integer tenths, rounding half-up.

Pure Python, no ORM: the server, the tests and the JavaScript mirror (`pwa/js/scoring.js`) agree on
`tests/fixtures/scoring_cases.json`. Items come in as plain dicts (as in the pack and in exported
checklists); answers as a mapping item code → value as sent by the phone.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

NA = "na"
GRADE_BANDS = ((900, "excellent"), (800, "good"), (600, "pass"))  # score tenths → grade, checked in order
ITEM_TYPES = ("check", "deduct", "percent", "number", "text", "choice")
SCORED_TYPES = ("check", "deduct", "percent")
PHOTO_RULES = ("always", "on_fail", "optional", "never")
# Counts (faults, sample sizes) must survive a trip through a JavaScript number unchanged.
MAX_COUNT = 2**53 - 1
MAX_POINTS = 99999  # tenths: the database keeps points, per-fault and per-percent as 9999.9 at most


class AnswerError(ValueError):
    """An answer that does not fit its item; `code` is machine-readable, the message is English."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def is_number(value: Any) -> bool:
    """A finite JSON number (bool is not one; neither is an integer too large for a double)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def is_count(value: Any) -> bool:
    """A whole number 0 … 2**53 − 1. JSON cannot tell 5 from 5.0, so neither do we."""
    return is_number(value) and value == int(value) and 0 <= value <= MAX_COUNT


def to_tenths(value: Any, *, what: str = "value") -> int:
    """A number with at most one decimal → an integer count of tenths.

    The number is read through its shortest decimal form (repr), never through binary arithmetic,
    so 84.9 is exactly 849 tenths; the JavaScript mirror reads `String(value)` the same way.
    """
    if not is_number(value):
        raise AnswerError("not_a_number", f"{what} must be a number")
    exact = Decimal(str(value)) * 10
    if exact != exact.to_integral_value():
        raise AnswerError("too_many_decimals", f"{what} may have at most one decimal")
    return int(exact)


def _item_tenths(item: Mapping[str, Any], name: str, *, high: int) -> int | None:
    value = item.get(name)
    if value is None:
        return None
    try:
        tenths = to_tenths(value, what=name)
    except AnswerError as exc:
        raise AnswerError("bad_item", f"{item.get('code')}: {exc}") from None
    if not 0 <= tenths <= high:
        raise AnswerError("bad_item", f"{item.get('code')}: {name} must be between 0 and {high / 10:g}")
    return tenths


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
    required: bool = False  # a record-only item the checklist marks required; scored items always are

    @property
    def must_answer(self) -> bool:
        """An inspection that leaves this item out is refused (docs/sync.md): every scored item, and required ones."""
        return self.type in SCORED_TYPES or self.required

    @classmethod
    def from_dict(cls, item: Mapping[str, Any]) -> ItemRule:
        """An item in the pack format (SYNC.md). Absent or null fields take their defaults;
        anything else that does not fit raises AnswerError("bad_item")."""
        code, type_ = item.get("code"), item.get("type")
        if not isinstance(code, str) or not code:
            raise AnswerError("bad_item", "an item needs a code")
        if type_ not in ITEM_TYPES:
            raise AnswerError("bad_item", f"{code}: unknown item type {type_!r}")
        points = _item_tenths(item, "points", high=MAX_POINTS)
        per_fault = _item_tenths(item, "per_fault", high=MAX_POINTS)
        target = _item_tenths(item, "target", high=1000)
        per_percent = _item_tenths(item, "per_percent", high=MAX_POINTS)
        photo, veto, choices, required = item.get("photo"), item.get("veto"), item.get("choices"), item.get("required")
        if photo is not None and photo not in PHOTO_RULES:
            raise AnswerError("bad_item", f"{code}: unknown photo rule {photo!r}")
        if veto is not None and not isinstance(veto, bool):
            raise AnswerError("bad_item", f"{code}: veto is true or false")
        if choices is not None and (not isinstance(choices, list) or not all(isinstance(c, str) for c in choices)):
            raise AnswerError("bad_item", f"{code}: choices are a list of strings")
        if required is not None and not isinstance(required, bool):
            raise AnswerError("bad_item", f"{code}: required is true or false")
        return cls(
            code=code,
            type=type_,
            points=points or 0,
            per_fault=per_fault,
            target=target,
            per_percent=per_percent,
            photo=photo or "optional",
            veto=bool(veto),
            choices=tuple(choices or ()),
            required=bool(required),
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
        if set(value) != {"checked", "wrong"} or not all(is_count(n) for n in (checked, wrong)):
            raise AnswerError("bad_sample", f"{rule.code}: a sample is {{checked: N, wrong: M}} with whole numbers")
        checked, wrong = int(checked), int(wrong)
        if checked < 1 or not 0 <= wrong <= checked:
            raise AnswerError("bad_sample", f"{rule.code}: a sample needs checked ≥ 1 and 0 ≤ wrong ≤ checked")
        return half_up_div(1000 * (checked - wrong), checked)
    tenths = to_tenths(value, what=rule.code)
    if not 0 <= tenths <= 1000:
        raise AnswerError("out_of_range", f"{rule.code}: a percent must be between 0 and 100")
    return tenths


def check_answer(rule: ItemRule, value: Any) -> None:
    """Raise AnswerError when `value` is not a valid answer for `rule` (SYNC.md, answer values by type).

    `na` fits every type here; whether an item may be left out or answered na is the document's rule (must_answer).
    """
    if isinstance(value, str) and value == NA:
        return
    if rule.type == "check":
        if value not in ("pass", "fail"):
            raise AnswerError("bad_check", f"{rule.code}: answer pass, fail or na")
    elif rule.type == "deduct":
        if not is_count(value):
            raise AnswerError("bad_count", f"{rule.code}: a fault count is a whole number ≥ 0")
    elif rule.type == "percent":
        percent_value(rule, value)
    elif rule.type == "number":
        if not is_number(value):
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
    na = isinstance(value, str) and value == NA
    scored = rule.type in SCORED_TYPES and rule.points > 0 and not na
    earned: int | None = None
    failed = False
    if not na and rule.type == "check":
        failed = value == "fail"
        earned = 0 if failed else rule.points
    elif not na and rule.type == "deduct":
        failed = value > 0
        earned = max(0, rule.points - int(value) * (rule.per_fault or 0))
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
