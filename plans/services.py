"""Writing plans: build, commit (activate), reveal, change an assignment. Each in one transaction, audit-logged.

Who gets what (balance.py): weekly guidance → the instructors of the compound's community; quarterly assessment
and monthly covert → the street's inspectors. A covert plan's seed is made only when it is committed, inside that
transaction, and the sample follows from it at once: nobody can draw, look and draw again.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from checklists.models import UNIT_KINDS, PlaceKind, Regime
from checklists.periods import REGIME_PERIOD, parse_period
from inspections.errors import DomainError, ReasonRequired
from inspections.models import AuditAction, Place, Role, Street
from inspections.scopes import can_inspect
from inspections.services.audit import audit_record

from .balance import Spot, share_out
from .draw import commitment_of, draw_sample, new_seed, sample_size
from .models import Assignment, CovertDraw, Plan


class PlanRefused(DomainError):
    """A plan action that cannot be done now (`plan_exists`, `not_draft`, `not_committed`, `too_early`,
    `bad_period`, `bad_assignee`, `bad_due_date`)."""


PLACE_KINDS = {
    Regime.WEEKLY_GUIDANCE: (PlaceKind.COMPOUND,),
    Regime.MONTHLY_COVERT: (PlaceKind.COMPOUND, *UNIT_KINDS),
    Regime.QUARTERLY_ASSESSMENT: (PlaceKind.COMPOUND, *UNIT_KINDS),
}


def planned_places(street: Street, regime: str) -> list[Place]:
    """The active places a plan of `regime` covers (or draws from): compounds; for covert and quarterly also
    units. Only places under an active community."""
    return list(
        Place.objects.filter(street=street, kind__in=PLACE_KINDS[regime], status=Place.Status.ACTIVE,
                             parent__status=Place.Status.ACTIVE)
        .select_related("parent").order_by("code")
    )


def _people(street: Street, role: str):
    return get_user_model().objects.filter(is_active=True, profile__street=street, profile__role=role)


def _spot(place: Place) -> Spot:
    located = place.lat is not None and place.lng is not None
    return Spot(place.code, float(place.lat) if located else None, float(place.lng) if located else None)


def _assignees(street: Street, regime: str, places: list[Place]) -> dict[int, int | None]:
    """Place id → user id, balanced (balance.share_out)."""
    users = {}
    if regime == Regime.WEEKLY_GUIDANCE:
        by_community: dict[int, list[Place]] = defaultdict(list)
        for place in places:
            by_community[place.parent_id].append(place)
        instructors = _people(street, Role.COMMUNITY_INSPECTOR).values_list("username", "pk", "profile__communities")
        per_community: dict[int, dict[str, int]] = defaultdict(dict)
        for username, pk, community_id in instructors:
            per_community[community_id][username] = pk
        for community_id, group in by_community.items():
            people = per_community.get(community_id, {})
            shared = share_out([_spot(p) for p in group], list(people))
            users.update({p.pk: people.get(shared[p.code]) for p in group})
        return users
    people = dict(_people(street, Role.STREET_INSPECTOR).values_list("username", "pk"))
    shared = share_out([_spot(p) for p in places], list(people))
    return {p.pk: people.get(shared[p.code]) for p in places}


def _assign(plan: Plan, places: list[Place]) -> None:
    users = _assignees(plan.street, plan.regime, places)
    due = plan.last_day()
    Assignment.objects.bulk_create(
        Assignment(plan=plan, place=p, assignee_id=users[p.pk], due_date=due) for p in places
    )


def _eligible(places: list[Place]) -> list[list[str]]:
    return [[p.code, p.parent.code] for p in sorted(places, key=lambda p: p.code)]


def _check_period(regime: str, period: str) -> None:
    try:
        parse_period(REGIME_PERIOD[regime], period)
    except (ValueError, KeyError):
        raise PlanRefused("bad_period", _("周期不正确：%(period)s") % {"period": period}) from None


@transaction.atomic
def plan_build(*, street: Street, regime: str, period: str, by: AbstractBaseUser | None) -> Plan:
    """A draft plan for the street, regime and period; a draft of the same is built again from today's places.

    Weekly and quarterly: every planned place, assigned. Covert: the eligible set and the sample size, for review;
    nothing is drawn until `plan_commit`."""
    _check_period(regime, period)
    plan, created = Plan.objects.select_for_update().get_or_create(
        street=street, regime=regime, period=period, defaults={"created_by": by}
    )
    if plan.state != Plan.State.DRAFT:
        raise PlanRefused("plan_exists", _("该周期的计划已生效，不能重新制定"))
    plan.assignments.all().delete()
    places = planned_places(street, regime)
    if plan.is_covert:
        CovertDraw.objects.update_or_create(plan=plan, defaults={
            "eligible": _eligible(places),
            "sample_size": sample_size(len(places), share=settings.COVERT_SAMPLE_SHARE,
                                       minimum=settings.COVERT_SAMPLE_MIN),
            "community_minimum": settings.COVERT_COMMUNITY_MIN,
        })
    else:
        _assign(plan, places)
    audit_record(actor=by, action=AuditAction.PLAN_BUILD, street=street, target=plan,
                 details={"regime": regime, "period": period, "places": len(places), "rebuilt": not created})
    return plan


@transaction.atomic
def plan_commit(*, plan: Plan, by: AbstractBaseUser | None) -> Plan:
    """Weekly and quarterly: the draft becomes the plan in force. Covert: the eligible set and size are taken again
    from today's places, a seed is made, its SHA-256 committed, the sample drawn and assigned."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.state != Plan.State.DRAFT:
        raise PlanRefused("not_draft", _("只有草稿计划可以生效"))
    now = timezone.now()
    details = {}
    if plan.is_covert:
        places = planned_places(plan.street, plan.regime)
        draw = plan.draw
        draw.eligible = _eligible(places)
        draw.sample_size = sample_size(len(places), share=settings.COVERT_SAMPLE_SHARE,
                                       minimum=settings.COVERT_SAMPLE_MIN)
        seed = new_seed()
        draw.seed_hex, draw.commitment, draw.committed_at = seed.hex(), commitment_of(seed), now
        draw.sample = draw_sample(seed, [tuple(pair) for pair in draw.eligible], draw.sample_size,
                                  draw.community_minimum)
        draw.save()
        sampled = set(draw.sample)
        _assign(plan, [p for p in places if p.code in sampled])
        plan.state = Plan.State.COMMITTED
        # The commitment only: the audit log is read by street admins, the seed stays secret until the reveal.
        details = {"commitment": draw.commitment, "eligible": len(draw.eligible), "n": draw.sample_size}
    else:
        plan.state = Plan.State.ACTIVE
    plan.activated_at = now
    plan.save(update_fields=["state", "activated_at"])
    audit_record(actor=by, action=AuditAction.PLAN_COMMIT, street=plan.street_id, target=plan, details=details)
    return plan


