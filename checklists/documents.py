"""Checklist versions as JSON documents: the pack format of SYNC.md, the export/import format,
the publishing rules and the content fingerprint.

No ORM here: the data migration, the services, the import command and the admin all check the same
plain dicts, so a document that one of them accepts, all of them accept.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from .models import PlaceKind, ProblemCategory, Regime
from .scoring import ITEM_TYPES, MAX_POINTS, PHOTO_RULES, SCORED_TYPES, AnswerError, to_tenths

FORMAT = "sortpatrol-checklist"
FORMAT_VERSION = 1

# Which numeric fields each item type uses; the others are null in documents.
NUMBER_FIELDS = {
    "check": ("points",),
    "deduct": ("points", "per_fault"),
    "percent": ("points", "target", "per_percent"),
    "number": (),
    "text": (),
    "choice": (),
}
ALL_NUMBER_FIELDS = ("points", "per_fault", "target", "per_percent")
MAX_CODE_LENGTH = 16
TEXT_LIMITS = {"section": 100, "section_en": 100, "label": 300, "label_en": 300, "help": 5000, "help_en": 5000}
# English translations (and the `required` flag) came after the first versions were published: they count in the
# fingerprint only when set, so those versions keep theirs.
COUNTED_WHEN_SET = frozenset({"required", "section_en", "help_en"})


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document: where (`items[3].points`) and what, in the user's language."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class DocumentInvalid(ValueError):
    def __init__(self, problems: Sequence[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def _one_decimal(value: Any) -> float | None:
    """A stored Decimal (or a JSON number) as a JSON number with one decimal, e.g. 10.0, 2.5."""
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(Decimal("0.1")))


def item_document(item: Mapping[str, Any]) -> dict[str, Any]:
    """An item (model fields or an imported dict) in the pack format, with nulls where the type has no use."""
    type_ = item["type"]
    used = NUMBER_FIELDS.get(type_, ())
    doc: dict[str, Any] = {
        "code": item["code"],
        "section": item.get("section") or "",
        "section_en": item.get("section_en") or "",
        "label": item["label"],
        "label_en": item.get("label_en") or "",
        "help": item.get("help") or "",
        "help_en": item.get("help_en") or "",
        "type": type_,
    }
    for name in ALL_NUMBER_FIELDS:
        doc[name] = _one_decimal(item.get(name)) if name in used else None
    if type_ in SCORED_TYPES and doc["points"] is None:
        doc["points"] = 0.0
    doc["choices"] = list(item.get("choices") or []) if type_ == "choice" else None
    doc["photo"] = item.get("photo") or "optional"
    doc["veto"] = bool(item.get("veto"))
    doc["category"] = item.get("category") or ""
    doc["required"] = bool(item.get("required"))
    return doc


def is_required(item: Mapping[str, Any]) -> bool:
    """Whether an inspection must answer the item: every scored item, and a record-only item marked required."""
    return item.get("type") in SCORED_TYPES or bool(item.get("required"))


def export_item(item: Mapping[str, Any], order: int) -> dict[str, Any]:
    """The pack item plus what only an editor needs: its position and whether a failure opens a rectification."""
    opens = item.get("opens_rectification")
    return {**item_document(item), "order": order, "opens_rectification": True if opens is None else bool(opens)}


def fingerprint(document: Mapping[str, Any]) -> str:
    """SHA-256 of what a version says (kind, regime, titles, items), independent of ids, numbers and key order."""
    content = {key: document[key] for key in ("place_kind", "regime", "title", "items")}
    if document.get("title_en"):
        content["title_en"] = document["title_en"]
    content["items"] = [
        {key: value for key, value in item.items() if key not in COUNTED_WHEN_SET or value}
        for item in content["items"]
    ]
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- publishing rules ---------------------------------------------------------------------------------


def publish_problems(regime: str, items: Sequence[Mapping[str, Any]]) -> list[Problem]:
    """What stops a version with these items (pack format) from being published; empty when it may be.

    Rules: unique codes; points ≥ 0 with one decimal; targets 0–100; veto on check items only; at least
    one scored item — except on a weekly-guidance list, which may only record (a coaching visit counts
    for coverage; CHECKLISTS.md gives the compound's weekly visit nothing but notes).
    """
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        where = f"items[{index}]"
        code = item.get("code")
        if code in seen:
            problems.append(Problem(f"{where}.code", _("编号 %(code)s 与第 %(other)d 项重复。") % {
                "code": code, "other": seen[code] + 1}))
        elif isinstance(code, str):
            seen[code] = index
        problems += _item_problems(where, item)
    if not items:
        problems.append(Problem("items", _("检查表至少要有一个检查项。")))
    elif regime != Regime.WEEKLY_GUIDANCE and not any(_is_scored(item) for item in items):
        problems.append(Problem("items", _("至少要有一个计分的检查项（是否、按处扣分或百分率，分值大于 0）。")))
    return problems


def _is_scored(item: Mapping[str, Any]) -> bool:
    try:
        return item.get("type") in SCORED_TYPES and to_tenths(item.get("points") or 0) > 0
    except AnswerError:
        return False


def _tenths(value: Any) -> int | None:
    try:
        return to_tenths(value)
    except AnswerError:
        return None


def _item_problems(where: str, item: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []

    def bad(field: str, message: str) -> None:
        problems.append(Problem(f"{where}.{field}", message))

    code, type_ = item.get("code"), item.get("type")
    if not isinstance(code, str) or not code.strip() or len(code) > MAX_CODE_LENGTH or code != code.strip():
        bad("code", _("编号必填，最多 %(n)d 个字符，前后不能有空格。") % {"n": MAX_CODE_LENGTH})
    if not isinstance(item.get("label"), str) or not item["label"].strip():
        bad("label", _("检查内容必填。"))
    for field, limit in TEXT_LIMITS.items():
        value = item.get(field)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            bad(field, _("应为不超过 %(n)d 个字符的文字。") % {"n": limit})
    if type_ not in ITEM_TYPES:
        bad("type", _("类型应为 %(types)s 之一。") % {"types": ", ".join(ITEM_TYPES)})
        return problems
    used = NUMBER_FIELDS[type_]
    for field in ALL_NUMBER_FIELDS:
        value = item.get(field)
        if field not in used:
            if value is not None and (_tenths(value) != 0 or isinstance(value, bool)):
                bad(field, _("该类型的检查项不使用此项，请留空。"))
            continue
        if value is None:
            if field != "points":
                bad(field, _("该类型的检查项必须填写此项。"))
            continue
        tenths = _tenths(value)
        high = 1000 if field == "target" else MAX_POINTS
        if tenths is None or not 0 <= tenths <= high:
            bad(field, _("应为 0 到 %(high)s 之间的数，最多一位小数。") % {"high": f"{high / 10:g}"})
    if item.get("veto") is not None and not isinstance(item["veto"], bool):
        bad("veto", _("一票否决应为 true 或 false。"))
    elif item.get("veto") and type_ != "check":
        bad("veto", _("只有“是否”类检查项可以一票否决。"))
    choices = item.get("choices")
    if type_ == "choice":
        if not isinstance(choices, list) or not choices or not all(isinstance(c, str) and c for c in choices):
            bad("choices", _("选项类检查项至少要有一个选项（文字）。"))
        elif len(set(choices)) != len(choices):
            bad("choices", _("选项不能重复。"))
    elif choices not in (None, []):
        bad("choices", _("只有选项类检查项可以设置选项。"))
    if item.get("photo") not in (None, *PHOTO_RULES):
        bad("photo", _("拍照要求应为 %(rules)s 之一。") % {"rules": ", ".join(PHOTO_RULES)})
    if item.get("category") not in (None, "", *ProblemCategory.values):
        bad("category", _("问题类别应为 %(c)s 之一。") % {"c": ", ".join(ProblemCategory.values)})
    if item.get("opens_rectification") is not None and not isinstance(item["opens_rectification"], bool):
        bad("opens_rectification", _("应为 true 或 false。"))
    if item.get("required") is not None and not isinstance(item["required"], bool):
        bad("required", _("应为 true 或 false。"))
    return problems


# --- export and import --------------------------------------------------------------------------------

HEADER_FIELDS = ("format", "format_version", "place_kind", "regime", "title", "items")
ITEM_FIELDS = frozenset(
    {"code", "section", "section_en", "label", "label_en", "help", "help_en", "type", *ALL_NUMBER_FIELDS, "choices",
     "photo", "veto", "category", "order", "opens_rectification", "required"}
)


@dataclass(frozen=True)
class ImportedVersion:
    place_kind: str
    regime: str
    title: str
    notes: str
    items: tuple[dict[str, Any], ...]  # model field values, in order
    title_en: str = ""


def parse_document(data: Any) -> ImportedVersion:
    """Check an exported checklist document completely; raise DocumentInvalid listing every problem."""
    if not isinstance(data, Mapping):
        raise DocumentInvalid([Problem("", _("文件内容应为一个 JSON 对象。"))])
    problems: list[Problem] = []
    for field in HEADER_FIELDS:
        if field not in data:
            problems.append(Problem(field, _("缺少此项。")))
    if problems:
        raise DocumentInvalid(problems)
    if data["format"] != FORMAT:
        problems.append(Problem("format", _("不是检查表文件（应为 %(f)s）。") % {"f": FORMAT}))
    if data["format_version"] != FORMAT_VERSION:
        problems.append(Problem("format_version", _("不支持的文件版本（支持 %(v)d）。") % {"v": FORMAT_VERSION}))
    if data["place_kind"] not in PlaceKind.values:
        problems.append(Problem("place_kind", _("场所类型应为 %(k)s 之一。") % {"k": ", ".join(PlaceKind.values)}))
    if data["regime"] not in Regime.values:
        problems.append(Problem("regime", _("检查制度应为 %(r)s 之一。") % {"r": ", ".join(Regime.values)}))
    title, notes = data["title"], data.get("notes", "")
    if not isinstance(title, str) or not title.strip() or len(title) > 200:
        problems.append(Problem("title", _("名称必填，最多 200 个字符。")))
    title_en = data.get("title_en") or ""
    if not isinstance(title_en, str) or len(title_en) > 200:
        problems.append(Problem("title_en", _("英文标题最多 200 个字符。")))
    if not isinstance(notes, str):
        problems.append(Problem("notes", _("修订说明应为文字。")))
    items = data["items"]
    if not isinstance(items, list) or not all(isinstance(item, Mapping) for item in items):
        problems.append(Problem("items", _("检查项应为对象的列表。")))
        raise DocumentInvalid(problems)
    for index, item in enumerate(items):
        unknown = sorted(set(item) - ITEM_FIELDS)
        if unknown:
            problems.append(Problem(f"items[{index}]", _("不认识的字段：%(f)s。") % {"f": ", ".join(unknown)}))
        if "order" in item and (isinstance(item["order"], bool) or not isinstance(item["order"], int)
                                or item["order"] < 0):
            problems.append(Problem(f"items[{index}].order", _("顺序应为不小于 0 的整数。")))
    problems += publish_problems(data["regime"], items)
    if problems:
        raise DocumentInvalid(problems)
    return ImportedVersion(
        place_kind=data["place_kind"],
        regime=data["regime"],
        title=title.strip(),
        title_en=title_en.strip(),
        notes=notes,
        items=tuple(_item_fields(item, index) for index, item in enumerate(items)),
    )


def _item_fields(item: Mapping[str, Any], index: int) -> dict[str, Any]:
    doc = item_document(item)
    numbers = {name: None if doc[name] is None else Decimal(str(doc[name])) for name in ALL_NUMBER_FIELDS}
    return {
        "code": doc["code"],
        "section": doc["section"],
        "section_en": doc["section_en"],
        "order": item.get("order", (index + 1) * 10),
        "label": doc["label"].strip(),
        "label_en": doc["label_en"],
        "help": doc["help"],
        "help_en": doc["help_en"],
        "type": doc["type"],
        **{name: value for name, value in numbers.items()},
        "points": numbers["points"] or Decimal("0.0"),
        "choices": doc["choices"] or [],
        "photo": doc["photo"],
        "veto": doc["veto"],
        "category": doc["category"],
        "opens_rectification": item.get("opens_rectification", doc["type"] in SCORED_TYPES),
        "required": doc["required"],
    }


def load_json(text: str | bytes) -> Any:
    """Parse a document's text (UTF-8), turning a syntax error into a DocumentInvalid that says where."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DocumentInvalid([Problem("", _("文件不是 UTF-8 编码的文字。"))]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentInvalid([Problem("", _("不是有效的 JSON（第 %(line)d 行第 %(col)d 列：%(msg)s）。") % {
            "line": exc.lineno, "col": exc.colno, "msg": exc.msg})]) from None
