"""The inspection document a phone PUTs (SYNC.md, "The documents"): its shape, the user's rights to it and
its answers against the checklist version, checked before anything is written.

`inspection_validate` returns an `InspectionDraft` (the facts to store, the score and the GPS flags) or
raises `RecordInvalid` with field errors or `RecordOutOfScope` (inspections/errors.py).

Unknown keys (a newer app's fields) are ignored at every level, never refused; `known_body` is what is stored of
a document: only the keys below, whose values validation has bounded (docs/sync.md, "Unknown keys").
"""

from __future__ import annotations

import math
import re
import uuid as uuid_lib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from geographiclib.geodesic import Geodesic
from geopy.distance import ELLIPSOIDS

from checklists.models import ChecklistVersion, Regime
from checklists.scoring import NA, SCORED_TYPES, AnswerError, ItemRule, check_answer, photo_violations, score_inspection
from checklists.selectors import item_labels, rules_for

from ..errors import RecordInvalid, RecordOutOfScope
from ..models import Place
from ..rows import RowShape
from ..scopes import could_ever_inspect, ever_had_regime, inspectable_place, regimes_for, scope_lapses_now

# The limits of the document. The OpenAPI schema of the document (inspections/api/serializers.py) is written with
# these constants, and tests/inspections/test_document_contract.py holds the schema and this validator to each other.
MAX_ANSWERS = 500
MAX_PHOTOS = 100
MAX_TEXT = 2000  # notes, an answer's note
MAX_PLACE_CODE = 40
MAX_ITEM_CODE = 16
MAX_DEVICE_ID = 100
MAX_DECLARED_BYTES = 2**53 - 1  # what a JSON number holds exactly in every client
MAX_ID = 2**31 - 1  # larger numbers overflow database integers: refuse them as invalid, not with a 500
SHA256_PATTERN = r"^[0-9a-fA-F]{64}$"
_SHA256 = re.compile(SHA256_PATTERN)
# Device times outside these years are a broken clock or a forged body, not an inspection.
PLAUSIBLE_YEARS = (2000, 2100)


# The keys this server knows, per level of the document: everything else is ignored and not stored.
DOCUMENT_KEYS = (
    "checklist_version", "place", "regime", "device_id", "started_at", "finished_at", "location", "answers",
    "photos", "notes",
)
LOCATION_KEYS = ("lat", "lng", "accuracy", "captured_at", "mock")
ANSWER_KEYS = ("item", "value", "note")
PHOTO_KEYS = ("uuid", "item", "sha256", "bytes")


def known_body(body: Mapping) -> dict:
    """The document with only the keys this server knows, at every level, to store: a newer app's extra fields
    (of any depth or size) are covered by the fingerprint of the body as sent, but never kept. Call it after
    inspection_validate: the values kept are then the validated ones (an answer's value has its type's shape)."""

    def pick(value: Any, keys: frozenset[str]) -> Any:
        if not isinstance(value, Mapping):
            return value
        # The usual case, nothing unknown: the entry as it is (a set comparison, not a new dict per answer).
        return value if value.keys() <= keys else {key: value[key] for key in value if key in keys}

    kept = {key: body[key] for key in body if key in _KNOWN[0]}
    if "location" in kept:
        kept["location"] = pick(kept["location"], _KNOWN[1])
    for key, keys in (("answers", _KNOWN[2]), ("photos", _KNOWN[3])):
        if isinstance(kept.get(key), list):
            kept[key] = [pick(entry, keys) for entry in kept[key]]
    return kept


_KNOWN = tuple(frozenset(keys) for keys in (DOCUMENT_KEYS, LOCATION_KEYS, ANSWER_KEYS, PHOTO_KEYS))


def iso_datetime(text: Any) -> datetime | None:
    if not isinstance(text, str) or len(text) > 40:
        return None
    try:
        value = datetime.fromisoformat(text)
        value.astimezone(UTC)  # year 1 or 9999 with an offset does not exist in UTC
    except (ValueError, OverflowError):
        return None
    if value.tzinfo is None or not PLAUSIBLE_YEARS[0] <= value.year <= PLAUSIBLE_YEARS[1]:
        return None
    return value


