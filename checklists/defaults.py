"""The default checklists of CHECKLISTS.md, shipped as data files in `checklists/data/`.

Each file describes one place kind: the titles of its checklists (in Chinese and English) and every item,
tagged with the regimes it belongs to. A regime's checklist is the items tagged with it. Installing works on the real
models (`manage.py load_checklists`) and on a migration's historical models alike.

No record-only item of the defaults is marked `required`: scored items are always required, and the one list with
nothing scored (the compound's weekly visit, CP18 alone) cannot be finished empty anyway, since an inspection must
answer something (docs/sync.md). A street that wants a record always filled marks it in a new version.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .documents import DocumentInvalid, export_item, fingerprint, publish_problems

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class DefaultChecklist:
    place_kind: str
    regime: str
    title: str
    items: tuple[dict[str, Any], ...]  # export format, in order
    title_en: str = ""

    def document(self) -> dict[str, Any]:
        return {"place_kind": self.place_kind, "regime": self.regime, "title": self.title, "title_en": self.title_en,
                "items": list(self.items)}


def default_checklists() -> Iterator[DefaultChecklist]:
    for path in sorted(DATA_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for regime, title in data["titles"].items():
            tagged = [item for item in data["items"] if regime in item["regimes"]]
            items = tuple(
                export_item({k: v for k, v in item.items() if k != "regimes"}, order=(index + 1) * 10)
                for index, item in enumerate(tagged)
            )
            problems = publish_problems(regime, items)
            if problems:
                raise DocumentInvalid(problems)
            yield DefaultChecklist(place_kind=data["place_kind"], regime=regime, title=title, items=items,
                                   title_en=data.get("titles_en", {}).get(regime, ""))


def install_default_checklists(checklist_model, version_model, item_model, *, now) -> list[str]:
    """Create, as published version 1, every default checklist whose (kind, regime) has no version yet.

    Returns "kind/regime" of what was created; changes nothing else, so it can run any number of times.
    """
    created = []
    has_title_en = "title_en" in {field.name for field in checklist_model._meta.get_fields()}
    for default in default_checklists():
        titles = {"title": default.title, **({"title_en": default.title_en} if has_title_en else {})}
        checklist, _ = checklist_model.objects.get_or_create(
            place_kind=default.place_kind, regime=default.regime, defaults=titles
        )
        if version_model.objects.filter(checklist=checklist).exists():
            continue
        version = version_model.objects.create(checklist=checklist, number=1, state="draft",
                                               notes="CHECKLISTS.md 默认检查表")
        stored = [_model_fields(item, item_model) for item in default.items]
        item_model.objects.bulk_create([item_model(version=version, **fields) for fields in stored])
        version.state = "published"
        version.published_at = now
        # The fingerprint of what was stored: a migration's historical models may lack the English fields.
        version.fingerprint = fingerprint({
            **default.document(), "title": checklist.title, "title_en": getattr(checklist, "title_en", ""),
            "items": [export_item(fields, order=fields["order"]) for fields in stored],
        })
        version.save()
        created.append(f"{default.place_kind}/{default.regime}")
    return created


def _model_fields(item: dict[str, Any], item_model) -> dict[str, Any]:
    # A migration's historical model may predate a field (`required` came after 0002): leave such fields out.
    known = {field.name for field in item_model._meta.get_fields()}
    fields = {k: v for k, v in item.items() if k in known and k not in ("points", "per_fault", "target", "per_percent")}
    for name in ("points", "per_fault", "target", "per_percent"):
        value = item[name]
        fields[name] = None if value is None else str(value)
    if fields["points"] is None:
        fields["points"] = "0"
    fields["choices"] = fields["choices"] or []
    return fields


def fill_default_translations(checklist_model, version_model, item_model) -> int:
    """Give the installed default checklists the English of the data files, where still empty.

    For databases whose defaults were installed before the English fields existed (migration 0004). Only the
    English changes, never what is scored, so the versions stay as they are; their fingerprints are recomputed
    so that phones fetch the pack again. Items are matched by code and Chinese label. Returns versions touched.
    """
    touched = 0
    for default in default_checklists():
        checklist = checklist_model.objects.filter(place_kind=default.place_kind, regime=default.regime).first()
        if checklist is None:
            continue
        if not checklist.title_en and checklist.title == default.title:
            checklist.title_en = default.title_en
            checklist.save(update_fields=["title_en"])
        english = {(item["code"], item["label"]): item for item in default.items}
        for version in version_model.objects.filter(checklist=checklist):
            for item in item_model.objects.filter(version=version):
                source = english.get((item.code, item.label))
                if source is None:
                    continue
                for name in ("section_en", "label_en", "help_en"):
                    if not getattr(item, name) and source.get(name):
                        setattr(item, name, source[name])
                item.save()
            if version.fingerprint:
                version.fingerprint = _stored_fingerprint(checklist, version, item_model)
                version.save(update_fields=["fingerprint"])
                touched += 1
    return touched


def _stored_fingerprint(checklist, version, item_model) -> str:
    items = item_model.objects.filter(version=version).order_by("order", "code")
    names = [field.name for field in item_model._meta.concrete_fields if field.name not in ("id", "version")]
    return fingerprint({
        "place_kind": checklist.place_kind, "regime": checklist.regime, "title": checklist.title,
        "title_en": checklist.title_en,
        "items": [export_item({name: getattr(item, name) for name in names}, item.order) for item in items],
    })
