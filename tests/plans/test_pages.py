"""The desk pages under /staff/plans/ and the public draw: who gets what, what is stored, and the seed kept out of
every answer until the reveal."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from checklists.models import Regime
from inspections.models import AuditAction, AuditEvent
from plans.models import CovertDraw, Plan

MAY_28 = datetime(2026, 5, 28, 2, 0, tzinfo=UTC)
JULY_2 = datetime(2026, 7, 2, 2, 0, tzinfo=UTC)


def _as(ps, who: str | None) -> Client:
    client = Client()
    if who:
        client.force_login(ps.users[who])
    return client


def _answers(ps, plan: Plan) -> dict[str, str]:
    """Every page that could show a draw, as the public and as the street admin sees it."""
    public, chief = Client(), _as(ps, "chief")
    return {
        "public index": public.get("/public/").content.decode(),
        "public draw": public.get(f"/public/draws/{plan.draw.pk}/").content.decode(),
        "staff plans": chief.get("/staff/plans/").content.decode(),
        "staff plan": chief.get(f"/staff/plans/{plan.pk}/").content.decode(),
        "inspector plan": _as(ps, "insp-1").get(f"/staff/plans/{plan.pk}/").content.decode(),
    }


@pytest.mark.parametrize(("who", "status"), [
    ("chief", 200), ("insp-1", 200), ("root", 200), ("ins-a", 403), ("office", 403), ("company", 403), (None, 302),
])
def test_the_plans_page_is_for_street_staff(ps, who, status):
    response = _as(ps, who).get("/staff/plans/")
    assert response.status_code == status
    if status == 200:
        assert ("staff/plans/build/" in response.content.decode()) == (who in ("chief", "root"))


@time_machine.travel(MAY_28, tick=False)
def test_a_covert_plan_from_build_to_reveal_keeps_the_seed_out_of_every_answer_until_then(ps):
    chief = _as(ps, "chief")
    response = chief.post("/staff/plans/build/", {"street": ps.street.pk, "regime": Regime.MONTHLY_COVERT,
                                                  "period": "2026-06"})
    plan = Plan.objects.get(street=ps.street, regime=Regime.MONTHLY_COVERT, period="2026-06")
    assert response.status_code == 302 and response["Location"] == f"/staff/plans/{plan.pk}/"
    assert plan.state == Plan.State.DRAFT
    assert Client().get(f"/public/draws/{plan.draw.pk}/").status_code == 404  # a draft is not public
    assert "暗查抽样承诺" not in Client().get("/public/").content.decode()

    assert chief.post(f"/staff/plans/{plan.pk}/commit/").status_code == 302
    draw = CovertDraw.objects.get(plan=plan)
    assert draw.seed_hex and draw.commitment
    pages = _answers(ps, plan)
    for name, text in pages.items():
        assert draw.seed_hex not in text, f"{name} shows the seed before the reveal"
    assert draw.commitment in pages["public index"] and draw.commitment in pages["public draw"]
    assert 'id="sample"' not in pages["public draw"]
    for code, _community in draw.eligible:
        assert code in pages["public draw"]
    assert "ins-a" not in pages["public draw"] and "insp-1" not in pages["public draw"]  # codes only, no people

    assert _as(ps, "insp-1").post(f"/staff/plans/{plan.pk}/reveal/").status_code == 403
    chief.post(f"/staff/plans/{plan.pk}/reveal/")  # June is not over: refused with a message
    plan.refresh_from_db()
    assert plan.state == Plan.State.COMMITTED

    with time_machine.travel(JULY_2, tick=False):
        assert _as(ps, "chief").post(f"/staff/plans/{plan.pk}/reveal/").status_code == 302  # a new login: a new day
        plan.refresh_from_db()
        assert plan.state == Plan.State.REVEALED
        pages = _answers(ps, plan)
    assert draw.seed_hex in pages["public index"] and draw.seed_hex in pages["public draw"]
    assert 'id="sample"' in pages["public draw"] and "hmac.new(seed" in pages["public draw"]
    assert draw.seed_hex in pages["staff plan"]


@time_machine.travel(MAY_28, tick=False)
def test_the_assignment_form_needs_a_reason_and_a_street_admin(ps):
    chief = _as(ps, "chief")
    chief.post("/staff/plans/build/", {"street": ps.street.pk, "regime": Regime.QUARTERLY_ASSESSMENT,
                                       "period": "2026-Q2"})
    task = Plan.objects.get().assignments.get(place=ps.places["P1"])
    url = f"/staff/plans/tasks/{task.pk}/"
    assert chief.get(url).status_code == 200
    assert _as(ps, "insp-1").get(url).status_code == 403
    other = "insp-2" if task.assignee.username == "insp-1" else "insp-1"

    response = chief.post(url, {"assignee": ps.users[other].pk, "due_date": "2026-06-15", "reason": ""})
    task.refresh_from_db()
    assert response.status_code == 200 and task.assignee.username != other and not task.changed_by_hand

    response = chief.post(url, {"assignee": ps.users[other].pk, "due_date": "2026-06-15", "reason": "换人"})
    task.refresh_from_db()
    assert response.status_code == 302 and task.assignee.username == other and task.changed_by_hand
    assert AuditEvent.objects.get(action=AuditAction.ASSIGNMENT_CHANGE).reason == "换人"

    response = chief.post(url, {"assignee": ps.users["company"].pk, "due_date": "2026-06-15", "reason": "x"})
    assert response.status_code == 403  # not among those who may do the task


@time_machine.travel(MAY_28, tick=False)
def test_the_plan_page_shows_coverage(ps):
    chief = _as(ps, "chief")
    chief.post("/staff/plans/build/", {"street": ps.street.pk, "regime": Regime.WEEKLY_GUIDANCE,
                                       "period": "2026-W22"})
    plan = Plan.objects.get()
    chief.post(f"/staff/plans/{plan.pk}/commit/")
    text = chief.get(f"/staff/plans/{plan.pk}/").content.decode()
    assert "计划 6 · 已完成 0 · 逾期完成 0 · 未完成 6" in text and "未分配" in text
    text = chief.get("/staff/plans/").content.decode()
    assert "2026-W22" in text and "已生效" in text
