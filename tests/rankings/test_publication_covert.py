"""Covert results reach property-company users only once a list containing them is published."""

import pytest
from django.contrib.auth import get_user_model

from checklists.models import PlaceKind, Regime
from inspections.models import Profile, PropertyCompany, Role
from inspections.selectors.inspections import inspections_visible_to
from rankings.publication import publication_draft, publication_publish

from .support import Versions, add_inspection, local, make_place, make_street

pytestmark = pytest.mark.django_db


def test_covert_inspections_become_visible_to_the_company_when_published():
    versions = Versions()
    street = make_street()
    company = PropertyCompany.objects.create(code="PC", name="甲物业")
    k = make_place(street, PlaceKind.COMMUNITY, "K")
    compound = make_place(street, PlaceKind.COMPOUND, "X", "X小区", parent=k, company=company)
    weekly = add_inspection(compound, Regime.WEEKLY_GUIDANCE, local(2026, 5, 4), 900, versions=versions)
    may = add_inspection(compound, Regime.MONTHLY_COVERT, local(2026, 5, 6), 900, versions=versions)
    june = add_inspection(compound, Regime.MONTHLY_COVERT, local(2026, 6, 6), 900, versions=versions)
    user = get_user_model().objects.create_user("pm", password="x")
    Profile.objects.create(user=user, role=Role.COMPANY_USER, street=street, company=company)
    admin = get_user_model().objects.create_user("chief", password="x", is_superuser=True)

    assert set(inspections_visible_to(user)) == {weekly}
    draft = publication_draft(street=street, period_kind="month", period="2026-05", user=admin)
    assert set(inspections_visible_to(user)) == {weekly}  # a draft reveals nothing
    published = publication_publish(publication=draft, user=admin)
    assert set(inspections_visible_to(user)) == {weekly, may}
    # A covert inspection of May synced after publication did not feed the list: still hidden.
    late = add_inspection(compound, Regime.MONTHLY_COVERT, local(2026, 5, 30), 800, versions=versions)
    late.completed_at = published.published_at.replace(year=2027)
    late.save()
    assert set(inspections_visible_to(user)) == {weekly, may}
    assert june not in inspections_visible_to(user)
