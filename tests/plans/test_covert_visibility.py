"""Covert stays covert: a covert plan and its tasks reach street staff only (admin, street inspector, superuser);
community, office and company users see none of it, through the selectors, the desk pages or their pack."""

from __future__ import annotations

import pytest
from django.test import Client

from checklists.models import Regime
from plans.models import Plan
from plans.selectors import assignments_visible_to, plans_visible_to
from plans.services import plan_build, plan_commit

STAFF = ("chief", "insp-1", "insp-2", "root")
OTHERS = ("ins-a", "ins-b", "ins-c", "office", "company")


@pytest.fixture
def plans(ps) -> dict[str, Plan]:
    chief = ps.users["chief"]
    built = {}
    for regime, period in ((Regime.MONTHLY_COVERT, "2026-06"), (Regime.WEEKLY_GUIDANCE, "2026-W23")):
        built[regime] = plan_commit(plan=plan_build(street=ps.street, regime=regime, period=period, by=chief),
                                    by=chief)
    return built


@pytest.mark.parametrize("who", STAFF + OTHERS)
def test_who_sees_which_plans_and_tasks(ps, plans, who):
    user = ps.users[who]
    covert = plans[Regime.MONTHLY_COVERT]
    seen_plans = set(plans_visible_to(user))
    seen_tasks = set(assignments_visible_to(user))
    if who in STAFF:
        assert seen_plans == set(plans.values())
        assert seen_tasks == set(covert.assignments.all()) | set(plans[Regime.WEEKLY_GUIDANCE].assignments.all())
    else:
        assert seen_plans == set()
        assert all(t.plan.regime != Regime.MONTHLY_COVERT for t in seen_tasks)
        assert seen_tasks == set(plans[Regime.WEEKLY_GUIDANCE].assignments.filter(assignee=user))
        assert bool(seen_tasks) == who.startswith("ins-")  # instructors: their own weekly tasks


@pytest.mark.parametrize("who", STAFF + OTHERS)
def test_the_covert_plan_is_on_no_page_or_pack_of_the_inspected(ps, plans, who):
    covert = plans[Regime.MONTHLY_COVERT]
    draw = covert.draw
    client = Client()
    client.force_login(ps.users[who])
    pages = {url: client.get(url) for url in (
        "/staff/plans/", f"/staff/plans/{covert.pk}/",
        f"/staff/plans/tasks/{covert.assignments.first().pk}/",
    )}
    pack = Client(headers=ps.api_headers(who)).get("/api/v1/pack/")

    assert pack.status_code == 200
    text = pack.content.decode()
    assert draw.seed_hex not in text and draw.commitment not in text
    assert {a["regime"] for a in pack.json()["assignments"]} <= {Regime.WEEKLY_GUIDANCE}
    for url, response in pages.items():
        assert draw.seed_hex not in response.content.decode(), url
        if who in OTHERS:
            assert response.status_code == 403, url
    if who in STAFF:
        assert pages["/staff/plans/"].status_code == 200
        assert draw.commitment in pages[f"/staff/plans/{covert.pk}/"].content.decode()
