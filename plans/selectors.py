"""Reading plans: who may see which, how far each plan is done, and what the public may know of a covert draw.

A task (an assignment) is **done** by a counted inspection (`Inspection.objects.counted()`: complete, not voided,
scored, not awaiting a scope review) of the plan's regime, inspected within the plan's period, at the place or at
one of its bin stations (as the dashboard's coverage counts). Done after the task's due date (end of that local
day) but within the period: **late**. Due dates are the period's last day unless changed by hand, so a task is
late only when its due date was moved earlier. Otherwise: **not done**.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Max, Min, Q, QuerySet

from checklists.models import PlaceKind, Regime
from inspections.models import Inspection
from inspections.scopes import is_staff_reader, role_of, street_q

from .models import Assignment, CovertDraw, Plan

DONE, LATE, NOT_DONE = "done", "late", "not_done"
PUBLIC_STATES = (Plan.State.COMMITTED, Plan.State.REVEALED)


def plans_visible_to(user: AbstractBaseUser | AnonymousUser | None) -> QuerySet[Plan]:
    """Street staff (admin, street inspector) see their street's plans; nobody else sees a plan as such."""
    if not is_staff_reader(user):
        return Plan.objects.none()
    return Plan.objects.filter(street_q(user, "street"))


def assignments_visible_to(user: AbstractBaseUser | AnonymousUser | None) -> QuerySet[Assignment]:
    """Street staff: every assignment of their street. Anyone else who inspects: their own, never of a covert plan
    (a covert task is for street staff only, DESIGN.md). Office and company users: nothing."""
    if is_staff_reader(user):
        return Assignment.objects.filter(street_q(user, "plan__street"))
    if role_of(user) is None:
        return Assignment.objects.none()
    return Assignment.objects.filter(street_q(user, "plan__street"), assignee=user).exclude(
        plan__regime=Regime.MONTHLY_COVERT)


@dataclass(frozen=True)
class Task:
    assignment: Assignment
    status: str
    done_at: object  # the first counted inspection's time, or None


def task_statuses(plan: Plan) -> list[Task]:
    """Every assignment of the plan with its status (module docstring), by place code. Two queries."""
    assignments = list(plan.assignments.select_related("place__parent", "assignee__profile").order_by("place__code"))
    start, end = plan.bounds()
    ids = [a.place_id for a in assignments]
    firsts = (
        Inspection.objects.counted()
        .filter(regime=plan.regime, inspected_at__gte=start, inspected_at__lt=end)
        .filter(Q(place_id__in=ids) | Q(place__kind=PlaceKind.BIN_STATION, place__parent_id__in=ids))
        .values_list("place_id", "place__kind", "place__parent_id").annotate(first=Min("inspected_at"))
        .order_by()
    )
    first_at: dict[int, object] = {}
    for place_id, kind, parent_id, first in firsts:
        target = parent_id if kind == PlaceKind.BIN_STATION else place_id
        first_at[target] = min(first, first_at.get(target, first))
    tasks = []
    for a in assignments:
        first = first_at.get(a.place_id)
        status = NOT_DONE if first is None else (DONE if first < a.due_end() else LATE)
        tasks.append(Task(a, status, first))
    return tasks


def _tally(tasks: list[Task]) -> dict[str, int]:
    counts = Counter(t.status for t in tasks)
    return {"planned": len(tasks), DONE: counts[DONE], LATE: counts[LATE], NOT_DONE: counts[NOT_DONE]}


def plan_coverage(plan: Plan, tasks: list[Task] | None = None) -> dict:
    """Planned, done, late and not done: in all, per community (by name) and per inspector (by name; unassigned
    tasks under None)."""
    tasks = task_statuses(plan) if tasks is None else tasks
    by_community: dict[object, list[Task]] = defaultdict(list)
    by_person: dict[object, list[Task]] = defaultdict(list)
    for task in tasks:
        by_community[task.assignment.place.parent].append(task)
        by_person[task.assignment.assignee].append(task)
    return {
        "total": _tally(tasks),
        "communities": [{"community": c, **_tally(ts)} for c, ts in sorted(by_community.items(),
                                                                         key=lambda kv: kv[0].code)],
        "people": [{"person": p, **_tally(ts)} for p, ts in sorted(
            by_person.items(), key=lambda kv: (kv[0] is None, kv[0].get_username() if kv[0] else ""))],
    }


# --- what the public may know of a covert draw -----------------------------------------------------------------


def public_facts(draw: CovertDraw) -> dict:
    """What the public may know of a committed draw: before the reveal the commitment, the eligible set (codes and
    their communities) and the sizes; the seed and the sample only once revealed. Public pages get this dict,
    never the model (whose seed_hex is there from the commitment on)."""
    revealed = draw.plan.state == Plan.State.REVEALED
    return {
        "pk": draw.pk, "street": draw.plan.street.name, "period": draw.plan.period,
        "commitment": draw.commitment, "committed_at": draw.committed_at, "eligible": draw.eligible,
        "n": draw.sample_size, "community_minimum": draw.community_minimum, "revealed": revealed,
        "revealed_at": draw.revealed_at if revealed else None,
        "seed": draw.seed_hex if revealed else "", "sample": list(draw.sample) if revealed else [],
    }


def outside_sample(draw: CovertDraw) -> dict[str, int]:
    """After the reveal: released counted covert inspections of the draw's month at places outside the sample
    (or at their bin stations), as place code → count. Released only (published on a list): the public page
    must not tell of covert visits that no list has shown yet."""
    plan = draw.plan
    start, end = plan.bounds()
    sampled = set(draw.sample)
    rows = (
        Inspection.objects.counted()
        .filter(place__street_id=plan.street_id, regime=plan.regime, inspected_at__gte=start, inspected_at__lt=end,
                covert_released_at__isnull=False)
        .values_list("place__code", "place__kind", "place__parent__code")
    )
    out: Counter[str] = Counter()
    for code, kind, parent_code in rows:
        target = parent_code if kind == PlaceKind.BIN_STATION else code
        if target not in sampled:
            out[target] += 1
    return dict(sorted(out.items()))


def public_draws(limit: int = 6) -> list[dict]:
    """Committed and revealed draws, newest month first, as `public_facts`."""
    draws = (CovertDraw.objects.filter(plan__state__in=PUBLIC_STATES).select_related("plan__street")
             .order_by("-plan__period", "plan__street__name")[:limit])
    return [public_facts(draw) for draw in draws]


def public_draws_stamp() -> str:
    """Changes whenever a draw is committed or revealed: a part of cached public pages' keys."""
    stamp = CovertDraw.objects.filter(plan__state__in=PUBLIC_STATES).aggregate(
        n=Count("pk"), revealed=Count("pk", filter=Q(plan__state=Plan.State.REVEALED)),
        committed_at=Max("committed_at"), revealed_at=Max("revealed_at"))
    moments = ["none" if stamp[k] is None else str(int(stamp[k].timestamp() * 1_000_000))
               for k in ("committed_at", "revealed_at")]
    return ":".join([str(stamp["n"]), str(stamp["revealed"]), *moments])