@dataclass
class InspectionDraft:
    place: Place
    version: ChecklistVersion
    regime: str
    device_id: str
    started_at: datetime | None
    finished_at: datetime
    lat: float | None
    lng: float | None
    accuracy: float | None
    captured_at: datetime | None
    mock: bool
    distance_m: float | None
    flags: list[str]
    answers: list[tuple[str, Any, str]]
    photos: list[tuple[uuid_lib.UUID, str, str, int]]
    result: Any
    item_scores: dict[str, dict]
    scope_lapses: list[str] = field(default_factory=list)  # what is out of scope on arrival (docs/sync.md)
    grandparent_id: int | None = None


class _Errors(dict):
    def add(self, key: str, message: str) -> None:
        self.setdefault(key, []).append(str(message))

    def raise_if_any(self) -> None:
        if self:
            raise RecordInvalid("invalid", _("提交的数据有误，请检查标出的字段。"), dict(self))


@dataclass(slots=True)
class DocumentShape:
    """The document's values once its shape is checked, the first step of inspection_validate."""

    regime: str
    place_code: str
    version_id: int
    device_id: str
    started_at: datetime | None
    finished_at: datetime
    location: dict | None
    answers: list[tuple[str, Any, str]]
    photos: list[tuple[uuid_lib.UUID, str, str, int]]


def document_shape(body: Mapping) -> DocumentShape:
    """Check the document's shape, without the database: each known key's type, limits and default. What the
    OpenAPI schema says of the document (InspectionIn). Raises RecordInvalid with every field error at once."""
    errors = _Errors()
    regime = body.get("regime")
    if regime not in Regime.values:
        errors.add("regime", _("未知的检查制度。"))
    place_code = body.get("place")
    if not isinstance(place_code, str) or not 0 < len(place_code) <= MAX_PLACE_CODE:
        errors.add("place", _("应为场所编码。"))
    version_id = body.get("checklist_version")
    if type(version_id) is not int or not 0 < version_id <= MAX_ID:
        errors.add("checklist_version", _("应为检查表版本编号。"))
    device_id = body.get("device_id", "")
    if device_id is None:
        device_id = ""
    if not isinstance(device_id, str) or len(device_id) > MAX_DEVICE_ID:
        errors.add("device_id", _("设备标识应为不超过%(n)d个字符的文字。") % {"n": MAX_DEVICE_ID})
    started_at = None
    if body.get("started_at") is not None:
        started_at = iso_datetime(body["started_at"])
        if started_at is None:
            errors.add("started_at", _("应为带时区的ISO 8601时间。"))
    finished_at = iso_datetime(body.get("finished_at"))
    if finished_at is None:
        errors.add("finished_at", _("应为带时区的ISO 8601时间。"))
    location = _location(body.get("location"), errors)
    answers = _answer_shapes(body.get("answers", []), errors)
    photos = _photo_shapes(body.get("photos", []), errors)
    notes = body.get("notes")
    if notes is not None and (not isinstance(notes, str) or len(notes) > MAX_TEXT):
        errors.add("notes", _("备注应为不超过%(n)d个字符的文字。") % {"n": MAX_TEXT})
    errors.raise_if_any()
    return DocumentShape(
        regime, place_code, version_id, device_id, started_at, finished_at, location, answers, photos
    )