@transaction.atomic
def plan_reveal(*, plan: Plan, by: AbstractBaseUser | None, now: dt.datetime | None = None) -> Plan:
    """Publish a committed covert plan's seed. Not before its month is over: the sample would warn those in it."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.state != Plan.State.COMMITTED:
        raise PlanRefused("not_committed", _("只有已承诺的暗查计划可以揭晓"))
    now = now or timezone.now()
    if now < plan.bounds()[1]:
        raise PlanRefused("too_early", _("本月结束后才能揭晓种子"))
    plan.draw.revealed_at = now
    plan.draw.save(update_fields=["revealed_at"])
    plan.state = Plan.State.REVEALED
    plan.save(update_fields=["state"])
    audit_record(actor=by, action=AuditAction.PLAN_REVEAL, street=plan.street_id, target=plan,
                 details={"seed": plan.draw.seed_hex, "commitment": plan.draw.commitment})
    return plan


def plan_reveal_on_publication(*, street: Street, period: str, by: AbstractBaseUser | None) -> Plan | None:
    """When a month's list is published (rankings/publication.py calls this): reveal that month's committed covert
    plan, if the month is over (a list published earlier reveals nothing)."""
    plan = Plan.objects.filter(street=street, regime=Regime.MONTHLY_COVERT, period=period,
                               state=Plan.State.COMMITTED).first()
    if plan is None or timezone.now() < plan.bounds()[1]:
        return None
    return plan_reveal(plan=plan, by=by)


@transaction.atomic
def assignment_change(
    *, assignment: Assignment, assignee: AbstractBaseUser | None, due_date: dt.date, reason: str,
    by: AbstractBaseUser | None,
) -> Assignment:
    """Give a task to someone else or move its due date (inside the period). A reason is required; the change is
    audit-logged with what was before."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired("reason_required", _("请填写调整原因"))
    assignment = Assignment.objects.select_for_update().select_related("plan", "place").get(pk=assignment.pk)
    plan = assignment.plan
    if assignee is not None and not can_inspect(assignee, assignment.place, plan.regime):
        raise PlanRefused("bad_assignee", _("此人不能对该场所执行该类检查"))
    start, end = plan.bounds()
    if not start.date() <= due_date <= plan.last_day():
        raise PlanRefused("bad_due_date", _("截止日期必须在计划周期内"))
    before = {"assignee": assignment.assignee.get_username() if assignment.assignee else None,
              "due_date": assignment.due_date.isoformat()}
    assignment.assignee, assignment.due_date, assignment.changed_by_hand = assignee, due_date, True
    assignment.save(update_fields=["assignee", "due_date", "changed_by_hand"])
    after = {"assignee": assignee.get_username() if assignee else None, "due_date": due_date.isoformat()}
    audit_record(actor=by, action=AuditAction.ASSIGNMENT_CHANGE, street=plan.street_id, target=assignment,
                 reason=reason, details={"before": before, "after": after, "plan": plan.pk})
    return assignment
