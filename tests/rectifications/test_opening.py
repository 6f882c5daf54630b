"""Opening cases from counted inspections: one per place and flagged failed item, recurrences, replays, voids."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checklists.models import Regime
from inspections.errors import ReasonRequired
from inspections.models import Inspection
from inspections.services.sync import inspection_restore, inspection_void
from inspections.signals import inspection_changed
from rectifications.errors import CaseAlreadyOpen, CaseInvalid
from rectifications.models import (
    CaseEvent,
    CaseFinding,
    CaseSource,
    CaseState,
    EventKind,
    FindingRole,
    RectificationCase,
    ResponsibleParty,
    Severity,
)
from rectifications.services import case_open_manual, case_recheck, cases_open_from_black_list

from .world import local, make_world

pytestmark = pytest.mark.django_db


def signal(inspection: Inspection) -> None:
    inspection_changed.send(sender=Inspection, inspection=inspection)


def test_a_failed_flagged_item_opens_one_case(world, monday_may_11):
    inspection = world.inspect(world.xb, {"A": "fail"})

    case = RectificationCase.objects.get()
    assert (case.number, case.year, case.sequence) == ("ZG-2026-0001", 2026, 1)
    assert (case.street, case.place, case.community, case.item_code, case.item_label) == (
        world.street, world.xb, world.k, "A", "问题A")
    assert (case.party_kind, case.party_company, case.party_place) == (ResponsibleParty.COMPANY, world.company, None)
    assert (case.severity, case.state, case.source) == (Severity.NORMAL, CaseState.OPEN, CaseSource.INSPECTION)
    assert case.source_inspection == inspection and not case.covert
    assert case.opened_at == local(2026, 5, 11) and case.deadline == dt.date(2026, 5, 18)  # 5 working days
    finding = CaseFinding.objects.get()
    assert (finding.case, finding.inspection, finding.role, finding.found_at) == (
        case, inspection, FindingRole.FIRST, inspection.inspected_at)
    event = CaseEvent.objects.get()
    assert (event.case, event.kind, event.deadline, event.inspection, event.actor) == (
        case, EventKind.OPENED, case.deadline, inspection, None)


def test_failed_follows_the_scoring_rules_for_every_item_type(world, monday_may_11):
    world.inspect(world.x, {"B": 1, "C": 89.9, "D": "fail"})  # one fault; below the target; a veto item

    cases = {c.item_code: c for c in RectificationCase.objects.all()}
    assert set(cases) == {"B", "C", "D"}
    assert cases["D"].severity == Severity.SERIOUS and cases["B"].severity == Severity.NORMAL
    assert cases["D"].deadline == dt.date(2026, 5, 14)  # 3 working days for a serious case


def test_passing_and_na_answers_open_nothing(world, monday_may_11):
    world.inspect(world.x, {"A": "na", "B": 0, "C": 90, "D": "pass"})  # at the target is not below it
    world.inspect(world.x, {"C": {"checked": 10, "wrong": 1}})  # a sample of 90.0%

    assert not RectificationCase.objects.exists() and not CaseEvent.objects.exists()


def test_an_item_not_flagged_opens_nothing(world, monday_may_11):
    world.inspect(world.x, {"E": "fail"})

    assert Inspection.objects.get().answers.get(item_code="E").failed
    assert not RectificationCase.objects.exists()


def test_a_repeat_failure_attaches_to_the_live_case_as_a_recurrence(world, monday_may_11):
    first = world.inspect(world.xb, {"A": "fail"})
    monday_may_11.shift(dt.timedelta(days=1))
    again = world.inspect(world.xb, {"A": "fail", "B": 2}, when=local(2026, 5, 12))

    a_case = RectificationCase.objects.get(item_code="A")
    assert RectificationCase.objects.count() == 2  # B is new: a case of its own
    assert list(a_case.findings.values_list("inspection", "role")) == [
        (first.pk, FindingRole.FIRST), (again.pk, FindingRole.RECURRENCE)]
    assert list(a_case.events.values_list("kind", "inspection")) == [
        (EventKind.OPENED, first.pk), (EventKind.RECURRENCE, again.pk)]
    assert a_case.deadline == dt.date(2026, 5, 18) and a_case.state == CaseState.OPEN  # the deadline stands


def test_a_failure_after_the_case_closed_opens_a_new_case(world, monday_may_11):
    world.inspect(world.xb, {"A": "fail"})
    first = RectificationCase.objects.get()
    first.state = CaseState.ANSWERED
    first.save()
    case_recheck(case=first, by=world.users["inspector"], fixed=True)
    world.inspect(world.xb, {"A": "fail"})

    assert list(RectificationCase.objects.order_by("sequence").values_list("number", "state")) == [
        ("ZG-2026-0001", CaseState.CLOSED), ("ZG-2026-0002", CaseState.OPEN)]


def test_the_same_inspection_signalled_again_opens_nothing_new(world, monday_may_11):
    inspection = world.inspect(world.xb, {"A": "fail", "D": "fail"})
    before = (RectificationCase.objects.count(), CaseFinding.objects.count(), CaseEvent.objects.count())

    signal(inspection)
    signal(Inspection.objects.get(pk=inspection.pk))

    assert before == (2, 2, 2)
    assert (RectificationCase.objects.count(), CaseFinding.objects.count(), CaseEvent.objects.count()) == before


def test_only_a_counted_inspection_opens_cases(world, monday_may_11):
    waiting = world.inspect(world.xb, {"A": "fail"}, status="awaiting_photos")
    assert not RectificationCase.objects.exists()

    waiting.status = Inspection.Status.COMPLETE
    waiting.save()
    signal(waiting)

    assert RectificationCase.objects.get().source_inspection == waiting


def test_a_void_keeps_the_case_and_says_so_on_its_timeline(world, monday_may_11):
    inspection = world.inspect(world.xb, {"A": "fail"})
    admin = world.users["admin"]

    inspection_void(inspection=inspection, by=admin, reason="走错点位")
    inspection_void(inspection=inspection, by=admin, reason="again")  # already void: no signal, no event
    case = RectificationCase.objects.get()
    assert case.state == CaseState.OPEN
    voided = case.events.get(kind=EventKind.INSPECTION_VOIDED)
    assert (voided.actor, voided.inspection, voided.details["void_reason"]) == (admin, inspection, "走错点位")

    inspection_restore(inspection=Inspection.objects.get(pk=inspection.pk), by=admin, reason="误作废")
    assert list(case.events.values_list("kind", flat=True)) == [
        EventKind.OPENED, EventKind.INSPECTION_VOIDED, EventKind.INSPECTION_RESTORED]
    assert RectificationCase.objects.count() == 1 and CaseFinding.objects.count() == 1


def test_an_inspection_synced_from_a_phone_opens_its_cases_once():
    """Through the real sync API: the answers' `failed` is the scoring's verdict, stored by the sync."""
    from tests.inspections.sync_world import inspection_body, put_inspection
    from tests.inspections.sync_world import make_world as make_sync_world

    sync = make_sync_world()
    client = sync.client("street")
    body = inspection_body(sync)  # T02: 2 faults; T03: a sample of 80% against a target of 90%
    inspection_uuid, response = put_inspection(client, body)
    assert response.status_code == 201
    assert put_inspection(client, body, inspection_uuid)[1].status_code == 200  # a replay

    cases = RectificationCase.objects.order_by("item_code")
    assert [(c.item_code, c.place, c.party_company.code, c.source_inspection.uuid.hex) for c in cases] == [
        ("T02", sync.bs1, "C1", inspection_uuid.replace("-", "")),
        ("T03", sync.bs1, "C1", inspection_uuid.replace("-", "")),
    ]
    assert CaseEvent.objects.count() == 2


@pytest.mark.parametrize(("place", "kind", "company", "party_place", "community"), [
    ("x", ResponsibleParty.COMPANY, True, None, "k"),
    ("xb", ResponsibleParty.COMPANY, True, None, "k"),
    ("y", ResponsibleParty.COMMUNITY, False, "k", "k"),  # a compound without a property company
    ("yb", ResponsibleParty.COMMUNITY, False, "k", "k"),
    ("u", ResponsibleParty.UNIT, False, "u", "k"),
    ("ub", ResponsibleParty.UNIT, False, "u", "k"),  # a bin station serving a unit
    ("k", ResponsibleParty.COMMUNITY, False, "k", "k"),
    ("z", ResponsibleParty.COMPANY, True, None, "k2"),
])
def test_the_responsible_party_follows_the_place(world, place, kind, company, party_place, community):
    inspection = world.inspect(getattr(world, place), {"A": "fail"})

    case = RectificationCase.objects.get()
    assert case.place == inspection.place and case.party_kind == kind
    assert case.party_company == (world.company if company else None)
    assert case.party_place == (getattr(world, party_place) if party_place else None)
    assert case.community == getattr(world, community)


def test_numbers_run_per_street_and_local_year(world):
    other = make_world("S2", "另一街道")
    with time_machine.travel(local(2026, 12, 31, 23, 30), tick=False):  # still 2026 in Shanghai, 2026 in UTC
        world.inspect(world.x, {"A": "fail", "B": 3})
        other.inspect(other.x, {"A": "fail"})
    with time_machine.travel(local(2027, 1, 1, 0, 30), tick=False):  # 2027 in Shanghai, 2026 in UTC
        world.inspect(world.y, {"A": "fail"})

    numbers = sorted(RectificationCase.objects.values_list("street__code", "number"))
    assert numbers == [("S1", "ZG-2026-0001"), ("S1", "ZG-2026-0002"), ("S1", "ZG-2027-0001"),
                       ("S2", "ZG-2026-0001")]


def test_opening_costs_the_same_queries_for_one_failed_item_as_for_four(world, monday_may_11):
    counts = []
    for place, answers in ((world.x, {"A": "fail"}), (world.y, {"A": "fail", "B": 1, "C": 50, "D": "fail"})):
        inspection = world.inspect(place, answers, signal=False)
        with CaptureQueriesContext(connection) as ctx:
            signal(inspection)
        counts.append(len([q for q in ctx.captured_queries if "rectification" in q["sql"]
                           or "checklists_item" in q["sql"]]))
    assert RectificationCase.objects.count() == 5
    assert counts[0] == counts[1]


def test_staff_open_a_case_by_hand_with_a_reason(world, monday_may_11):
    admin = world.users["admin"]
    world.version(world.u, Regime.WEEKLY_GUIDANCE)  # the unit's checklist knows item D
    with pytest.raises(ReasonRequired):
        case_open_manual(place=world.u, item_code="D", by=admin, reason="  ")

    case = case_open_manual(place=world.u, item_code="D", by=admin, reason="群众来电反映")

    case.refresh_from_db()
    assert (case.source, case.severity, case.opened_by, case.opening_reason, case.item_label) == (
        CaseSource.MANUAL, Severity.SERIOUS, admin, "群众来电反映", "问题D")
    assert (case.party_kind, case.party_place) == (ResponsibleParty.UNIT, world.u)
    event = case.events.get()
    assert (event.kind, event.actor, event.actor_name, event.note) == (
        EventKind.OPENED, admin, admin.username, "群众来电反映")
    with pytest.raises(CaseAlreadyOpen) as refused:
        case_open_manual(place=world.u, item_code="D", by=admin, reason="再报")
    assert refused.value.code == "case_already_open" and "未销号" in refused.value.message
    with pytest.raises(CaseInvalid):
        case_open_manual(place=world.u, item_code="ZZ", by=admin, reason="无此项")
    free = case_open_manual(place=world.u, item_code="ZZ", by=admin, reason="其他", item_label="垃圾桶缺盖")
    assert (free.item_label, free.severity) == ("垃圾桶缺盖", Severity.NORMAL)


def test_a_black_list_entry_opens_one_case_per_reason_and_notes_live_ones(world, monday_may_11):
    admin = world.users["admin"]
    world.inspect(world.x, {"A": "fail"}, regime=Regime.MONTHLY_COVERT)
    live = RectificationCase.objects.get()

    cases = cases_open_from_black_list(place=world.x, item_codes=["A", "C", "C"], by=admin, note="5月黑榜")

    assert [c.item_code for c in cases] == ["A", "C"] and cases[0] == live
    assert RectificationCase.objects.count() == 2
    new = RectificationCase.objects.get(item_code="C")
    assert (new.source, new.opened_by, new.opening_reason, new.covert) == (
        CaseSource.BLACK_LIST, admin, "5月黑榜", False)
    assert list(live.events.values_list("kind", "note")) == [
        (EventKind.OPENED, ""), (EventKind.BLACK_LISTED, "5月黑榜")]
    with pytest.raises(CaseInvalid):
        cases_open_from_black_list(place=world.x, item_codes=[], by=admin)
