"""A published (or retired) version and its items never change through the ORM: every path refuses."""

from decimal import Decimal

import pytest

from checklists.models import Checklist, ChecklistVersion, Item, VersionLocked
from checklists.services import version_retire

from .snapshots import snapshot

pytestmark = pytest.mark.django_db


def _refused(version, change):
    before = snapshot(version)
    with pytest.raises(VersionLocked):
        change()
    assert snapshot(version) == before


def test_saving_an_item_is_refused(published):
    item = published.items.get(code="BS06")
    item.points = Decimal("5.0")

    _refused(published, item.save)


def test_deleting_an_item_is_refused(published):
    _refused(published, published.items.get(code="BS06").delete)


def test_adding_an_item_is_refused(published):
    _refused(published, lambda: Item.objects.create(version=published, code="BS99", label="新", type="check"))
    _refused(published, lambda: published.items.create(code="BS99", label="新", type="check"))


def test_bulk_create_into_a_published_version_is_refused(published):
    _refused(published, lambda: Item.objects.bulk_create([Item(version=published, code="X", label="x", type="check")]))


def test_queryset_update_and_delete_are_refused(published):
    _refused(published, lambda: Item.objects.filter(version=published).update(points=1))
    _refused(published, lambda: published.items.all().delete())
    _refused(published, lambda: Item.objects.filter(code="BS06").delete())


def test_bulk_update_is_refused(published):
    items = list(published.items.all())
    for item in items:
        item.points = Decimal("1.0")

    _refused(published, lambda: Item.objects.bulk_update(items, ["points"]))


def test_moving_items_in_or_out_is_refused(published, draft):
    _refused(published, lambda: draft.items.filter(code="BS01").update(version=published))
    item = published.items.get(code="BS01")
    item.version = draft
    _refused(published, item.save)


def test_changing_or_deleting_the_version_is_refused(published):
    version = ChecklistVersion.objects.get(pk=published.pk)
    version.notes = "改一下"
    _refused(published, version.save)
    _refused(published, ChecklistVersion.objects.get(pk=published.pk).delete)
    _refused(published, lambda: ChecklistVersion.objects.filter(pk=published.pk).update(notes="改"))
    _refused(published, lambda: ChecklistVersion.objects.filter(pk=published.pk).delete())


def test_a_published_version_cannot_go_back_to_draft(published):
    version = ChecklistVersion.objects.get(pk=published.pk)
    version.state = ChecklistVersion.State.DRAFT

    _refused(published, version.save)


def test_a_retired_version_is_just_as_fixed(published):
    retired = version_retire(version=published)
    item = retired.items.get(code="BS06")
    item.label = "改"

    _refused(retired, item.save)
    retired.state = ChecklistVersion.State.PUBLISHED
    _refused(retired, retired.save)


def test_retiring_is_the_one_change_a_published_version_allows(published):
    version = ChecklistVersion.objects.get(pk=published.pk)
    version.state = ChecklistVersion.State.RETIRED
    version.save()

    assert ChecklistVersion.objects.get(pk=published.pk).state == "retired"


def test_saving_an_unchanged_published_version_is_harmless(published):
    ChecklistVersion.objects.get(pk=published.pk).save()


def test_the_title_of_a_checklist_with_published_versions_is_fixed(published):
    checklist = Checklist.objects.get(pk=published.checklist_id)
    checklist.title = "新名称"

    with pytest.raises(VersionLocked):
        checklist.save()
    assert Checklist.objects.get(pk=published.checklist_id).title == "投放点月暗查检查表"


def test_the_english_title_of_a_checklist_with_published_versions_is_fixed(published):
    checklist = Checklist.objects.get(pk=published.checklist_id)
    checklist.title_en = "New title"

    with pytest.raises(VersionLocked):
        checklist.save()
    stored = Checklist.objects.get(pk=published.checklist_id)
    assert stored.title_en == "Bin station: monthly covert inspection checklist"


def test_drafts_are_editable(draft):
    item = draft.items.get(code="BS06")
    item.points = Decimal("25.0")
    item.save()
    draft.items.filter(code="BS01").update(label="四类容器")
    draft.items.get(code="BS12").delete()
    Item.objects.create(version=draft, code="BS99", label="新增项", type="check", points=5)
    draft.notes = "修订"
    draft.save()

    codes = set(draft.items.values_list("code", flat=True))
    assert "BS12" not in codes and "BS99" in codes
    assert draft.items.get(code="BS06").points == Decimal("25.0")
    assert draft.items.get(code="BS01").label == "四类容器"


def test_a_draft_can_be_deleted_with_its_items(draft):
    pk = draft.pk
    draft.delete()

    assert not ChecklistVersion.objects.filter(pk=pk).exists()
    assert not Item.objects.filter(version_id=pk).exists()
