"""Reads of checklists: the published versions as documents, and the scoring rules of a version."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db.models import Prefetch, QuerySet

from .documents import export_item, item_document
from .models import ChecklistVersion, Item
from .scoring import ItemRule

_ITEM_FIELDS = (
    "code", "section", "section_en", "label", "label_en", "help", "help_en", "type", "points", "per_fault", "target",
    "per_percent", "choices", "photo", "veto", "category", "opens_rectification", "order", "required",
)


def _with_items(queryset: QuerySet[ChecklistVersion]) -> QuerySet[ChecklistVersion]:
    return queryset.select_related("checklist").prefetch_related(
        Prefetch("items", queryset=Item.objects.order_by("order", "code"))
    )


def published_versions() -> QuerySet[ChecklistVersion]:
    """The versions a phone may start an inspection with, items prefetched in order."""
    return _with_items(ChecklistVersion.objects.filter(state=ChecklistVersion.State.PUBLISHED)).order_by(
        "checklist__place_kind", "checklist__regime", "-number"
    )


def version_with_items(pk: int) -> ChecklistVersion:
    return _with_items(ChecklistVersion.objects.all()).get(pk=pk)


def _item_values(version: ChecklistVersion) -> list[dict[str, Any]]:
    # .all() uses the prefetch when there is one; otherwise one query, in the same order.
    items = sorted(version.items.all(), key=lambda item: (item.order, item.code))
    return [{name: getattr(item, name) for name in _ITEM_FIELDS} for item in items]


def version_document(version: ChecklistVersion) -> dict[str, Any]:
    """A version in the pack format of SYNC.md."""
    checklist = version.checklist
    return {
        "id": version.pk,
        "place_kind": checklist.place_kind,
        "regime": checklist.regime,
        "version": version.number,
        "title": checklist.title,
        "title_en": checklist.title_en,
        "items": [item_document(values) for values in _item_values(version)],
    }


def version_export(version: ChecklistVersion) -> dict[str, Any]:
    """A version as a shareable document (see documents.parse_document for the other direction)."""
    from .documents import FORMAT, FORMAT_VERSION

    checklist = version.checklist
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "place_kind": checklist.place_kind,
        "regime": checklist.regime,
        "title": checklist.title,
        "title_en": checklist.title_en,
        "version": version.number,
        "state": version.state,
        "notes": version.notes,
        "items": [export_item(values, values["order"]) for values in _item_values(version)],
    }


# Published and retired versions never change, so their rules are kept once built. The key holds the
# content fingerprint as well as the id, so a reused id (a test database rolled back) cannot hit.
_RULES: dict[tuple[int, str], tuple[ItemRule, ...]] = {}


def rules_for(version: ChecklistVersion) -> tuple[ItemRule, ...]:
    """The scoring rules of a version, in item order."""
    key = (version.pk, version.fingerprint)
    if version.state != ChecklistVersion.State.DRAFT and version.fingerprint and key in _RULES:
        return _RULES[key]
    rules = tuple(ItemRule.from_dict(item) for item in version_document(version)["items"])
    if version.state != ChecklistVersion.State.DRAFT and version.fingerprint:
        _RULES[key] = rules
    return rules


_LABELS: dict[tuple[int, str], dict[str, tuple[str, str]]] = {}


def item_labels(version: ChecklistVersion) -> dict[str, tuple[str, str]]:
    """Item code → (label, English label) of a version, to name items in messages; kept like the rules."""
    key = (version.pk, version.fingerprint)
    if key in _LABELS:
        return _LABELS[key]
    labels = {item["code"]: (item["label"], item["label_en"]) for item in version_document(version)["items"]}
    if version.state != ChecklistVersion.State.DRAFT and version.fingerprint:
        _LABELS[key] = labels
    return labels


def published_etag() -> str:
    """An entity tag for the set of published versions, from ids and fingerprints alone (one small query)."""
    rows = ChecklistVersion.objects.filter(state=ChecklistVersion.State.PUBLISHED).order_by("pk")
    digest = hashlib.sha256()
    for pk, fingerprint in rows.values_list("pk", "fingerprint"):
        digest.update(f"{pk}:{fingerprint};".encode())
    return f'"{digest.hexdigest()[:32]}"'
