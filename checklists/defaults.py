"""The default checklists of CHECKLISTS.md, shipped as data files in `checklists/data/`.

Each file describes one place kind: the titles of its checklists and every item, tagged with the
regimes it belongs to. A regime's checklist is the items tagged with it. Installing works on the real
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

    def document(self) -> dict[str, Any]:
        return {"place_kind": self.place_kind, "regime": self.regime, "title": self.title, "items": list(self.items)}


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
            yield DefaultChecklist(place_kind=data["place_kind"], regime=regime, title=title, items=items)


def install_default_checklists(checklist_model, version_model, item_model, *, now) -> list[str]:
    """Create, as published version 1, every default checklist whose (kind, regime) has no version yet.

    Returns "kind/regime" of what was created; changes nothing else, so it can run any number of times.
    """
    created = []
    for default in default_checklists():
        checklist, _ = checklist_model.objects.get_or_create(
            place_kind=default.place_kind, regime=default.regime, defaults={"title": default.title}
        )
        if version_model.objects.filter(checklist=checklist).exists():
            continue
        version = version_model.objects.create(checklist=checklist, number=1, state="draft",
                                               notes="CHECKLISTS.md 默认检查表")
        item_model.objects.bulk_create([
            item_model(version=version, **_model_fields(item, item_model)) for item in default.items
        ])
        version.state = "published"
        version.published_at = now
        version.fingerprint = fingerprint({**default.document(), "title": checklist.title})
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