def inspection_validate(*, user: AbstractBaseUser, body: Mapping) -> InspectionDraft:
    """Check the document in three steps: its shape, the user's rights, then its content against the
    checklist version. Nothing is written before all of them pass."""
    shape = document_shape(body)
    regime, place_code, version_id = shape.regime, shape.place_code, shape.version_id
    location, answers, photos = shape.location, shape.answers, shape.photos
    errors = _Errors()
    if regime not in regimes_for(user) and not ever_had_regime(user, regime):
        raise RecordOutOfScope("regime_not_allowed", _("您的角色不能进行这种检查。"))
    place, grandparent_id, version = _place_and_version(place_code, version_id)
    if place is None:
        errors.add("place", _("没有这个场所。"))
        errors.raise_if_any()
    lapses: list[str] = []
    if regime not in regimes_for(user) or not inspectable_place(user, place, grandparent_id=grandparent_id):
        # Out of scope now: stored for review when it could have been in scope when it was done (finished offline
        # before a retirement, a scope change, a deactivation); refused only when it never could have been.
        if not could_ever_inspect(user, place, regime, grandparent_id=grandparent_id):
            raise RecordOutOfScope("out_of_scope", _("这个场所不在您的检查范围内。"))
        lapses = scope_lapses_now(user, place, regime, grandparent_id=grandparent_id) or ["scope_changed"]

    if version is None or version.state == ChecklistVersion.State.DRAFT:
        errors.add("checklist_version", _("没有这个已发布的检查表版本。"))
        errors.raise_if_any()
    if version.checklist_place_kind != place.kind or version.checklist_regime != regime:
        errors.add("checklist_version", _("检查表版本与场所类型或检查制度不符。"))
        errors.raise_if_any()
    rules = rules_for(version)
    result = _scored(version, rules, answers, photos, errors)
    errors.raise_if_any()

    flags, distance = _location_flags(location, place)
    return InspectionDraft(
        place=place,
        version=version,
        regime=regime,
        device_id=shape.device_id,
        started_at=shape.started_at,
        finished_at=shape.finished_at,
        lat=location["lat"] if location else None,
        lng=location["lng"] if location else None,
        accuracy=location["accuracy"] if location else None,
        captured_at=location["captured_at"] if location else None,
        mock=bool(location and location["mock"]),
        distance_m=distance,
        flags=flags,
        answers=answers,
        photos=photos,
        result=result,
        item_scores={
            item.code: {"max_tenths": item.max, "earned_tenths": item.earned, "failed": item.failed}
            for item in result.items
        },
        scope_lapses=lapses,
        grandparent_id=grandparent_id,
    )


# The read on every PUT is hand-written SQL turned into instances as the ORM would (inspections/rows.py): composing
# querysets for the place and the version cost several times more than running this one query (bench/ingest.py).
_PLACE = RowShape(Place, "p")
# What validation and scoring read of the version (rules_for: id, state, fingerprint; its document: the checklist and
# the number); the rest is deferred.
_VERSION = RowShape(
    ChecklistVersion, "v",
    defer=[f.attname for f in ChecklistVersion._meta.concrete_fields
           if f.attname not in ("id", "checklist_id", "number", "state", "fingerprint")],
)


def _place_and_version(code: str, version_id: int) -> tuple[Place | None, int | None, ChecklistVersion | None]:
    """The place with this code and its parent's parent (for the scope check), and the version with its checklist's
    place kind and regime (as `checklist_place_kind`, `checklist_regime`), in one query. No place, no version."""
    db = connections[DEFAULT_DB_ALIAS]
    with db.cursor() as cursor:
        cursor.execute(
            f"SELECT {_PLACE.columns(db)}, q.parent_id, {_VERSION.columns(db)}, c.place_kind, c.regime"
            " FROM inspections_place p LEFT JOIN inspections_place q ON q.id = p.parent_id"
            " LEFT JOIN checklists_checklistversion v ON v.id = %s"
            " LEFT JOIN checklists_checklist c ON c.id = v.checklist_id WHERE p.code = %s",
            [version_id, code],
        )
        row = cursor.fetchone()
    if row is None:
        return None, None, None
    place = _PLACE.instance(row[: _PLACE.width], db)
    grandparent_id = row[_PLACE.width]
    version_row = row[_PLACE.width + 1 :]
    version = None
    if version_row[0] is not None:
        version = _VERSION.instance(version_row[:-2], db)
        version.checklist_place_kind, version.checklist_regime = version_row[-2:]
    return place, grandparent_id, version


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _location(value: Any, errors: _Errors) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        errors.add("location", _("定位应为对象或null。"))
        return None
    lat, lng = _number(value.get("lat")), _number(value.get("lng"))
    if lat is None or not -90 <= lat <= 90:
        errors.add("location.lat", _("纬度应在-90到90之间。"))
    if lng is None or not -180 <= lng <= 180:
        errors.add("location.lng", _("经度应在-180到180之间。"))
    accuracy = None
    if value.get("accuracy") is not None:
        accuracy = _number(value["accuracy"])
        if accuracy is None or accuracy < 0:
            errors.add("location.accuracy", _("精度应为不小于0的数值（米）。"))
    captured_at = None
    if value.get("captured_at") is not None:
        captured_at = iso_datetime(value["captured_at"])
        if captured_at is None:
            errors.add("location.captured_at", _("应为带时区的ISO 8601时间。"))
    mock = value.get("mock", False)
    if mock is None:
        mock = False
    if not isinstance(mock, bool):
        errors.add("location.mock", _("应为true或false。"))
    return {"lat": lat, "lng": lng, "accuracy": accuracy, "captured_at": captured_at, "mock": mock}


