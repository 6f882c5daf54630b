"""Plans of the two matrix streets (tests/inspections/two_streets.py), made when a route's line asks for one: the
matrix tests build each route's URL before they take their snapshot, inside the test's transaction."""

from __future__ import annotations

from checklists.models import Regime
from plans.models import Assignment, Plan
from plans.services import plan_build, plan_commit


def covert_plan(d, period: str = "2026-06", *, commit: bool = True) -> Plan:
    """The street's covert plan of `period`: committed (drawn, assigned) unless `commit` is False."""
    plan = Plan.objects.filter(street=d.street, regime=Regime.MONTHLY_COVERT, period=period).first()
    if plan is None:
        plan = plan_build(street=d.street, regime=Regime.MONTHLY_COVERT, period=period, by=d.users["admin"])
        if commit:
            plan = plan_commit(plan=plan, by=d.users["admin"])
    return plan


def covert_task(d) -> Assignment:
    return covert_plan(d).assignments.order_by("pk").first()


def task_change(d) -> dict:
    """A hand change of that task: to the street's inspector, with a reason."""
    return {"assignee": d.users["street_inspector"].pk, "due_date": "2026-06-20", "reason": "换人"}
