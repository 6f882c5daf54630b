"""The Chinese admin: drafts editable with items inline; publish, clone, retire, export, import, compare;
published versions read-only (and a forged POST changes nothing)."""

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from checklists.models import ChecklistVersion, Item
from checklists.selectors import version_export

from .snapshots import snapshot

pytestmark = pytest.mark.django_db

ITEM_FIELDS = ("order", "code", "section", "label", "label_en", "type", "points", "per_fault", "target", "per_percent",
               "choices", "photo", "veto", "category", "opens_rectification", "help")


def _change_url(version):
    return reverse("admin:checklists_checklistversion_change", args=[version.pk])


def _form_data(version, **item_changes):
    """What the change form posts: the version's notes and every item inline, with `item_changes`
    ({code: {field: value}}) applied."""
    items = list(version.items.order_by("order", "code"))
    data = {
        "notes": version.notes,
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": str(len(items)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "_save": "保存",
    }
    for index, item in enumerate(items):
        values = {name: getattr(item, name) for name in ITEM_FIELDS}
        values.update(item_changes.get(item.code, {}))
        for name, value in values.items():
            if name == "choices":
                value = json.dumps(value)
            if isinstance(value, bool):
                if value:
                    data[f"items-{index}-{name}"] = "on"
                continue
            data[f"items-{index}-{name}"] = "" if value is None else str(value)
        data[f"items-{index}-id"] = str(item.pk)
        data[f"items-{index}-version"] = str(version.pk)
    return data


def _action(admin_client, action, *versions):
    return admin_client.post(
        reverse("admin:checklists_checklistversion_changelist"),
        {"action": action, "_selected_action": [str(v.pk) for v in versions]},
        follow=True,
    )


def test_the_changelist_is_in_chinese(admin_client):
    response = admin_client.get(reverse("admin:checklists_checklistversion_changelist"))

    assert response.status_code == 200
    text = response.content.decode()
    assert "检查表版本" in text and "发布所选草稿" in text and "导入检查表" in text


def test_a_published_version_is_shown_read_only(admin_client, published):
    response = admin_client.get(_change_url(published))

    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert 'name="items-0-points"' not in response.content.decode()


def test_posting_changes_to_a_published_version_is_refused(admin_client, published):
    before = snapshot(published)

    response = admin_client.post(_change_url(published), _form_data(published, BS06={"points": "1.0"}))

    assert response.status_code == 403
    assert snapshot(published) == before


def test_deleting_a_published_version_is_refused(admin_client, published):
    before = snapshot(published)

    response = admin_client.post(
        reverse("admin:checklists_checklistversion_delete", args=[published.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert snapshot(published) == before


def test_a_draft_is_edited_with_its_items_inline(admin_client, draft):
    page = admin_client.get(_change_url(draft))
    assert 'name="items-0-points"' in page.content.decode()

    response = admin_client.post(_change_url(draft), _form_data(draft, BS06={"points": "25.5", "label": "纯净度"}))

    assert response.status_code == 302, response.content.decode()[:2000]
    item = draft.items.get(code="BS06")
    assert (item.points, item.label) == (Decimal("25.5"), "纯净度")


def test_publish_action(admin_client, published, draft):
    response = _action(admin_client, "publish_versions", draft)

    assert "已发布" in response.content.decode()
    assert ChecklistVersion.objects.get(pk=draft.pk).state == "published"
    assert ChecklistVersion.objects.get(pk=published.pk).state == "retired"


def test_publish_action_reports_what_is_wrong_and_keeps_the_draft(admin_client, draft):
    Item.objects.filter(version=draft, code="BS02").update(veto=True)

    response = _action(admin_client, "publish_versions", draft)

    assert "未通过检查" in response.content.decode() and ".veto" in response.content.decode()
    assert ChecklistVersion.objects.get(pk=draft.pk).state == "draft"


def test_clone_and_retire_actions(admin_client, published):
    _action(admin_client, "clone_versions", published)
    clone = ChecklistVersion.objects.get(checklist=published.checklist, number=2)
    assert clone.state == "draft" and clone.items.count() == published.items.count()

    _action(admin_client, "retire_versions", published)
    assert ChecklistVersion.objects.get(pk=published.pk).state == "retired"


def test_export_action_downloads_the_document(admin_client, published):
    response = admin_client.post(
        reverse("admin:checklists_checklistversion_changelist"),
        {"action": "export_version", "_selected_action": [str(published.pk)]},
    )

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content) == json.loads(json.dumps(version_export(published)))


def test_import_page_stores_a_good_document(admin_client, published):
    body = json.dumps(version_export(published), ensure_ascii=False).encode()

    response = admin_client.post(
        reverse("admin:checklists_checklistversion_import"),
        {"file": SimpleUploadedFile("bs.json", body, content_type="application/json"), "publish": "on"},
    )

    assert response.status_code == 302
    newest = ChecklistVersion.objects.get(checklist=published.checklist, number=2)
    assert newest.state == "published"


def test_import_page_lists_problems_and_stores_nothing(admin_client, published):
    document = version_export(published)
    document["items"][0]["points"] = -5
    before = ChecklistVersion.objects.count(), Item.objects.count()

    response = admin_client.post(
        reverse("admin:checklists_checklistversion_import"),
        {"file": SimpleUploadedFile("bad.json", json.dumps(document).encode())},
    )

    assert response.status_code == 400
    assert "items[0].points" in response.content.decode()
    assert (ChecklistVersion.objects.count(), Item.objects.count()) == before


def test_compare_page_shows_what_changed(admin_client, published, draft):
    Item.objects.filter(version=draft, code="BS06").update(points=15)

    response = admin_client.get(reverse("admin:checklists_checklistversion_diff", args=[published.pk, draft.pk]))

    assert response.status_code == 200
    text = response.content.decode()
    assert "BS06" in text and "points" in text and "15.0" in text


def test_a_checklist_with_published_versions_has_a_fixed_title(admin_client, published):
    response = admin_client.get(reverse("admin:checklists_checklist_change", args=[published.checklist_id]))

    assert response.status_code == 200
    assert 'name="title"' not in response.content.decode()


def test_the_delete_action_leaves_published_versions_alone(admin_client, published, draft):
    before = snapshot(published)

    admin_client.post(
        reverse("admin:checklists_checklistversion_changelist"),
        {"action": "delete_selected", "_selected_action": [str(published.pk), str(draft.pk)], "post": "yes"},
    )

    assert snapshot(published) == before
