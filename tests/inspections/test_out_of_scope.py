"""Records out of scope on arrival (docs/sync.md "Out of scope", issue 10 point 1).

A record finished offline before its place was retired, before its inspector's scope changed or before the
inspector was deactivated arrives: 201, flagged `out_of_scope` with what was out, not counted, listed for a
street admin, who counts it or voids it (audit-logged). Only one that could never have been in scope is 403.
A deactivated user's outbox export is imported by a street admin through the same idempotent path."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from inspections.models import AuditAction, AuditEvent, Inspection, Profile, Role, ScopeReview, Street
from inspections.models.history import PlaceStatusChange, ScopeSnapshot
from inspections.scopes import place_active_at, scope_lapses_at
from inspections.selectors.coverage import flagged_inspections
from inspections.services.outbox_import import OutboxFileError, outbox_import
from inspections.services.places import places_restore, places_retire
from inspections.services.sync import inspection_count_out_of_scope, inspection_receive, inspection_void
from rankings.models import PlaceScore

from .sync_world import inspection_body, jpeg_bytes, manifest_entry, put_inspection

pytestmark = pytest.mark.django_db


def _finished(world, at) -> dict:
    """A body finished at `at` (a full score: T01, T02, T03 answered)."""
    return inspection_body(world, finished_at=at.isoformat(), started_at=(at - timedelta(minutes=8)).isoformat())


def _score_count(place) -> int:
    return sum(PlaceScore.objects.filter(place=place).values_list("count", flat=True))


def _assert_stored_for_review(world, response, lapses: list[str]) -> Inspection:
    assert response.status_code == 201, response.content
    assert "out_of_scope" in response.json()["flags"]
    assert response.json()["status"] == "complete"  # the phone may delete it from its outbox
    inspection = Inspection.objects.get(uuid=response.json()["uuid"])
    assert inspection.scope_review == ScopeReview.PENDING
    assert inspection.scope_lapses["on_arrival"] == lapses
    assert inspection.scope_lapses["when_finished"] == []  # the history: it was in scope when it was done
    assert not Inspection.objects.counted().filter(pk=inspection.pk).exists()
    assert _score_count(inspection.place) == 0
    assert inspection in flagged_inspections(street=world.street, since=inspection.inspected_at - timedelta(days=1))
    # Listed until judged, however long ago it was done.
    assert inspection in flagged_inspections(street=world.street, since=inspection.inspected_at + timedelta(days=9))
    return inspection


def test_a_record_finished_before_its_place_was_retired_arrives_for_review(world):
    done = timezone.now()
    with time_machine.travel(done + timedelta(hours=1), tick=False):
        places_retire(places=[world.bs1], by=world.users["admin"])
    with time_machine.travel(done + timedelta(days=1), tick=False):
        _, response = put_inspection(world.client("street"), _finished(world, done))
    _assert_stored_for_review(world, response, ["place_retired"])


def test_a_record_finished_before_a_scope_change_arrives_for_review(world):
    done = timezone.now() + timedelta(minutes=1)
    community = world.users["community"]
    with time_machine.travel(done + timedelta(hours=1), tick=False):
        community.profile.communities.set([world.comm2])
    with time_machine.travel(done + timedelta(days=1), tick=False):
        _, response = put_inspection(world.client("community"), _finished(world, done))
    _assert_stored_for_review(world, response, ["scope_changed"])
    snapshots = list(ScopeSnapshot.objects.filter(user=community).values_list("communities", flat=True))
    assert [world.comm1.pk] in snapshots and snapshots[-1] == [world.comm2.pk]


def test_a_record_finished_before_a_deactivation_arrives_for_review(world):
    done = timezone.now() + timedelta(minutes=1)
    inspector = world.users["street"]
    with time_machine.travel(done + timedelta(hours=1), tick=False):
        inspector.is_active = False
        inspector.save()
    with time_machine.travel(done + timedelta(days=1), tick=False):
        received = inspection_receive(user=inspector, uuid=uuid.uuid4(), body=_finished(world, done))
    inspection = received.inspection
    assert received.created and "out_of_scope" in inspection.flags
    assert inspection.scope_lapses == {"on_arrival": ["user_deactivated"], "when_finished": []}
    assert inspection.scope_review == ScopeReview.PENDING
    assert not Inspection.objects.counted().filter(pk=inspection.pk).exists()


def test_a_record_finished_after_the_change_says_so_for_the_reviewer(world):
    community = world.users["community"]
    community.profile.communities.set([world.comm2])
    done = timezone.now() + timedelta(hours=1)
    with time_machine.travel(done + timedelta(hours=1), tick=False):
        _, response = put_inspection(world.client("community"), _finished(world, done))
    assert response.status_code == 201
    inspection = Inspection.objects.get(uuid=response.json()["uuid"])
    assert inspection.scope_lapses == {"on_arrival": ["scope_changed"], "when_finished": ["scope_changed"]}


def test_a_record_in_scope_is_accepted_as_usual(world):
    _, response = put_inspection(world.client("community"), _finished(world, timezone.now()))
    assert response.status_code == 201 and "out_of_scope" not in response.json()["flags"]
    inspection = Inspection.objects.get(uuid=response.json()["uuid"])
    assert inspection.scope_review == "" and inspection.scope_lapses == {}
    assert _score_count(world.bs1) == 1


def test_a_record_for_another_street_is_still_403(world):
    other = Street.objects.create(code="S2", name="另一街道")
    stranger = User.objects.create_user("stranger")
    Profile.objects.create(user=stranger, role=Role.STREET_INSPECTOR, street=other)
    response = put_inspection(_client(stranger), _finished(world, timezone.now()))[1]
    assert response.status_code == 403 and response.json()["error"]["code"] == "out_of_scope"
    assert not Inspection.objects.exists()


def test_a_regime_the_role_never_had_is_still_403(world):
    body = inspection_body(world, regime="monthly_covert", checklist_version=world.covert.pk)
    response = put_inspection(world.client("community"), body)[1]
    assert response.status_code == 403 and response.json()["error"]["code"] == "regime_not_allowed"


def test_a_community_never_theirs_is_still_403(world):
    response = put_inspection(world.client("community"), inspection_body(world, place=world.bs2.code))[1]
    assert response.status_code == 403 and response.json()["error"]["code"] == "out_of_scope"


def _client(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


def _pending(world) -> Inspection:
    places_retire(places=[world.bs1])
    _, response = put_inspection(world.client("street"), _finished(world, timezone.now() - timedelta(hours=1)))
    return Inspection.objects.get(uuid=response.json()["uuid"])


def test_counting_it_is_audit_logged_and_counts(world):
    inspection = _pending(world)
    admin = world.users["admin"]
    inspection_count_out_of_scope(inspection=inspection, by=admin, reason="撤销前完成的检查")
    inspection.refresh_from_db()
    assert inspection.scope_review == ScopeReview.COUNTED
    assert Inspection.objects.counted().filter(pk=inspection.pk).exists()
    assert _score_count(world.bs1) == 1
    event = AuditEvent.objects.get(action=AuditAction.COUNT_OUT_OF_SCOPE)
    assert event.actor == admin and event.reason == "撤销前完成的检查" and event.target_id == str(inspection.pk)
    assert event.details == {"scope_lapses": {"on_arrival": ["place_retired"], "when_finished": []}}
    assert inspection not in flagged_inspections(street=world.street, since=inspection.inspected_at - timedelta(1))
    # Counting twice changes nothing and logs nothing more.
    inspection_count_out_of_scope(inspection=inspection, by=admin, reason="again")
    assert AuditEvent.objects.filter(action=AuditAction.COUNT_OUT_OF_SCOPE).count() == 1


def test_voiding_it_is_audit_logged_and_it_stays_uncounted(world):
    inspection = _pending(world)
    inspection_void(inspection=inspection, by=world.users["admin"], reason="场所撤销后检查")
    assert AuditEvent.objects.get(action=AuditAction.VOID).reason == "场所撤销后检查"
    assert _score_count(world.bs1) == 0
    assert inspection not in flagged_inspections(street=world.street, since=inspection.inspected_at - timedelta(1))


def test_the_admin_counts_it_with_a_reason_and_filters_the_pending(world):
    inspection = _pending(world)
    admin = world.users["admin"]
    User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    listing = client.get("/admin/inspections/inspection/", {"scope_review__exact": "pending"})
    assert listing.status_code == 200 and inspection.place.name in listing.content.decode()
    asked = client.post("/admin/inspections/inspection/", {
        "action": "count_out_of_scope", "_selected_action": [inspection.pk],
    })
    assert asked.status_code == 200 and "计入超范围检查记录" in asked.content.decode()
    inspection.refresh_from_db()
    assert inspection.scope_review == ScopeReview.PENDING  # no reason yet: nothing done
    done = client.post("/admin/inspections/inspection/", {
        "action": "count_out_of_scope", "_selected_action": [inspection.pk], "apply": "1", "reason": "核实无误",
    })
    assert done.status_code == 302
    inspection.refresh_from_db()
    assert inspection.scope_review == ScopeReview.COUNTED
    assert AuditEvent.objects.get(action=AuditAction.COUNT_OUT_OF_SCOPE).reason == "核实无误"


# --- history -------------------------------------------------------------------------------------------------


def test_place_history_records_retirements_and_restorations(world):
    start = timezone.now()
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        places_retire(places=[world.compound1])
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        places_restore(places=[world.bs1])
    assert list(PlaceStatusChange.objects.filter(place=world.bs1).values_list("status", flat=True)) == [
        "retired", "active"
    ]
    world.bs1.refresh_from_db()
    assert place_active_at(world.bs1, start + timedelta(minutes=30))
    assert not place_active_at(world.bs1, start + timedelta(minutes=90))
    assert place_active_at(world.bs1, start + timedelta(hours=3))


def test_scope_history_records_role_street_and_active_changes(world):
    inspector = world.users["street"]
    start = timezone.now()
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        profile = inspector.profile
        profile.role = Role.COMMUNITY_INSPECTOR
        profile.save()
        profile.communities.set([world.comm1])
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        inspector.last_login = timezone.now()
        inspector.save(update_fields=["last_login"])  # a login changes no scope
    rows = list(ScopeSnapshot.objects.filter(user=inspector).values_list("role", "communities"))
    # The user before their profile, the profile, its new role, its communities; the login added nothing.
    assert rows == [("", []), ("street_inspector", []), ("community_inspector", []),
                    ("community_inspector", [world.comm1.pk])]
    covert = "monthly_covert"
    assert scope_lapses_at(inspector, world.bs2, covert, grandparent_id=world.comm2.pk,
                           at=start + timedelta(minutes=30)) == []
    assert scope_lapses_at(inspector, world.bs2, covert, grandparent_id=world.comm2.pk,
                           at=start + timedelta(hours=3)) == ["scope_changed"]


# --- the outbox export, imported by a street admin ----------------------------------------------------------


def _export(world, user, done) -> tuple[bytes, list[str]]:
    photo = jpeg_bytes()
    entry = manifest_entry(photo)
    with_photo = _finished(world, done)
    with_photo["photos"] = [entry]
    records = [
        {"uuid": str(uuid.uuid4()), "body": with_photo, "state": "queued", "error": None,
         "photos": [{"uuid": entry["uuid"], "item": "T01", "type": "image/jpeg",
                     "sha256": hashlib.sha256(photo).hexdigest(), "base64": base64.b64encode(photo).decode()}]},
        {"uuid": str(uuid.uuid4()), "body": _finished(world, done + timedelta(minutes=20)), "state": "queued",
         "error": None, "photos": []},
    ]
    document = {"exported_at": timezone.now().isoformat(), "user": user.username, "records": records}
    return json.dumps(document).encode(), [r["uuid"] for r in records]


def test_an_outbox_export_imported_twice_stores_each_record_once(world):
    inspector = world.users["street"]
    done = timezone.now() + timedelta(minutes=1)
    with time_machine.travel(done + timedelta(hours=1), tick=False):
        inspector.is_active = False
        inspector.save()
    data, uuids = _export(world, inspector, done)
    admin = world.users["admin"]
    with time_machine.travel(done + timedelta(days=1), tick=False):
        first = outbox_import(data=data, by=admin)
    assert first.stored == uuids and first.out_of_scope == uuids and first.photos_stored == 1 and not first.errors
    stored = Inspection.objects.filter(uuid__in=uuids)
    assert stored.count() == 2 and all(i.uploader_id == inspector.pk for i in stored)
    assert all(i.scope_lapses == {"on_arrival": ["user_deactivated"], "when_finished": []} for i in stored)
    assert all(i.status == Inspection.Status.COMPLETE for i in stored)  # the photo went through the pipeline
    assert stored.get(uuid=uuids[0]).photos.get().display
    events = AuditEvent.objects.count()

    with time_machine.travel(done + timedelta(days=2), tick=False):
        second = outbox_import(data=data, by=admin)
    assert second.replayed == uuids and not second.stored and second.photos_stored == 0 and not second.errors
    assert Inspection.objects.filter(uuid__in=uuids).count() == 2
    assert AuditEvent.objects.count() == events  # a replay writes nothing


def test_an_outbox_export_of_someone_outside_the_street_is_refused(world):
    other = Street.objects.create(code="S2", name="另一街道")
    stranger = User.objects.create_user("stranger")
    Profile.objects.create(user=stranger, role=Role.STREET_INSPECTOR, street=other)
    data, _ = _export(world, stranger, timezone.now())
    with pytest.raises(OutboxFileError):
        outbox_import(data=data, by=world.users["admin"])
    with pytest.raises(OutboxFileError):
        outbox_import(data=b"{not json", by=world.users["admin"])
    with pytest.raises(OutboxFileError):
        outbox_import(data=json.dumps({"user": "street1", "records": [{"uuid": "x"}]}).encode(),
                      by=world.users["admin"])
    assert not Inspection.objects.exists()


def test_the_admin_page_imports_an_outbox_export(world, settings):
    inspector = world.users["street"]
    admin = world.users["admin"]
    User.objects.filter(pk=admin.pk).update(is_staff=True)
    client = Client()
    client.force_login(admin)
    url = "/admin/inspections/inspection/outbox-import/"
    assert client.get(url).status_code == 200
    data, uuids = _export(world, inspector, timezone.now())
    response = client.post(url, {"file": SimpleUploadedFile("outbox.json", data, "application/json")})
    assert response.status_code == 200 and Inspection.objects.filter(uuid__in=uuids).count() == 2
    settings.SORTPATROL = {**settings.SORTPATROL, "OUTBOX_IMPORT_MAX_BYTES": 100}
    too_large = client.post(url, {"file": SimpleUploadedFile("outbox.json", data, "application/json")})
    assert too_large.status_code == 200 and "文件过大" in too_large.content.decode()
    # Not a street admin: no page.
    street_client = Client()
    User.objects.filter(pk=inspector.pk).update(is_staff=True)
    street_client.force_login(inspector)
    assert street_client.get(url).status_code == 403
