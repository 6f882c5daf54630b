"""Done, late and not done (plans/selectors.py): only counted inspections of the plan's regime in its period."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import connection

from checklists.models import Regime
from inspections.models import Inspection, ScopeReview
from plans.models import Plan
from plans.selectors import DONE, LATE, NOT_DONE, plan_coverage, task_statuses
from plans.services import plan_build, plan_commit
from tests.rankings.support import add_inspection, local

QUARTERLY = Regime.QUARTERLY_ASSESSMENT


def _quarter(ps) -> Plan:
    plan = plan_build(street=ps.street, regime=QUARTERLY, period="2026-Q2", by=ps.users["chief"])
    return plan_commit(plan=plan, by=ps.users["chief"])


def _statuses(plan: Plan) -> dict[str, str]:
    return {t.assignment.place.code.removeprefix("PS-"): t.status for t in task_statuses(plan)}


def test_only_a_counted_inspection_of_the_regime_in_the_period_does_a_task(ps):
    plan = _quarter(ps)
    p, v = ps.places, ps.versions
    add_inspection(p["P1-B1"], QUARTERLY, local(2026, 5, 3), 800, versions=v)  # at its bin station: P1 done
    add_inspection(p["P2"], QUARTERLY, local(2026, 5, 3), 800, versions=v, voided=True)
    add_inspection(p["P3"], Regime.MONTHLY_COVERT, local(2026, 5, 3), 800, versions=v)  # another regime
    add_inspection(p["P4"], QUARTERLY, local(2026, 5, 3), 800, versions=v, status="awaiting_photos")
    add_inspection(p["P5"], QUARTERLY, local(2026, 3, 31), 800, versions=v)  # the quarter before
    add_inspection(p["P6"], QUARTERLY, local(2026, 5, 3), None, versions=v)  # unscored
    pending = add_inspection(p["U1"], QUARTERLY, local(2026, 6, 30, 23), 800, versions=v)
    Inspection.objects.filter(pk=pending.pk).update(scope_review=ScopeReview.PENDING)

    assert _statuses(plan) == {"P1": DONE, "P2": NOT_DONE, "P3": NOT_DONE, "P4": NOT_DONE, "P5": NOT_DONE,
                               "P6": NOT_DONE, "U1": NOT_DONE}

    Inspection.objects.filter(pk=pending.pk).update(scope_review=ScopeReview.COUNTED)  # counted by an admin
    assert _statuses(plan)["U1"] == DONE


def test_a_task_done_after_its_due_date_is_late(ps):
    plan = _quarter(ps)
    task = plan.assignments.get(place=ps.places["P2"])
    task.due_date = dt.date(2026, 5, 10)
    task.save()
    add_inspection(ps.places["P2"], QUARTERLY, local(2026, 5, 10, 23), 800, versions=ps.versions)
    assert _statuses(plan)["P2"] == DONE  # on the due date itself
    add_inspection(ps.places["P3"], QUARTERLY, local(2026, 5, 11, 0), 800, versions=ps.versions)
    plan.assignments.filter(place=ps.places["P3"]).update(due_date=dt.date(2026, 5, 10))
    assert _statuses(plan)["P3"] == LATE


def test_coverage_per_community_and_inspector_equals_a_plain_sql_count(ps):
    plan = _quarter(ps)
    add_inspection(ps.places["P1"], QUARTERLY, local(2026, 4, 3), 800, versions=ps.versions)
    add_inspection(ps.places["P4"], QUARTERLY, local(2026, 6, 3), 800, versions=ps.versions)
    add_inspection(ps.places["P4"], QUARTERLY, local(2026, 6, 4), 700, versions=ps.versions)  # one task, twice

    coverage = plan_coverage(plan)

    start, end = plan.bounds()
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT COUNT(*) FROM plans_assignment a WHERE a.plan_id = %s AND EXISTS (
                   SELECT 1 FROM inspections_inspection i JOIN inspections_place p ON p.id = i.place_id
                   WHERE (p.id = a.place_id OR (p.kind = 'bin_station' AND p.parent_id = a.place_id))
                     AND i.regime = %s AND i.status = 'complete' AND NOT i.voided AND i.score_tenths IS NOT NULL
                     AND i.scope_review <> 'pending' AND i.inspected_at >= %s AND i.inspected_at < %s)""",
            [plan.pk, QUARTERLY, start, end])
        done_sql = cursor.fetchone()[0]
    assert coverage["total"] == {"planned": 7, DONE: 2, LATE: 0, NOT_DONE: 5}
    assert done_sql == coverage["total"][DONE] + coverage["total"][LATE]
    by_community = {r["community"].code: (r["planned"], r[DONE], r[NOT_DONE]) for r in coverage["communities"]}
    assert by_community == {"PS-K1": (4, 1, 3), "PS-K2": (2, 1, 1), "PS-K3": (1, 0, 1)}
    by_person = {r["person"].username: (r["planned"], r[DONE]) for r in coverage["people"]}
    owner = {t.assignment.place.code: t.assignment.assignee.username for t in task_statuses(plan)}
    planned = Counter(owner.values())
    done = Counter(owner[code] for code in ("PS-P1", "PS-P4"))
    assert by_person == {person: (planned[person], done[person]) for person in planned}
