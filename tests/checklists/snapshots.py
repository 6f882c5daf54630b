"""Not a test module: a helper of the checklist tests (fixtures are in conftest.py, which nothing imports)."""

from checklists.models import ChecklistVersion


def snapshot(version: ChecklistVersion) -> tuple:
    """Everything stored about a version and its items, to show that a refused change changed nothing."""
    fresh = ChecklistVersion.objects.get(pk=version.pk)
    fields = {f.attname: getattr(fresh, f.attname) for f in ChecklistVersion._meta.concrete_fields}
    items = list(fresh.items.order_by("pk").values())
    return fields, items
