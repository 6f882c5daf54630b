"""Publishing a month's list reveals that month's covert seed once the month is over (rankings/publication.py
calls plans); the revealed page then tells of released covert inspections outside the sample."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from django.test import Client

from checklists.models import Regime
from plans.models import Plan
from plans.services import plan_build, plan_commit
from rankings.publication import publication_draft, publication_publish
from tests.rankings.support import add_inspection, local


def _publish_may(ps, reason: str = ""):
    draft = publication_draft(street=ps.street, period_kind="month", period="2026-05", user=ps.users["chief"])
    return publication_publish(publication=draft, user=ps.users["chief"], reason=reason)


def test_the_seed_is_revealed_with_the_months_list_and_not_before_the_month_ends(ps):
    chief = ps.users["chief"]
    with time_machine.travel(datetime(2026, 4, 28, 2, 0, tzinfo=UTC), tick=False):
        plan = plan_commit(plan=plan_build(street=ps.street, regime=Regime.MONTHLY_COVERT, period="2026-05",
                                           by=chief), by=chief)
    draw = plan.draw
    inside = draw.sample[0]
    outside = next(code for code, _community in draw.eligible if code not in draw.sample)
    by_code = {p.code: p for p in ps.places.values()}
    add_inspection(by_code[inside], Regime.MONTHLY_COVERT, local(2026, 5, 6), 950, versions=ps.versions)
    add_inspection(by_code[outside], Regime.MONTHLY_COVERT, local(2026, 5, 7), 950, versions=ps.versions)

    with time_machine.travel(datetime(2026, 5, 20, 2, 0, tzinfo=UTC), tick=False):
        _publish_may(ps)  # published mid-month: the sample must stay secret
    plan.refresh_from_db()
    assert plan.state == Plan.State.COMMITTED

    with time_machine.travel(datetime(2026, 6, 2, 2, 0, tzinfo=UTC), tick=False):
        _publish_may(ps, reason="月末更新")
        plan.refresh_from_db()
        draw.refresh_from_db()
        assert plan.state == Plan.State.REVEALED and draw.revealed_at == datetime(2026, 6, 2, 2, 0, tzinfo=UTC)
        page = Client().get(f"/public/draws/{draw.pk}/").content.decode()
    assert draw.seed_hex in page
    part = page.split('id="outside"', 1)[1].split('<h3>', 1)[0]
    assert f"{outside}：1 次" in part and inside not in part
