"""Overdue is derived: the deadline in force (end of that working day, Shanghai) passed, not closed or withdrawn by
then; answerable for any past instant from the timeline. Counts per place as SCORING.md §5 attributes them."""

import pytest

from rectifications.models import RectificationCase
from rectifications.selectors import case_counts_at, case_standing, is_overdue
from rectifications.services import case_answer, case_open_manual, case_recheck, case_withdraw

from .world import local

pytestmark = pytest.mark.django_db


def open_case(world, traveller, place, when, code="A"):
    traveller.move_to(when)
    world.inspect(place, {code: "fail"}, when=when)
    return RectificationCase.objects.get(place=place, item_code=code, closed_at=None, withdrawn_at=None)


def test_a_holiday_deadline(world, monday_may_11):
    case = open_case(world, monday_may_11, world.xb, local(2026, 5, 4))
    assert str(case.deadline) == "2026-05-11"
    assert not is_overdue(case, local(2026, 5, 11, 23)) and is_overdue(case, local(2026, 5, 12))


def test_overdue_from_the_end_of_the_deadline_day(world, monday_may_11):
    case = open_case(world, monday_may_11, world.x, local(2026, 5, 11))  # due Monday 18 May
    assert not is_overdue(case, local(2026, 5, 18, 23, 59))
    assert is_overdue(case, local(2026, 5, 19, 0, 0))
    assert not is_overdue(case, local(2026, 5, 10))  # before it was opened: no case, nothing overdue
    assert is_overdue(case, local(2026, 5, 19, 0, 0)) and case_standing(case, local(2026, 5, 19)).live


def test_a_closed_case_was_overdue_only_between_its_deadline_and_its_close(world, monday_may_11):
    case = open_case(world, monday_may_11, world.x, local(2026, 5, 11))
    case_answer(case=case, by=world.users["company"], note="已整改")
    monday_may_11.move_to(local(2026, 5, 20, 9))
    case_recheck(case=case, by=world.users["inspector"], fixed=True)

    assert not is_overdue(case, local(2026, 5, 18, 12))
    assert is_overdue(case, local(2026, 5, 19, 12))  # asked today about a past instant: it was overdue then
    assert not is_overdue(case, local(2026, 5, 20, 9))  # closed by then
    assert not is_overdue(case, local(2026, 6, 1))
    assert not case_standing(case, local(2026, 6, 1)).live


def test_closed_in_time_is_never_overdue(world, monday_may_11):
    case = open_case(world, monday_may_11, world.x, local(2026, 5, 11))
    case_answer(case=case, by=world.users["company"], note="已整改")
    monday_may_11.move_to(local(2026, 5, 18, 17))
    case_recheck(case=case, by=world.users["inspector"], fixed=True)
    assert not any(is_overdue(case, local(2026, 5, day)) for day in range(11, 32))


def test_the_deadline_in_force_is_the_one_set_by_then(world, monday_may_11):
    case = open_case(world, monday_may_11, world.x, local(2026, 5, 11))
    case_answer(case=case, by=world.users["company"], note="已整改")
    monday_may_11.move_to(local(2026, 5, 15, 9))  # Friday: not fixed, due again Friday 22 May
    case_recheck(case=case, by=world.users["inspector"], fixed=False)

    assert not is_overdue(case, local(2026, 5, 19, 12))  # the new deadline was set before the old one passed
    assert is_overdue(case, local(2026, 5, 23))
    assert is_overdue(RectificationCase.objects.get(), local(2026, 5, 23))


def test_a_recheck_after_the_deadline_does_not_rewrite_the_past(world, monday_may_11):
    case = open_case(world, monday_may_11, world.x, local(2026, 5, 11))
    case_answer(case=case, by=world.users["company"], note="已整改")
    monday_may_11.move_to(local(2026, 5, 20, 9))
    case_recheck(case=case, by=world.users["inspector"], fixed=False)  # due again 27 May

    assert is_overdue(case, local(2026, 5, 19, 12))
    assert not is_overdue(case, local(2026, 5, 21))


def test_a_withdrawn_case_is_not_overdue_from_its_withdrawal(world, monday_may_11):
    case = open_case(world, monday_may_11, world.x, local(2026, 5, 11))
    monday_may_11.move_to(local(2026, 5, 25))
    case_withdraw(case=case, by=world.users["admin"], reason="误立案")
    assert is_overdue(case, local(2026, 5, 24)) and not is_overdue(case, local(2026, 5, 26))


def test_counts_roll_up_as_the_lists_read_them(world, monday_may_11):
    admin = world.users["admin"]
    # Opened in the Labour Day holiday (1–5 May): due 11 May, Saturday 9 May being worked; overdue by June.
    open_case(world, monday_may_11, world.xb, local(2026, 5, 4))
    open_case(world, monday_may_11, world.x, local(2026, 5, 25))  # due 1 June: live, not overdue
    open_case(world, monday_may_11, world.z, local(2026, 5, 4), code="D")  # company PC1 too, community K2
    open_case(world, monday_may_11, world.yb, local(2026, 5, 4))  # compound Y, no company
    open_case(world, monday_may_11, world.ub, local(2026, 5, 4))  # a unit's bin station
    open_case(world, monday_may_11, world.k, local(2026, 5, 4))
    monday_may_11.move_to(local(2026, 5, 6))
    case_open_manual(place=world.u, item_code="ZZ", by=admin, reason="来电", item_label="桶缺盖")
    withdrawn = RectificationCase.objects.get(place=world.u)
    monday_may_11.move_to(local(2026, 5, 7))
    case_withdraw(case=withdrawn, by=admin, reason="重复")
    open_case(world, monday_may_11, world.y, local(2026, 6, 2))  # opened after the instant

    counts = case_counts_at(street_id=world.street.pk, at=local(2026, 6, 1, 0))  # the end of May

    def of(place):
        got = counts.places.get(place.pk)
        return (got.open, got.overdue) if got else (0, 0)

    assert of(world.xb) == (1, 1)
    assert of(world.x) == (2, 1)  # its own and its bin station's
    assert of(world.y) == (1, 1) and of(world.yb) == (1, 1)
    assert of(world.z) == (1, 1)
    assert of(world.k) == (1, 1)  # a community counts its own cases only
    assert of(world.u) == (0, 0) and of(world.ub) == (1, 1)  # withdrawn; a unit's bin station is not rolled up
    company = counts.companies[world.company.pk]
    assert (company.open, company.overdue) == (3, 2)  # X, XB and Z
    assert list(counts.companies) == [world.company.pk]
