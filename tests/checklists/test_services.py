"""publish, clone, retire, item_update and versions_diff."""

from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from checklists.models import Checklist, ChecklistVersion, Item, VersionLocked
from checklists.selectors import published_versions, rules_for, version_document
from checklists.services import (
    DocumentInvalid,
    VersionStateError,
    item_update,
    version_clone,
    version_publish,
    version_retire,
    versions_diff,
)

from .snapshots import snapshot

pytestmark = pytest.mark.django_db


def _problems(version):
    with pytest.raises(DocumentInvalid) as caught:
        version_publish(version=version)
    assert ChecklistVersion.objects.get(pk=version.pk).state == "draft"
    return {problem.path for problem in caught.value.problems}


def test_clone_copies_every_item_into_a_new_draft(published, draft):
    assert (draft.state, draft.number, draft.checklist_id) == ("draft", 2, published.checklist_id)
    assert version_document(draft)["items"] == version_document(published)["items"]
    assert draft.items.count() == published.items.count()


@time_machine.travel("2026-05-10 09:00:00+08:00", tick=False)
def test_publishing_a_draft_retires_the_previous_version(published, draft, django_user_model):
    user = django_user_model.objects.create_user("editor")

    version = version_publish(version=draft, user=user)

    assert (version.state, version.published_by, version.published_at) == ("published", user, timezone.now())
    assert len(version.fingerprint) == 64
    old = ChecklistVersion.objects.get(pk=published.pk)
    assert (old.state, old.retired_at) == ("retired", timezone.now())
    assert list(published_versions().filter(checklist=published.checklist)) == [version]


def test_publishing_a_published_version_is_refused(published):
    before = snapshot(published)

    with pytest.raises(VersionStateError):
        version_publish(version=published)
    assert snapshot(published) == before


def test_publish_validates_points_targets_and_vetoes(draft):
    Item.objects.filter(version=draft, code="BS01").update(points=Decimal("-1.0"))
    Item.objects.filter(version=draft, code="BS06").update(target=Decimal("120.0"))
    Item.objects.filter(version=draft, code="BS02").update(veto=True)

    codes = list(draft.items.order_by("order", "code").values_list("code", flat=True))
    assert _problems(draft) == {
        f"items[{codes.index('BS01')}].points",
        f"items[{codes.index('BS06')}].target",
        f"items[{codes.index('BS02')}].veto",
    }


def test_publish_needs_a_scored_item(draft):
    draft.items.exclude(code="BS14").delete()
    Item.objects.filter(version=draft).update(points=0)

    assert _problems(draft) == {"items"}


def test_publish_needs_an_item(draft):
    draft.items.all().delete()

    assert _problems(draft) == {"items"}


def test_a_weekly_guidance_list_may_only_record():
    checklist = Checklist.objects.get(place_kind="compound", regime="weekly_guidance")
    draft = version_clone(version=checklist.versions.get())

    assert version_publish(version=draft).state == "published"


def test_retire_only_a_published_version(published, draft):
    with pytest.raises(VersionStateError):
        version_retire(version=draft)

    retired = version_retire(version=published)

    assert retired.state == "retired" and retired.retired_at is not None
    with pytest.raises(VersionStateError):
        version_retire(version=retired)


def test_item_update_refuses_a_published_item_and_changes_a_draft_item(published, draft):
    before = snapshot(published)
    with pytest.raises(VersionLocked):
        item_update(item=published.items.get(code="BS06"), points=Decimal("1.0"))
    assert snapshot(published) == before

    item = item_update(item=draft.items.get(code="BS06"), points=Decimal("15.0"), label="厨余纯净度")

    assert Item.objects.get(pk=item.pk).points == Decimal("15.0")


def test_versions_diff_lists_added_removed_and_changed_items(published, draft):
    item_update(item=draft.items.get(code="BS06"), points=Decimal("15.0"))
    draft.items.get(code="BS12").delete()
    Item.objects.create(version=draft, code="BS99", label="新增项", type="check", points=5, order=999)

    changes = versions_diff(published, draft)

    assert [(c.code, c.kind) for c in changes] == [("BS12", "removed"), ("BS06", "changed"), ("BS99", "added")]
    assert changes[1].fields == (("points", 20.0, 15.0),)
    assert versions_diff(published, published) == []


def test_rules_for_a_published_version_are_built_once(published, django_assert_num_queries):
    rules = rules_for(published)
    again = ChecklistVersion.objects.get(pk=published.pk)

    with django_assert_num_queries(0):
        assert rules_for(again) is rules
    assert [rule.code for rule in rules] == [item["code"] for item in version_document(published)["items"]]
    assert rules[5].code == "BS06" and (rules[5].points, rules[5].target, rules[5].per_percent) == (200, 900, 20)


def test_rules_for_a_draft_follow_its_edits(draft):
    assert rules_for(draft)[0].points == 100
    Item.objects.filter(version=draft, code="BS01").update(points=7)

    assert rules_for(draft)[0].points == 70
