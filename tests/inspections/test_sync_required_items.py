"""Finishing is deliberate (docs/sync.md): an inspection must answer every scored item and every item its checklist
marks required, or it is refused with a field error per missing item, in the user's language, naming the item."""

import pytest

from checklists.models import PlaceKind, Regime
from checklists.scoring import ItemRule
from inspections.models import Answer, Inspection

from .sync_world import answers_with, inspection_body, make_version, put_inspection

pytestmark = pytest.mark.django_db


def _refused(world, body, **headers) -> dict:
    _uuid, response = put_inspection(world.client("street"), body, **headers)
    assert response.status_code == 400, response.json()
    assert response.json()["error"]["code"] == "invalid"
    assert not Inspection.objects.exists() and not Answer.objects.exists()
    return response.json()["error"]["fields"]


def test_an_inspection_that_answers_nothing_is_refused_with_an_error_per_scored_item(world):
    fields = _refused(world, inspection_body(world, answers=[]))

    assert set(fields) == {"answers", "items.T01", "items.T02", "items.T03", "items.T06"}
    assert fields["items.T01"] == ["请回答“项T01”（T01）。"]
    assert fields["answers"] == ["这次检查没有回答任何检查项。"]


def test_one_scored_item_left_out_is_named(world):
    fields = _refused(world, inspection_body(world, answers=answers_with(T03=None)))

    assert fields == {"items.T03": ["请回答“项T03”（T03）。"]}


def test_a_vetoing_item_without_points_must_be_answered_too(world):
    fields = _refused(world, inspection_body(world, answers=answers_with(T06=None)))

    assert set(fields) == {"items.T06"}


@pytest.mark.parametrize("value", [None, "na", "  "])
def test_a_required_record_only_item_left_out_or_blank_is_refused(world, value):
    version = make_version(PlaceKind.BIN_STATION, Regime.WEEKLY_GUIDANCE, required=("T04",))

    fields = _refused(world, inspection_body(world, checklist_version=version.pk, answers=answers_with(T04=value)))

    assert fields == {"items.T04": ["请回答“项T04”（T04）。"]}


def test_every_item_answered_with_na_where_it_may_be_is_accepted(world):
    version = make_version(PlaceKind.BIN_STATION, Regime.WEEKLY_GUIDANCE, required=("T04",))
    answers = answers_with(T01="na", T02="na", T03="na", T06="na", T04="指导了三户")

    inspection_uuid, response = put_inspection(
        world.client("street"), inspection_body(world, checklist_version=version.pk, answers=answers)
    )

    assert response.status_code == 201
    assert response.json()["score"] is None and response.json()["status"] == "complete"
    inspection = Inspection.objects.get(uuid=inspection_uuid)
    assert inspection.answers.count() == 5 and inspection.score_tenths is None


def test_a_record_only_item_not_marked_required_may_be_left_out(world):
    _uuid, response = put_inspection(world.client("street"), inspection_body(world, answers=answers_with(T04=None)))

    assert response.status_code == 201


def test_an_invalid_answer_is_explained_naming_the_item(world):
    body = inspection_body(world, answers=answers_with(T03={"checked": 5, "wrong": 8}))

    fields = _refused(world, body)

    assert fields == {"answers.2.value": ["“项T03”（T03）：抽查数至少为 1，错误数应在 0 到抽查数之间。"]}


def test_messages_are_in_english_when_the_phone_asks_for_english(world):
    version = make_version(PlaceKind.BIN_STATION, Regime.WEEKLY_GUIDANCE, labels_en={"T03": "Kitchen-waste purity"})
    answers = answers_with(T01="maybe", T03=None)

    fields = _refused(world, inspection_body(world, checklist_version=version.pk, answers=answers),
                      **{"Accept-Language": "en"})

    assert fields == {
        "answers.0.value": ['"项T01" (T01): choose pass, fail or N/A.'],
        "items.T03": ['Answer "Kitchen-waste purity" (T03).'],
    }


def test_a_record_stored_under_the_old_contract_keeps_its_score_on_replay(world, monkeypatch):
    # Before the rule, an item left out counted as na: store such a record as that server did.
    monkeypatch.setattr(ItemRule, "must_answer", property(lambda rule: False))
    body = inspection_body(world, answers=[{"item": "T01", "value": "pass"}])
    inspection_uuid, first = put_inspection(world.client("street"), body)
    assert first.status_code == 201 and first.json()["score"] == 100.0
    monkeypatch.undo()

    _same, again = put_inspection(world.client("street"), body, inspection_uuid)

    assert again.status_code == 200 and again.json() == first.json()
    assert Inspection.objects.get(uuid=inspection_uuid).score_tenths == 1000


def test_a_refused_record_corrected_under_the_same_uuid_is_a_first_write(world):
    # The phone reopens a refused record and sends it again under its uuid (docs/sync.md): the 400 stored nothing,
    # so the corrected body is new to the server, not a conflict with the refused one.
    client = world.client("street")
    inspection_uuid, refused = put_inspection(client, inspection_body(world, answers=answers_with(T03=None)))
    assert refused.status_code == 400 and not Inspection.objects.exists()

    _same, accepted = put_inspection(client, inspection_body(world), inspection_uuid)

    assert accepted.status_code == 201, accepted.json()
    assert Inspection.objects.get().uuid.hex == inspection_uuid.replace("-", "")
    assert Inspection.objects.get().answers.filter(item_code="T03").exists()
