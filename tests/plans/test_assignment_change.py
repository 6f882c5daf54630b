"""Changing a task by hand: a reason, someone who may do it, a due date in the period; audit-logged."""

from __future__ import annotations

import datetime as dt

import pytest

from checklists.models import Regime
from inspections.errors import ReasonRequired
from inspections.models import AuditAction, AuditEvent
from plans.services import PlanRefused, assignment_change, plan_build


@pytest.fixture
def task(ps):
    plan = plan_build(street=ps.street, regime=Regime.WEEKLY_GUIDANCE, period="2026-W23", by=ps.users["chief"])
    return plan.assignments.get(place=ps.places["P4"])  # ins-c's, in K2


def test_a_change_is_stored_and_audit_logged_with_its_reason(ps, task):
    chief = ps.users["chief"]
    assignment_change(assignment=task, assignee=ps.users["insp-1"], due_date=dt.date(2026, 6, 5),
                      reason="社区指导员请假", by=chief)

    task.refresh_from_db()
    assert task.assignee == ps.users["insp-1"] and task.due_date == dt.date(2026, 6, 5) and task.changed_by_hand
    event = AuditEvent.objects.get(action=AuditAction.ASSIGNMENT_CHANGE)
    assert (event.actor, event.reason, event.street_id, event.target_id) == (chief, "社区指导员请假", ps.street.pk,
                                                                            str(task.pk))
    assert event.details["before"] == {"assignee": "ins-c", "due_date": "2026-06-07"}
    assert event.details["after"] == {"assignee": "insp-1", "due_date": "2026-06-05"}


@pytest.mark.parametrize(("change", "error", "code"), [
    ({"reason": "  "}, ReasonRequired, "reason_required"),
    ({"assignee": "ins-a"}, PlanRefused, "bad_assignee"),  # K1's instructor: not P4's community
    ({"assignee": "company"}, PlanRefused, "bad_assignee"),
    ({"due_date": dt.date(2026, 6, 8)}, PlanRefused, "bad_due_date"),  # after the week
    ({"due_date": dt.date(2026, 5, 31)}, PlanRefused, "bad_due_date"),  # before it
])
def test_a_refused_change_changes_nothing(ps, task, change, error, code):
    kwargs = {"assignee": ps.users["ins-c"], "due_date": dt.date(2026, 6, 3), "reason": "调整", **change}
    if isinstance(kwargs["assignee"], str):
        kwargs["assignee"] = ps.users[kwargs["assignee"]]
    with pytest.raises(error) as refused:
        assignment_change(assignment=task, by=ps.users["chief"], **kwargs)
    assert refused.value.code == code
    task.refresh_from_db()
    assert task.due_date == dt.date(2026, 6, 7) and not task.changed_by_hand
    assert not AuditEvent.objects.filter(action=AuditAction.ASSIGNMENT_CHANGE).exists()
