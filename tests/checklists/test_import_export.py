"""Export a version as a JSON document and import it elsewhere; a bad document reports what is wrong
and stores nothing."""

import copy
import json

import pytest
from django.core.management import CommandError, call_command

from checklists.documents import DocumentInvalid, fingerprint, load_json
from checklists.models import ChecklistVersion, Item
from checklists.selectors import version_document, version_export
from checklists.services import version_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(published):
    return version_export(published)


def _counts():
    return ChecklistVersion.objects.count(), Item.objects.count()


def _problems(data):
    before = _counts()
    with pytest.raises(DocumentInvalid) as caught:
        version_import(data=data)
    assert _counts() == before
    return {problem.path: problem.message for problem in caught.value.problems}


def test_export_is_the_pack_items_plus_order_and_rectification(published, document):
    assert (document["format"], document["format_version"]) == ("sortpatrol-checklist", 1)
    assert (document["place_kind"], document["regime"], document["version"]) == ("bin_station", "monthly_covert", 1)
    first = document["items"][0]
    assert first["code"] == "BS01" and first["order"] == 10 and first["opens_rectification"] is True
    pack_items = version_document(published)["items"]
    assert [{k: v for k, v in i.items() if k not in ("order", "opens_rectification")} for i in document["items"]] == (
        pack_items
    )


def test_import_makes_a_new_draft_with_the_same_content(published, document):
    version = version_import(data=json.loads(json.dumps(document)))

    assert (version.checklist_id, version.number, version.state) == (published.checklist_id, 2, "draft")
    assert version_export(version)["items"] == document["items"]


def test_the_required_flag_is_exported_and_imported(published, document):
    assert all(item["required"] is False for item in document["items"])
    record_only = {"code": "BS99", "label": "现场指导居民人次", "type": "number", "required": True}
    document["items"].append(record_only)

    version = version_import(data=document, publish=True)

    stored = version.items.get(code="BS99")
    assert stored.required is True
    exported = version_export(version)["items"]
    assert exported[-1]["required"] is True and version_document(version)["items"][-1]["required"] is True
    # A version that requires nothing beyond its scored items keeps the fingerprint it had before the flag existed.
    assert fingerprint(version_export(published)) == published.fingerprint
    assert version.fingerprint != published.fingerprint


def test_import_with_publish_replaces_the_published_version(published, document):
    version = version_import(data=document, publish=True)

    assert version.state == "published"
    assert version.fingerprint == published.fingerprint  # same content, same fingerprint
    assert ChecklistVersion.objects.get(pk=published.pk).state == "retired"


def test_import_into_a_database_without_that_checklist_creates_it(document):
    document["place_kind"], document["regime"] = "community", "weekly_guidance"
    document["title"] = "社区周指导检查表"

    version = version_import(data=document, publish=True)

    checklist = version.checklist
    assert (checklist.place_kind, checklist.regime, version.number) == ("community", "weekly_guidance", 1)
    assert version.checklist.title == "社区周指导检查表"
    assert version.fingerprint == fingerprint(version_export(version))


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d.pop("items"), "items"),
        (lambda d: d.update(format="something-else"), "format"),
        (lambda d: d.update(format_version=2), "format_version"),
        (lambda d: d.update(place_kind="school"), "place_kind"),
        (lambda d: d.update(regime="daily"), "regime"),
        (lambda d: d.update(title=""), "title"),
        (lambda d: d.update(items="BS01"), "items"),
        (lambda d: d.update(items=[]), "items"),
        (lambda d: d["items"][0].update(points=-1), "items[0].points"),
        (lambda d: d["items"][0].update(points=10.25), "items[0].points"),
        (lambda d: d["items"][0].update(points="10"), "items[0].points"),
        (lambda d: d["items"][5].update(target=101), "items[5].target"),
        (lambda d: d["items"][5].update(per_percent=None), "items[5].per_percent"),
        (lambda d: d["items"][1].update(veto=True), "items[1].veto"),
        (lambda d: d["items"][1].update(code="BS01"), "items[1].code"),
        (lambda d: d["items"][1].update(code=""), "items[1].code"),
        (lambda d: d["items"][1].update(type="rating"), "items[1].type"),
        (lambda d: d["items"][1].update(photo="sometimes"), "items[1].photo"),
        (lambda d: d["items"][1].update(category="dirt"), "items[1].category"),
        (lambda d: d["items"][1].update(colour="blue"), "items[1]"),
        (lambda d: d["items"][1].update(order=-1), "items[1].order"),
        (lambda d: d["items"][0].update(choices=["a"]), "items[0].choices"),
        (lambda d: d["items"][0].update(label=" "), "items[0].label"),
        (lambda d: d["items"][0].update(required="yes"), "items[0].required"),
    ],
)
def test_a_malformed_document_says_where_and_stores_nothing(document, change, path):
    change(document)

    problems = _problems(document)

    assert path in problems, problems
    assert all(problems.values())


