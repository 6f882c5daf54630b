"""Answer, re-check, withdraw: each step a service with a timeline event; illegal steps refused in words."""

import datetime as dt
import uuid

import pytest

from inspections.errors import DomainError, ReasonRequired
from inspections.models import AppendOnlyError
from rectifications.errors import CaseConflict, CaseInvalid, IllegalTransition
from rectifications.models import CaseEvent, CaseState, EventKind, RectificationCase
from rectifications.services import case_answer, case_recheck, case_recheck_schedule, case_withdraw

from .world import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world, monday_may_11) -> RectificationCase:
    """Case ZG-2026-0001 at bin station XB (company PC1), opened Monday 11 May, due Monday 18 May."""
    world.inspect(world.xb, {"A": "fail"})
    return RectificationCase.objects.get()


def kinds(case: RectificationCase) -> list[str]:
    return list(case.events.values_list("kind", flat=True))


def test_the_party_answers_with_a_note(world, case):
    party = world.users["company"]
    with pytest.raises(CaseInvalid):
        case_answer(case=case, by=party, note=" ")

    case_answer(case=case, by=party, note="已清洗桶身并张贴标识")

    case.refresh_from_db()
    assert case.state == CaseState.ANSWERED
    answered = case.events.get(kind=EventKind.ANSWERED)
    assert (answered.actor, answered.note) == (party, "已清洗桶身并张贴标识")
    with pytest.raises(IllegalTransition) as refused:
        case_answer(case=case, by=party, note="再次回复")
    assert refused.value.code == "illegal_transition"
    assert refused.value.message == "整改案件 ZG-2026-0001 当前为“已回复”，不能回复。"


def test_a_fixed_recheck_closes_the_case(world, case, monday_may_11):
    case_answer(case=case, by=world.users["company"], note="已整改")
    monday_may_11.shift(dt.timedelta(days=1))

    case_recheck(case=case, by=world.users["inspector"], fixed=True, note="复查合格")

    case.refresh_from_db()
    assert (case.state, case.closed_at) == (CaseState.CLOSED, local(2026, 5, 12))
    assert kinds(case) == [EventKind.OPENED, EventKind.ANSWERED, EventKind.CLOSED]
    with pytest.raises(IllegalTransition):
        case_recheck(case=case, by=world.users["inspector"], fixed=False)
    with pytest.raises(IllegalTransition):
        case_withdraw(case=case, by=world.users["admin"], reason="晚了")


def test_not_fixed_reopens_with_a_new_deadline_and_twice_escalates(world, case, monday_may_11):
    inspector = world.users["inspector"]
    case_answer(case=case, by=world.users["company"], note="已整改")
    monday_may_11.move_to(local(2026, 5, 13))  # Wednesday

    case_recheck(case=case, by=inspector, fixed=False, note="仍有混投")

    case.refresh_from_db()
    assert (case.state, case.deadline) == (CaseState.OPEN, dt.date(2026, 5, 20))  # 5 working days from Wednesday
    reopened = case.events.get(kind=EventKind.REOPENED)
    assert (reopened.deadline, reopened.actor, reopened.note, reopened.details) == (
        dt.date(2026, 5, 20), inspector, "仍有混投", {"failed_rechecks": 1})

    case_answer(case=case, by=world.users["company"], note="再次整改")
    monday_may_11.move_to(local(2026, 5, 15))
    case_recheck(case=case, by=inspector, fixed=False)

    case.refresh_from_db()
    assert (case.state, case.deadline) == (CaseState.ESCALATED, dt.date(2026, 5, 22))
    assert kinds(case) == [EventKind.OPENED, EventKind.ANSWERED, EventKind.REOPENED, EventKind.ANSWERED,
                           EventKind.ESCALATED]
    # Escalated: the party may still answer (the case stays with the street admin), and a fixed re-check closes it.
    case_answer(case=case, by=world.users["company"], note="第三次整改")
    assert RectificationCase.objects.get().state == CaseState.ESCALATED
    case_recheck(case=case, by=inspector, fixed=True)
    assert RectificationCase.objects.get().state == CaseState.CLOSED


