"""Covert stays covert: a case from a covert inspection is hidden from the responsible party until a published list
releases that inspection, or a street admin releases the case (audit-logged)."""

import pytest

from checklists.models import Regime
from inspections.errors import ReasonRequired
from inspections.models import AuditAction, AuditEvent, Inspection
from rankings.publication import publication_draft, publication_publish, publication_review
from rectifications.errors import CaseNotAllowed, IllegalTransition
from rectifications.models import EventKind, RectificationCase
from rectifications.selectors import visible_to_party
from rectifications.services import case_release

from .world import local, make_world

pytestmark = pytest.mark.django_db


def party_sees(case: RectificationCase) -> bool:
    queryset = visible_to_party(RectificationCase.objects.all())
    one = visible_to_party(RectificationCase.objects.get(pk=case.pk))
    assert one == queryset.filter(pk=case.pk).exists()  # the two forms agree
    return one


@pytest.fixture
def covert_case(world, monday_may_11) -> RectificationCase:
    world.inspect(world.x, {"A": "fail"}, regime=Regime.MONTHLY_COVERT, when=local(2026, 5, 8))
    return RectificationCase.objects.get()


def test_a_case_from_a_weekly_visit_is_visible_at_once(world, monday_may_11):
    world.inspect(world.x, {"A": "fail"})
    case = RectificationCase.objects.get()
    assert not case.covert and party_sees(case)


def test_a_covert_case_shows_once_a_published_list_releases_its_inspection(world, covert_case):
    assert covert_case.covert and not party_sees(covert_case)

    admin = world.users["admin"]
    draft = publication_draft(street=world.street, period_kind="month", period="2026-05", user=admin)
    for category in draft.data["categories"]:
        for key in category["black"]:
            draft = publication_review(publication=draft, key=key, photo_ids=[])
    publication_publish(publication=draft, user=admin)

    assert Inspection.objects.get().covert_released_at is not None
    assert party_sees(covert_case)


def test_a_street_admin_releases_a_covert_case_with_a_reason_in_the_audit_log(world, covert_case):
    other_admin = make_world("S2", "乙街道").users["admin"]
    for outsider in (world.users["inspector"], world.users["company"], other_admin):
        with pytest.raises(CaseNotAllowed):
            case_release(case=covert_case, by=outsider, reason="看看")
    with pytest.raises(ReasonRequired):
        case_release(case=covert_case, by=world.users["admin"], reason="")
    assert not party_sees(covert_case) and not AuditEvent.objects.filter(action=AuditAction.RELEASE_CASE).exists()

    case_release(case=covert_case, by=world.users["admin"], reason="问题严重，需立即整改")

    covert_case.refresh_from_db()
    assert covert_case.released_at is not None and covert_case.released_by == world.users["admin"]
    assert party_sees(covert_case) and Inspection.objects.get().covert_released_at is None  # the inspection stays
    event = covert_case.events.get(kind=EventKind.RELEASED)
    assert (event.actor, event.note) == (world.users["admin"], "问题严重，需立即整改")
    audit = AuditEvent.objects.get(action=AuditAction.RELEASE_CASE)
    assert (audit.street, audit.target_type, audit.target_id, audit.reason, audit.details["number"]) == (
        world.street, "rectificationcase", str(covert_case.pk), "问题严重，需立即整改", "ZG-2026-0001")
    case_release(case=covert_case, by=world.users["admin"], reason="再次")  # already released: nothing more
    assert AuditEvent.objects.filter(action=AuditAction.RELEASE_CASE).count() == 1


def test_only_a_covert_case_can_be_released(world, monday_may_11):
    world.inspect(world.x, {"A": "fail"})
    with pytest.raises(IllegalTransition):
        case_release(case=RectificationCase.objects.get(), by=world.users["admin"], reason="公开")