# geopy's geodesic() on its default ellipsoid (WGS-84, in kilometres) without its Point and Distance objects, which
# cost more than the computation: the same call to geographiclib, the same figure to the last bit.
_WGS84_KM = Geodesic(ELLIPSOIDS["WGS-84"][0], ELLIPSOIDS["WGS-84"][2])


def geodesic_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Geodesic distance in metres on WGS-84 (points within ±90°, ±180°), as geopy.distance.geodesic(…).meters."""
    return _WGS84_KM.Inverse(lat1, lng1, lat2, lng2, Geodesic.DISTANCE)["s12"] * 1000


def _location_flags(location: dict | None, place: Place) -> tuple[list[str], float | None]:
    """SYNC.md §6: facts staff should look at; they never reject an inspection."""
    if location is None:
        return ["no_fix"], None
    flags = []
    accuracy = location["accuracy"]
    if accuracy is None or accuracy > settings.SORTPATROL["POOR_ACCURACY_M"]:
        flags.append("poor_accuracy")
    distance = None
    if place.lat is not None and place.lng is not None:
        distance = geodesic_m(location["lat"], location["lng"], float(place.lat), float(place.lng))
        if distance > place.effective_radius_m:
            flags.append("far_from_place")
    if location["mock"]:
        flags.append("mock_location")
    return flags, distance


def _answer_shapes(value: Any, errors: _Errors) -> list[tuple[str, Any, str]]:
    if not isinstance(value, list) or len(value) > MAX_ANSWERS:
        errors.add("answers", _("答案应为列表（最多%(n)d项）。") % {"n": MAX_ANSWERS})
        return []
    answers, seen = [], set()
    for index, answer in enumerate(value):
        if not isinstance(answer, Mapping):
            errors.add(f"answers.{index}", _("每个答案应为对象。"))
            continue
        item = answer.get("item")
        if not isinstance(item, str) or not 0 < len(item) <= MAX_ITEM_CODE:
            errors.add(f"answers.{index}.item", _("应为检查项编号。"))
            continue
        if item in seen:
            errors.add(f"answers.{index}.item", _("同一检查项只能回答一次。"))
            continue
        seen.add(item)
        note = answer.get("note") or ""
        if not isinstance(note, str) or len(note) > MAX_TEXT:
            errors.add(f"answers.{index}.note", _("备注应为不超过%(n)d个字符的文字。") % {"n": MAX_TEXT})
        if "value" not in answer:
            errors.add(f"answers.{index}.value", _("缺少答案。"))
        answers.append((item, answer.get("value"), note if isinstance(note, str) else ""))
    return answers


def _photo_shapes(value: Any, errors: _Errors) -> list[tuple[uuid_lib.UUID, str, str, int]]:
    if not isinstance(value, list) or len(value) > MAX_PHOTOS:
        errors.add("photos", _("照片清单应为列表（最多%(n)d张）。") % {"n": MAX_PHOTOS})
        return []
    photos, seen = [], set()
    for index, photo in enumerate(value):
        if not isinstance(photo, Mapping):
            errors.add(f"photos.{index}", _("每张照片应为对象。"))
            continue
        try:
            photo_uuid = uuid_lib.UUID(photo.get("uuid")) if isinstance(photo.get("uuid"), str) else None
        except ValueError:
            photo_uuid = None
        if photo_uuid is None:
            errors.add(f"photos.{index}.uuid", _("应为UUID。"))
        elif photo_uuid in seen:
            errors.add(f"photos.{index}.uuid", _("照片编号重复。"))
        seen.add(photo_uuid)
        item = photo.get("item")
        if not isinstance(item, str) or not 0 < len(item) <= MAX_ITEM_CODE:
            errors.add(f"photos.{index}.item", _("应为检查项编号。"))
        sha = photo.get("sha256")
        if not isinstance(sha, str) or not _SHA256.match(sha):
            errors.add(f"photos.{index}.sha256", _("应为64位十六进制的SHA-256。"))
        size = photo.get("bytes")
        # A size above PHOTO_MAX_BYTES is not the document's fault: that photo is refused on its own (413 on
        # its PUT, sync.py), the inspection is stored.
        if type(size) is not int or not 0 < size <= MAX_DECLARED_BYTES:
            errors.add(f"photos.{index}.bytes", _("照片大小应为正整数（字节）。"))
        if photo_uuid is not None and isinstance(item, str) and isinstance(sha, str):
            photos.append((photo_uuid, item, sha.lower(), size))
    return photos


# AnswerError codes (checklists/scoring.py) → what is wrong, in the user's language; the message names the item.
_ANSWER_PROBLEMS = {
    "bad_check": lambda: _("请选择合格、不合格或不适用。"),
    "bad_count": lambda: _("问题处数应为不小于 0 的整数。"),
    "bad_sample": lambda: _("抽查数至少为 1，错误数应在 0 到抽查数之间。"),
    "out_of_range": lambda: _("百分比应在 0 到 100 之间。"),
    "too_many_decimals": lambda: _("最多一位小数。"),
    "not_a_number": lambda: _("应为数值。"),
    "not_text": lambda: _("应为文字。"),
    "bad_choice": lambda: _("应为该项的选项之一。"),
}


class _ItemNames:
    """Names items in messages as “label” (code), in the request's language; the labels are read only when needed."""

    def __init__(self, version: ChecklistVersion):
        self.version = version
        self.labels: dict[str, tuple[str, str]] | None = None

    def __call__(self, code: str) -> dict[str, str]:
        if self.labels is None:
            self.labels = item_labels(self.version)
        label, label_en = self.labels.get(code, (code, ""))
        return {"item": label_en if get_language() == "en" and label_en else label, "code": code}