def test_an_open_case_is_rechecked_only_once_overdue(world, case, monday_may_11):
    inspector = world.users["inspector"]
    with pytest.raises(IllegalTransition):
        case_recheck(case=case, by=inspector, fixed=True)
    with pytest.raises(IllegalTransition):
        case_recheck_schedule(case=case, by=inspector)

    monday_may_11.move_to(local(2026, 5, 19, 0, 0))  # the deadline, 18 May, is over
    case_recheck_schedule(case=case, by=inspector, note="逾期未回复，安排回头看")
    assert RectificationCase.objects.get().state == CaseState.RECHECK_DUE
    case_recheck(case=case, by=inspector, fixed=False)

    case.refresh_from_db()
    assert (case.state, case.deadline) == (CaseState.OPEN, dt.date(2026, 5, 26))
    assert kinds(case) == [EventKind.OPENED, EventKind.RECHECK_DUE, EventKind.REOPENED]


def test_withdrawing_needs_a_reason(world, case, monday_may_11):
    admin = world.users["admin"]
    with pytest.raises(ReasonRequired) as refused:
        case_withdraw(case=case, by=admin, reason="   ")
    assert refused.value.code == "reason_required"
    assert RectificationCase.objects.get().state == CaseState.OPEN and kinds(case) == [EventKind.OPENED]

    case_withdraw(case=case, by=admin, reason="点位已撤销")

    case.refresh_from_db()
    assert (case.state, case.withdraw_reason, case.withdrawn_at) == (
        CaseState.WITHDRAWN, "点位已撤销", local(2026, 5, 11))
    assert case.events.get(kind=EventKind.WITHDRAWN).note == "点位已撤销"
    with pytest.raises(IllegalTransition):
        case_answer(case=case, by=world.users["company"], note="已整改")


def test_an_answer_or_recheck_replayed_under_its_client_uuid_writes_nothing(world, case):
    party = world.users["company"]
    answer_uuid = uuid.uuid4()
    case_answer(case=case, by=party, note="已整改", client_uuid=answer_uuid, fingerprint="a" * 64)
    case_answer(case=case, by=party, note="已整改", client_uuid=answer_uuid, fingerprint="a" * 64)
    assert kinds(case) == [EventKind.OPENED, EventKind.ANSWERED]

    with pytest.raises(CaseConflict) as conflict:
        case_answer(case=case, by=party, note="别的", client_uuid=answer_uuid, fingerprint="b" * 64)
    assert conflict.value.code == "conflict" and conflict.value.extra == {"fingerprint": "a" * 64}

    recheck_uuid = uuid.uuid4()
    for _ in range(2):
        case_recheck(case=case, by=world.users["inspector"], fixed=True, client_uuid=recheck_uuid,
                     fingerprint="c" * 64)
    with pytest.raises(CaseConflict) as taken:
        case_recheck(case=case, by=world.users["inspector"], fixed=True, client_uuid=answer_uuid,
                     fingerprint="a" * 64)
    assert taken.value.code == "uuid_taken"
    assert kinds(case) == [EventKind.OPENED, EventKind.ANSWERED, EventKind.CLOSED]


def test_the_timeline_is_append_only(case):
    event = CaseEvent.objects.get()
    event.note = "改写"
    for attempt in (event.save, event.delete, lambda: CaseEvent.objects.update(note="x"),
                    lambda: CaseEvent.objects.all().delete()):
        with pytest.raises(AppendOnlyError):
            attempt()
    assert CaseEvent.objects.get().note == ""


def test_every_refusal_is_a_domain_error(world, case):
    case_withdraw(case=case, by=world.users["admin"], reason="误立案")
    with pytest.raises(DomainError):
        case_recheck(case=case, by=world.users["inspector"], fixed=True)