def test_every_problem_is_reported_at_once(document):
    document["items"][0]["points"] = -1
    document["items"][1]["veto"] = True
    document["items"][2]["code"] = "BS01"

    assert set(_problems(document)) == {"items[0].points", "items[1].veto", "items[2].code"}


def test_no_scored_item_is_a_problem_outside_weekly_guidance(document):
    for item in document["items"]:
        if item["type"] in ("check", "deduct", "percent"):
            item["points"] = 0.0
    weekly = copy.deepcopy(document) | {"regime": "weekly_guidance", "place_kind": "community", "title": "周"}

    assert set(_problems(document)) == {"items"}
    assert version_import(data=weekly).state == "draft"


def test_not_an_object_or_not_json(document):
    assert set(_problems(["not", "an", "object"])) == {""}
    with pytest.raises(DocumentInvalid, match="JSON"):
        load_json(b"{not json")
    with pytest.raises(DocumentInvalid, match="UTF-8"):
        load_json(b"\xff\xfe{}")


def test_commands_round_trip(published, tmp_path):
    path = tmp_path / "bs.json"
    call_command("export_checklist", published.pk, output=str(path))
    call_command("export_checklist", kind="bin_station", regime="monthly_covert", output=str(tmp_path / "same.json"))
    assert path.read_text(encoding="utf-8") == (tmp_path / "same.json").read_text(encoding="utf-8")

    call_command("import_checklist", str(path), publish=True)

    newest = ChecklistVersion.objects.filter(checklist=published.checklist).order_by("-number").first()
    assert (newest.number, newest.state, newest.fingerprint) == (2, "published", published.fingerprint)


def test_import_command_lists_the_problems_and_stores_nothing(document, tmp_path):
    document["items"][0]["points"] = -1
    document["items"][3]["veto"] = True
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    before = _counts()

    with pytest.raises(CommandError) as caught:
        call_command("import_checklist", str(path))

    assert "items[0].points" in str(caught.value) and "items[3].veto" in str(caught.value)
    assert "nothing was stored" in str(caught.value)
    assert _counts() == before


def test_import_command_reports_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{", encoding="utf-8")

    with pytest.raises(CommandError, match="JSON"):
        call_command("import_checklist", str(path))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_checklist", str(tmp_path / "missing.json"))


def test_the_english_content_is_exported_imported_and_in_the_pack(published, document):
    assert document["title_en"] == "Bin station: monthly covert inspection checklist"
    assert document["items"][0]["section_en"] == "Facilities"
    document["title_en"] = "Bin station, monthly (covert)"
    document["items"][0]["section_en"] = "Bins"
    document["items"][0]["help_en"] = "Look at all four bins."

    version = version_import(data=document)

    stored = version.items.get(code="BS01")
    assert (stored.section_en, stored.help_en) == ("Bins", "Look at all four bins.")
    pack = version_document(version)
    assert (pack["items"][0]["section_en"], pack["items"][0]["help_en"]) == ("Bins", "Look at all four bins.")
    # The checklist has a published version, so its English title is kept, like its Chinese one.
    assert pack["title_en"] == "Bin station: monthly covert inspection checklist"


def test_a_new_checklist_takes_the_english_title_of_the_document(document):
    document["place_kind"], document["title_en"] = "community", "Community, monthly (covert)"

    version = version_import(data=document, publish=True)

    assert version.checklist.title_en == "Community, monthly (covert)"
    assert version_document(version)["title_en"] == "Community, monthly (covert)"
    assert version.fingerprint == fingerprint(version_export(version))


def test_english_fields_count_in_the_fingerprint_only_when_set(document):
    bare = copy.deepcopy(document)
    bare["title_en"] = ""
    for item in bare["items"]:
        item["section_en"] = item["help_en"] = ""
    without = copy.deepcopy(bare)
    del without["title_en"]
    for item in without["items"]:
        del item["section_en"], item["help_en"]

    assert fingerprint(bare) == fingerprint(without)
    assert fingerprint(document) != fingerprint(bare)


def test_an_english_title_that_is_too_long_is_a_problem(document):
    document["title_en"] = "x" * 201

    assert "title_en" in _problems(document)


def test_a_document_without_english_still_imports(published, document):
    del document["title_en"]
    for item in document["items"]:
        del item["section_en"], item["help_en"]

    version = version_import(data=document)

    assert set(version.items.values_list("section_en", flat=True)) == {""}
