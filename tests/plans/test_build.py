"""Building plans (plans/services.py): weekly, quarterly, and the covert draft, commit and reveal."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine

from checklists.models import Regime
from inspections.models import AuditAction, AuditEvent, Place
from plans.draw import draw_sample
from plans.models import Assignment, Plan
from plans.services import PlanRefused, plan_build, plan_commit, plan_reveal

COVERT, WEEKLY, QUARTERLY = Regime.MONTHLY_COVERT, Regime.WEEKLY_GUIDANCE, Regime.QUARTERLY_ASSESSMENT


def _tasks(plan: Plan) -> dict[str, str | None]:
    return {a.place.code: (a.assignee.username if a.assignee else None)
            for a in plan.assignments.select_related("place", "assignee")}


def test_a_weekly_plan_covers_every_active_compound_once_given_to_its_communitys_instructors(ps):
    plan = plan_build(street=ps.street, regime=WEEKLY, period="2026-W23", by=ps.users["chief"])

    tasks = _tasks(plan)
    active = set(Place.objects.filter(street=ps.street, kind="compound", status="active")
                 .values_list("code", flat=True))
    assert set(tasks) == active and len(tasks) == plan.assignments.count() == 6
    assert {tasks[f"PS-{p}"] for p in ("P1", "P2", "P3")} == {"ins-a", "ins-b"}
    assert sorted(Counter(tasks[f"PS-{p}"] for p in ("P1", "P2", "P3")).values()) == [1, 2]
    assert tasks["PS-P4"] == tasks["PS-P5"] == "ins-c"
    assert tasks["PS-P6"] is None  # K3 has no instructor
    assert set(plan.assignments.values_list("due_date", flat=True)) == {datetime(2026, 6, 7).date()}
    assert plan.state == Plan.State.DRAFT
    event = AuditEvent.objects.get(action=AuditAction.PLAN_BUILD)
    assert event.actor == ps.users["chief"] and event.target_id == str(plan.pk) and event.details["places"] == 6

    assert plan_build(street=ps.street, regime=WEEKLY, period="2026-W23", by=None).pk == plan.pk  # a draft: again
    assert _tasks(plan) == tasks
    plan_commit(plan=plan, by=ps.users["chief"])
    plan.refresh_from_db()
    assert plan.state == Plan.State.ACTIVE and plan.activated_at is not None
    with pytest.raises(PlanRefused) as refused:
        plan_build(street=ps.street, regime=WEEKLY, period="2026-W23", by=None)
    assert refused.value.code == "plan_exists"


def test_a_quarterly_plan_covers_compounds_and_units_balanced_among_street_inspectors(ps):
    plan = plan_build(street=ps.street, regime=QUARTERLY, period="2026-Q3", by=ps.users["chief"])

    tasks = _tasks(plan)
    assert set(tasks) == {f"PS-{p}" for p in ("P1", "P2", "P3", "P4", "P5", "P6", "U1")}
    assert sorted(Counter(tasks.values()).values()) == [3, 4] and set(tasks.values()) == {"insp-1", "insp-2"}
    assert set(plan.assignments.values_list("due_date", flat=True)) == {datetime(2026, 9, 30).date()}


def test_a_bad_period_is_refused(ps):
    with pytest.raises(PlanRefused) as refused:
        plan_build(street=ps.street, regime=COVERT, period="2026-W23", by=None)
    assert refused.value.code == "bad_period" and not Plan.objects.exists()


@time_machine.travel(datetime(2026, 5, 28, 2, 0, tzinfo=UTC), tick=False)
def test_a_covert_plan_is_drawn_when_committed_and_the_commitment_matches_the_seed(ps, settings):
    settings.COVERT_SAMPLE_SHARE, settings.COVERT_SAMPLE_MIN = Decimal("0.2"), 1
    plan = plan_build(street=ps.street, regime=COVERT, period="2026-06", by=ps.users["chief"])
    draw = plan.draw
    eligible = [["PS-P1", "PS-K1"], ["PS-P2", "PS-K1"], ["PS-P3", "PS-K1"], ["PS-P4", "PS-K2"], ["PS-P5", "PS-K2"],
                ["PS-P6", "PS-K3"], ["PS-U1", "PS-K1"]]
    assert draw.eligible == eligible and draw.sample_size == 2 and draw.community_minimum == 1
    assert draw.seed_hex == draw.commitment == "" and draw.sample == [] and not plan.assignments.exists()

    plan = plan_commit(plan=plan, by=ps.users["chief"])

    draw.refresh_from_db()
    seed = bytes.fromhex(draw.seed_hex)
    assert len(seed) == 32 and draw.commitment == hashlib.sha256(seed).hexdigest()
    assert draw.sample == draw_sample(seed, [tuple(p) for p in eligible], 2, 1)
    assert {"PS-K1", "PS-K2", "PS-K3"} == {dict(eligible)[c] for c in draw.sample}  # one per community at least
    assert plan.state == Plan.State.COMMITTED and draw.committed_at is not None and draw.revealed_at is None
    tasks = _tasks(plan)
    assert sorted(tasks) == draw.sample
    assert set(tasks.values()) <= {"insp-1", "insp-2"} and max(Counter(tasks.values()).values()) - min(
        Counter(tasks.values()).values()) <= 1
    commit = AuditEvent.objects.get(action=AuditAction.PLAN_COMMIT)
    assert commit.details["commitment"] == draw.commitment and draw.seed_hex not in str(commit.details)

    with pytest.raises(PlanRefused) as refused:
        plan_commit(plan=plan, by=ps.users["chief"])  # no second draw
    assert refused.value.code == "not_draft"
    with pytest.raises(PlanRefused) as refused:
        plan_reveal(plan=plan, by=ps.users["chief"])  # June is not over
    assert refused.value.code == "too_early"
    plan.refresh_from_db()
    assert plan.state == Plan.State.COMMITTED

    plan = plan_reveal(plan=plan, by=ps.users["chief"], now=datetime(2026, 6, 30, 16, 0, tzinfo=UTC))
    draw.refresh_from_db()
    assert plan.state == Plan.State.REVEALED and draw.revealed_at == datetime(2026, 6, 30, 16, 0, tzinfo=UTC)
    assert AuditEvent.objects.get(action=AuditAction.PLAN_REVEAL).details["seed"] == draw.seed_hex
    assert Assignment.objects.filter(plan=plan).count() == len(draw.sample)
