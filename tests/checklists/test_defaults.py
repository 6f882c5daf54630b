"""A fresh database has the default checklists of CHECKLISTS.md published; load_checklists adds only what is missing."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, models
from django.db.migrations.loader import MigrationLoader

from checklists.defaults import default_checklists, fill_default_translations
from checklists.documents import fingerprint, publish_problems
from checklists.models import Checklist, ChecklistVersion, Item, ProblemCategory
from checklists.selectors import published_versions, version_document, version_export

pytestmark = pytest.mark.django_db

W, M, Q = "weekly_guidance", "monthly_covert", "quarterly_assessment"
EXPECTED = {
    ("bin_station", W), ("bin_station", M), ("bin_station", Q),
    ("compound", W), ("compound", M), ("compound", Q),
    ("community", Q),
    ("public_institution", W), ("public_institution", M), ("public_institution", Q),
    ("enterprise", W), ("enterprise", M), ("enterprise", Q),
    ("public_place", W), ("public_place", M), ("public_place", Q),
}


def _codes(kind, regime):
    version = published_versions().get(checklist__place_kind=kind, checklist__regime=regime)
    return [item["code"] for item in version_document(version)["items"]]


def _item(kind, regime, code):
    return Item.objects.get(
        version__state="published", version__checklist__place_kind=kind, version__checklist__regime=regime, code=code
    )


def test_every_kind_has_the_regimes_the_tables_give_it_published():
    pairs = {(v.checklist.place_kind, v.checklist.regime) for v in published_versions()}

    assert pairs == EXPECTED
    assert published_versions().count() == len(EXPECTED)


def test_each_default_passes_validation_and_matches_its_fingerprint():
    for version in published_versions():
        document = version_export(version)
        assert publish_problems(document["regime"], document["items"]) == [], version
        assert version.fingerprint == fingerprint(document)
        assert version.number == 1 and version.published_at is not None


def test_a_regimes_checklist_holds_the_items_tagged_with_it():
    assert _codes("bin_station", W) == ["BS03", "BS04", "BS07", "BS09", "BS16", "BS17"]
    assert _codes("bin_station", M) == [
        "BS01", "BS02", "BS03", "BS04", "BS05", "BS06", "BS07", "BS08", "BS09", "BS10", "BS12", "BS13", "BS14"
    ]
    assert _codes("compound", W) == ["CP18"]
    assert _codes("compound", M) == ["CP02", "CP06", "CP07", "CP11", "CP14", "CP15", "CP17"]
    assert len(_codes("community", Q)) == 12
    assert _codes("public_place", W) == ["PP04", "PP05"]


def test_item_rules_follow_the_tables():
    bs06 = _item("bin_station", M, "BS06")
    assert (bs06.type, bs06.points, bs06.target, bs06.per_percent, bs06.photo) == (
        "percent", Decimal("20.0"), Decimal("90.0"), Decimal("2.0"), "always")
    cp04 = _item("compound", Q, "CP04")
    assert (cp04.type, cp04.points, cp04.per_fault, cp04.photo) == ("deduct", Decimal("10.0"), Decimal("2.5"), "always")
    cp08 = _item("compound", Q, "CP08")
    assert (cp08.target, cp08.per_percent, cp08.photo) == (Decimal("95.0"), Decimal("0.5"), "optional")
    cp17 = _item("compound", M, "CP17")
    assert (cp17.type, cp17.points, cp17.veto, cp17.photo) == ("check", Decimal("0.0"), True, "on_fail")
    bs16 = _item("bin_station", W, "BS16")
    assert (bs16.type, bs16.points, bs16.opens_rectification) == ("number", Decimal("0.0"), False)
    assert _item("public_place", M, "PP08").veto is True
    assert _item("bin_station", M, "BS14").category == ProblemCategory.TRANSPORT
    assert _item("bin_station", M, "BS05").category == ProblemCategory.OVERFLOW


def test_vetoes_are_on_check_items_and_categories_are_known():
    items = Item.objects.filter(version__state="published")

    assert set(items.filter(veto=True).values_list("type", flat=True)) == {"check"}
    assert set(items.filter(veto=True).values_list("code", flat=True)) == {"BS14", "CP17", "PI13", "EN11", "PP08"}
    scored = items.filter(type__in=["check", "deduct", "percent"])
    assert set(scored.values_list("category", flat=True)) <= set(ProblemCategory.values)
    assert not scored.filter(category="").exists()


def test_load_checklists_changes_nothing_when_everything_is_there():
    before = list(ChecklistVersion.objects.order_by("pk").values_list("pk", "fingerprint", "state"))
    items = Item.objects.count()

    call_command("load_checklists")

    assert list(ChecklistVersion.objects.order_by("pk").values_list("pk", "fingerprint", "state")) == before
    assert Item.objects.count() == items


def test_load_checklists_leaves_a_streets_own_versions_alone(published, draft):
    call_command("load_checklists")

    assert ChecklistVersion.objects.filter(checklist=published.checklist).count() == 2


def test_load_checklists_creates_a_missing_default():
    # Remove one checklist behind the models' guards, as a database from before that checklist existed.
    version = ChecklistVersion.objects.get(checklist__place_kind="community", checklist__regime=Q)
    models.QuerySet(Item).filter(version=version).delete()
    models.QuerySet(ChecklistVersion).filter(pk=version.pk).delete()
    Checklist.objects.filter(pk=version.checklist_id).delete()

    call_command("load_checklists")
    call_command("load_checklists")

    restored = published_versions().get(checklist__place_kind="community", checklist__regime=Q)
    assert restored.items.count() == 12
    assert published_versions().count() == len(EXPECTED)


def test_the_data_files_describe_every_default():
    assert {(d.place_kind, d.regime) for d in default_checklists()} == EXPECTED


def test_the_defaults_carry_english_titles_sections_and_help():
    for version in published_versions():
        document = version_document(version)
        assert document["title_en"], document["title"]
        for item in document["items"]:
            assert item["label_en"], item["code"]
            assert bool(item["section_en"]) == bool(item["section"]), item["code"]
            assert bool(item["help_en"]) == bool(item["help"]), item["code"]
        assert version.fingerprint == fingerprint(version_export(version))


def test_filling_the_english_of_defaults_installed_without_it_updates_their_fingerprints():
    version = ChecklistVersion.objects.get(checklist__place_kind="bin_station", checklist__regime="weekly_guidance")
    Checklist.objects.filter(pk=version.checklist_id).update(title_en="")
    # The queryset refuses to change a published version's items; the rows are changed the way 0002 left them.
    models.QuerySet.update(Item.objects.filter(version=version), section_en="", help_en="")
    bare = fingerprint(version_export(version))

    # Migration 0004 runs it on the historical models, which know nothing of the locks on published versions.
    apps = MigrationLoader(connection).project_state(("checklists", "0004_english_content")).apps
    touched = fill_default_translations(*(apps.get_model("checklists", name)
                                         for name in ("Checklist", "ChecklistVersion", "Item")))

    assert touched == ChecklistVersion.objects.exclude(fingerprint="").count()

    version.refresh_from_db()
    document = version_document(version)
    assert document["title_en"] and all(item["section_en"] for item in document["items"])
    assert version.fingerprint == fingerprint(version_export(version)) != bare
