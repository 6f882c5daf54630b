"""Desk pages for street staff under /staff/plans/: the plans of a street with their coverage, building and
committing a plan, revealing a covert seed, changing a task. Reading: street staff; writing: street admins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from checklists.models import Regime
from checklists.periods import REGIME_PERIOD, period_bounds, period_of
from inspections.desk import staff_reader_required, street_admin_required
from inspections.errors import DomainError
from inspections.models import Role
from inspections.scopes import can_inspect, role_of, streets_of

from .models import Assignment, Plan
from .selectors import plan_coverage, plans_visible_to, task_statuses
from .services import assignment_change, plan_build, plan_commit, plan_reveal

LISTED = 36  # plans shown on the list page, newest period first


def _page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    return render(request, f"plans/staff/{template}", context)


def _int(raw: str | None) -> int:
    try:
        return int(raw or 0)
    except ValueError:
        return 0


def _suggestions(now: dt.datetime) -> list[dict]:
    """For each regime: this period and the next, the build form's buttons."""
    out = []
    for regime, label in Regime.choices:
        kind = REGIME_PERIOD[regime]
        current = period_of(kind, now)
        following = period_of(kind, period_bounds(kind, current)[1] + dt.timedelta(hours=1))
        out.append({"regime": regime, "label": label, "periods": [current, following]})
    return out


@staff_reader_required
def plan_list(request: HttpRequest) -> HttpResponse:
    streets = list(streets_of(request.user))
    street = next((s for s in streets if str(s.pk) == request.GET.get("street")), streets[0] if streets else None)
    rows = []
    if street is not None:
        for plan in plans_visible_to(request.user).filter(street=street)[:LISTED]:
            rows.append({"plan": plan, "coverage": plan_coverage(plan)["total"]})
    return _page(request, "plans.html", {
        "title": _("检查计划"), "streets": streets, "street": street, "rows": rows,
        "can_manage": role_of(request.user) == Role.ADMIN, "suggestions": _suggestions(timezone.now()),
    })


@require_POST
@street_admin_required
def plan_build_view(request: HttpRequest) -> HttpResponse:
    street = get_object_or_404(streets_of(request.user), pk=_int(request.POST.get("street")))
    regime, period = request.POST.get("regime", ""), request.POST.get("period", "").strip()
    if regime not in Regime.values:
        messages.error(request, _("请选择检查制度"))
        return redirect("staff-plans")
    try:
        plan = plan_build(street=street, regime=regime, period=period, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("staff-plans")
    return redirect("staff-plan", pk=plan.pk)


@staff_reader_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(plans_visible_to(request.user).select_related("street"), pk=pk)
    tasks = task_statuses(plan)
    draw = getattr(plan, "draw", None) if plan.is_covert else None
    revealed = plan.state == Plan.State.REVEALED
    return _page(request, "plan.html", {
        "title": str(plan), "plan": plan, "draw": draw, "tasks": tasks, "coverage": plan_coverage(plan, tasks),
        # Not even street staff see the seed before the reveal: nobody can tell the sample from it in advance.
        "seed": draw.seed_hex if draw and revealed else "", "can_manage": role_of(request.user) == Role.ADMIN,
    })


def plan_action(action: Callable[..., Plan]) -> Callable:
    """A street admin's POST on one of their street's plans, calling one service; a refusal becomes a message."""
    @require_POST
    @street_admin_required
    @wraps(action)
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        plan = get_object_or_404(plans_visible_to(request.user), pk=pk)
        try:
            action(plan=plan, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("staff-plan", pk=pk)
    return view


plan_commit_view = plan_action(plan_commit)
plan_reveal_view = plan_action(plan_reveal)


def _candidates(assignment: Assignment) -> list:
    """The street's active people who may do this task (scopes.can_inspect), by username."""
    people = get_user_model().objects.filter(is_active=True, profile__street=assignment.plan.street_id)
    return [u for u in people.select_related("profile").order_by("username")
            if can_inspect(u, assignment.place, assignment.plan.regime)]


@street_admin_required
def assignment_change_view(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(
        Assignment.objects.select_related("plan__street", "place", "assignee"),
        pk=pk, plan__in=plans_visible_to(request.user),
    )
    candidates = _candidates(assignment)
    if request.method == "POST":
        chosen = _int(request.POST.get("assignee"))
        assignee = next((u for u in candidates if u.pk == chosen), None)
        if chosen and assignee is None:
            raise PermissionDenied  # not someone who may do this task (the form offers only those)
        try:
            due = dt.date.fromisoformat(request.POST.get("due_date", ""))
            assignment_change(assignment=assignment, assignee=assignee, due_date=due,
                              reason=request.POST.get("reason", ""), by=request.user)
        except ValueError:
            messages.error(request, _("截止日期不正确"))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已调整"))
            return redirect("staff-plan", pk=assignment.plan_id)
    return _page(request, "assignment.html", {
        "title": _("调整检查任务"), "assignment": assignment, "candidates": candidates,
    })
