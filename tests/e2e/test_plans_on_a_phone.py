"""The plans desk pages and a covert draw's public page on a 360 × 640 phone: nothing scrolls sideways (long
hashes wrap, wide tables scroll in their own box)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from checklists.models import Regime
from inspections.models import Street
from plans.services import plan_build, plan_commit, plan_reveal

from .test_pages_on_a_phone import WIDTH, demo, log_in, page_width  # noqa: F401 (demo: the fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_plans_pages_fit_a_phone(phone, demo):  # noqa: F811
    admin = get_user_model().objects.get(username="admin")
    street = Street.objects.get(pk=demo["october"].street_id)
    weekly = plan_build(street=street, regime=Regime.WEEKLY_GUIDANCE, period="2026-W47", by=admin)
    covert = plan_commit(plan=plan_build(street=street, regime=Regime.MONTHLY_COVERT, period="2026-10", by=admin),
                         by=admin)
    plan_reveal(plan=covert, by=admin, now=dt.datetime(2026, 11, 2, tzinfo=dt.UTC))
    page = phone.new_page()
    page.set_default_timeout(15_000)
    widths = {f"/public/draws/{covert.draw.pk}/": page_width(page, f"/public/draws/{covert.draw.pk}/"),
              "/public/": page_width(page, "/public/")}
    log_in(page, "admin", "/staff/plans/")
    task = weekly.assignments.order_by("pk").first()
    for url in ("/staff/plans/", f"/staff/plans/{weekly.pk}/", f"/staff/plans/{covert.pk}/",
                f"/staff/plans/tasks/{task.pk}/"):
        widths[url] = page_width(page, url)
    print(widths)  # noqa: T201 (the measurement)
    assert all(width <= WIDTH for width in widths.values()), widths
