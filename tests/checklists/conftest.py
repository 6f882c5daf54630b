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