def _answered(rule: ItemRule, value: Any) -> bool:
    """Whether a value present in the document answers its item: any value a scored item (a bad one has its own
    error), but na or blank text leaves a required record-only item unanswered."""
    return rule.type in SCORED_TYPES or not (isinstance(value, str) and (value == NA or not value.strip()))


def _scored(version: ChecklistVersion, rules: tuple[ItemRule, ...], answers: list, photos: list,
            errors: _Errors) -> Any:
    by_code = {rule.code: rule for rule in rules}
    name = _ItemNames(version)
    values = {}
    for index, (code, value, _note) in enumerate(answers):
        rule = by_code.get(code)
        if rule is None:
            errors.add(f"answers.{index}.item", _("该版本没有这个检查项。"))
            continue
        try:
            check_answer(rule, value)
        except AnswerError as exc:
            problem = _ANSWER_PROBLEMS.get(exc.code)
            errors.add(f"answers.{index}.value", _("“%(item)s”（%(code)s）：%(problem)s") % {
                **name(code), "problem": problem() if problem else str(exc)})
            continue
        values[code] = value
    # Docs/sync.md: every scored and every required item is answered, so an empty or half-done record never counts.
    # Keyed by the item's code, as a left-out item has no place in the document.
    answered = {code for code, value, _note in answers if code in by_code and _answered(by_code[code], value)}
    for rule in rules:
        if rule.must_answer and rule.code not in answered:
            errors.add(f"items.{rule.code}", _("请回答“%(item)s”（%(code)s）。") % name(rule.code))
    if not answers:
        errors.add("answers", _("这次检查没有回答任何检查项。"))
    for index, (_uuid, item, _sha, _size) in enumerate(photos):
        if item not in by_code:
            errors.add(f"photos.{index}.item", _("该版本没有这个检查项。"))
    if errors:
        return None
    result = score_inspection(rules, values)
    index_of = {code: index for index, (code, _v, _n) in enumerate(answers)}
    for code, problem in photo_violations(result, rules, (item for _u, item, _s, _b in photos)).items():
        if problem == "photo_required":
            errors.add(f"answers.{index_of.get(code, 0)}.photo", _("此项需要照片（{code}）。").format(code=code))
        else:
            for index, (_u, item, _s, _b) in enumerate(photos):
                if item == code:
                    errors.add(f"photos.{index}.item", _("此项不允许拍照（{code}）。").format(code=code))
    return result
