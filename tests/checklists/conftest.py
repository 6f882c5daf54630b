import pytest

from checklists.models import ChecklistVersion
from checklists.services import version_clone


@pytest.fixture
def published(db) -> ChecklistVersion:
    """The default bin-station monthly covert checklist, published by the data migration."""
    return ChecklistVersion.objects.select_related("checklist").get(
        checklist__place_kind="bin_station", checklist__regime="monthly_covert", state="published"
    )


@pytest.fixture
def draft(published) -> ChecklistVersion:
    return version_clone(version=published)


def snapshot(version: ChecklistVersion) -> tuple:
    """Everything stored about a version and its items, to show that a refused change changed nothing."""
    fresh = ChecklistVersion.objects.get(pk=version.pk)
    fields = {f.attname: getattr(fresh, f.attname) for f in ChecklistVersion._meta.concrete_fields}
    items = list(fresh.items.order_by("pk").values())
    return fields, items
