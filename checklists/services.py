"""Writes to checklists: publish, clone, retire, import; and what changed between two versions.

A published version never changes (the models refuse it too); a street edits a checklist by cloning
the published version into a draft, editing the draft and publishing it, which retires the old one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .documents import DocumentInvalid, ImportedVersion, Problem, fingerprint, parse_document, publish_problems
from .models import Checklist, ChecklistVersion, Item, VersionLocked
from .selectors import version_document, version_export, version_with_items


class VersionStateError(VersionLocked):
    """The operation does not fit the version's state (e.g. publishing a version that is not a draft)."""


def _next_number(checklist: Checklist) -> int:
    return (checklist.versions.aggregate(top=Max("number"))["top"] or 0) + 1


def _locked(version: ChecklistVersion) -> ChecklistVersion:
    """The version re-read under a row lock, so two publishers cannot both pass the state check."""
    return ChecklistVersion.objects.select_for_update().select_related("checklist").get(pk=version.pk)


@transaction.atomic
def version_publish(*, version: ChecklistVersion, user: AbstractBaseUser | None = None) -> ChecklistVersion:
    """Validate a draft and publish it; the checklist's previously published version is retired.

    Raises VersionStateError unless the version is a draft, DocumentInvalid when it breaks a rule.
    """
    version = _locked(version)
    if version.state != ChecklistVersion.State.DRAFT:
        raise VersionStateError(_("只有草稿可以发布。"))
    document = version_export(version)
    problems = publish_problems(document["regime"], document["items"])
    if problems:
        raise DocumentInvalid(problems)
    now = timezone.now()
    for previous in version.checklist.versions.filter(state=ChecklistVersion.State.PUBLISHED):
        version_retire(version=previous, at=now)
    version.state = ChecklistVersion.State.PUBLISHED
    version.published_at = now
    version.published_by = user if user is not None and user.is_authenticated else None
    version.fingerprint = fingerprint(document)
    version.save()
    return version


@transaction.atomic
def version_retire(*, version: ChecklistVersion, at=None) -> ChecklistVersion:
    """Stop offering a published version to phones. Inspections made with it are still accepted and scored."""
    version = _locked(version)
    if version.state != ChecklistVersion.State.PUBLISHED:
        raise VersionStateError(_("只有已发布的版本可以停用。"))
    version.state = ChecklistVersion.State.RETIRED
    version.retired_at = at or timezone.now()
    version.save()
    return version


@transaction.atomic
def version_clone(*, version: ChecklistVersion, notes: str = "") -> ChecklistVersion:
    """A new draft of the same checklist with a copy of the version's items, numbered after the last one."""
    source = version_with_items(version.pk)
    checklist = Checklist.objects.select_for_update().get(pk=source.checklist_id)
    draft = ChecklistVersion.objects.create(
        checklist=checklist,
        number=_next_number(checklist),
        notes=notes or _("由 v%(n)d 复制") % {"n": source.number},
    )
    Item.objects.bulk_create([_copy(item, draft) for item in source.items.all()])
    return draft


def _copy(item: Item, version: ChecklistVersion) -> Item:
    fields = {f.attname: getattr(item, f.attname) for f in Item._meta.concrete_fields if f.attname not in ("id",)}
    return Item(**{**fields, "version_id": version.pk})


@transaction.atomic
def item_update(*, item: Item, **fields: Any) -> Item:
    """Change an item of a draft. Refused (VersionLocked) for an item of a published or retired version."""
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def version_import(*, data: Any, publish: bool = False, user: AbstractBaseUser | None = None) -> ChecklistVersion:
    """Store an exported checklist document as a new version of the checklist for its (kind, regime).

    The whole document is checked first; a bad one raises DocumentInvalid listing every problem, and
    nothing is stored. The new version is a draft unless `publish`, when it is published at once.
    """
    imported: ImportedVersion = parse_document(data)
    checklist, _created = Checklist.objects.select_for_update().get_or_create(
        place_kind=imported.place_kind, regime=imported.regime,
        defaults={"title": imported.title, "title_en": imported.title_en},
    )
    titles = (imported.title, imported.title_en)
    if (checklist.title, checklist.title_en) != titles and not checklist.versions.exclude(
        state=ChecklistVersion.State.DRAFT
    ).exists():
        checklist.title, checklist.title_en = titles
        checklist.save(update_fields=["title", "title_en"])
    draft = ChecklistVersion.objects.create(
        checklist=checklist, number=_next_number(checklist), notes=imported.notes or _("导入")
    )
    Item.objects.bulk_create([Item(version=draft, **fields) for fields in imported.items])
    return version_publish(version=draft, user=user) if publish else draft


# --- what changed -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemChange:
    code: str
    kind: str  # "added", "removed" or "changed"
    fields: tuple[tuple[str, Any, Any], ...] = ()  # (field, old, new) for "changed"


def versions_diff(old: ChecklistVersion, new: ChecklistVersion) -> list[ItemChange]:
    """Item by item (keyed by code): what was added, removed, or changed and how, in the new version's order."""
    before = {item["code"]: item for item in version_document(old)["items"]}
    after = {item["code"]: item for item in version_document(new)["items"]}
    changes = [ItemChange(code, "removed") for code in before if code not in after]
    for code, item in after.items():
        if code not in before:
            changes.append(ItemChange(code, "added"))
            continue
        fields = tuple((name, before[code][name], value) for name, value in item.items() if before[code][name] != value)
        if fields:
            changes.append(ItemChange(code, "changed", fields))
    return changes


def import_problems_text(exc: DocumentInvalid) -> str:
    return "\n".join(str(problem) for problem in exc.problems)


__all__ = [
    "DocumentInvalid",
    "ItemChange",
    "Problem",
    "VersionLocked",
    "VersionStateError",
    "import_problems_text",
    "item_update",
    "version_clone",
    "version_import",
    "version_publish",
    "version_retire",
    "versions_diff",
]
