"""The audit log (issue 9 point 8): sensitive actions are recorded with who, when, what and why;
the log is append-only and a street admin reads only their own street's events."""

from __future__ import annotations

import pytest

from inspections.models import AppendOnlyError, AuditAction, AuditEvent, Inspection, Place, Profile, Role, Street
from inspections.services.audit import audit_record
from inspections.services.places import places_restore, places_retire
from inspections.services.sync import inspection_restore, inspection_void
from inspections.services.tokens import tokens_revoke


def test_a_restore_keeps_the_void_in_the_log(world, stored):
    inspection_void(inspection=stored, by=world.users["admin"], reason="重复提交")
    inspection_restore(inspection=stored, by=world.users["street"], reason="核实为两次不同检查")

    void, restore = AuditEvent.objects.order_by("pk")
    assert (void.action, void.actor, void.reason) == (AuditAction.VOID, world.users["admin"], "重复提交")
    assert (void.target_type, void.target_id) == ("inspection", str(stored.pk))
    assert void.street_id == world.bs1.street_id
    assert (restore.action, restore.actor, restore.reason) == (
        AuditAction.RESTORE, world.users["street"], "核实为两次不同检查")
    assert restore.details["void_reason"] == "重复提交"
    assert restore.details["voided_by"] == world.users["admin"].username


def test_the_admin_restore_action_asks_for_a_reason(world, stored, root_client):
    inspection_void(inspection=stored, by=world.users["admin"], reason="误操作")
    url = "/admin/inspections/inspection/"
    asked = root_client.post(url, {"action": "restore", "_selected_action": [stored.pk]})
    assert asked.status_code == 200 and "原因" in asked.content.decode()
    assert Inspection.objects.get(pk=stored.pk).voided

    done = root_client.post(url, {"action": "restore", "_selected_action": [stored.pk], "apply": "1",
                                  "reason": "复核后有效"})

    assert done.status_code == 302
    assert not Inspection.objects.get(pk=stored.pk).voided
    assert AuditEvent.objects.filter(action=AuditAction.RESTORE, reason="复核后有效").count() == 1


def test_place_retirement_and_restore_are_logged_per_place(world):
    compound = world.bs1.parent
    places_retire(places=[compound], by=world.users["admin"])
    retired = set(Place.objects.filter(status=Place.Status.RETIRED).values_list("pk", flat=True))
    logged = AuditEvent.objects.filter(action=AuditAction.PLACE_RETIRE)
    assert {int(e.target_id) for e in logged} == retired and compound.pk in retired
    assert all(e.actor == world.users["admin"] for e in logged)

    places_restore(places=[compound], by=world.users["admin"])
    assert list(AuditEvent.objects.filter(action=AuditAction.PLACE_RESTORE).values_list("target_id", flat=True)) == [
        str(compound.pk)]


def test_token_revocation_is_logged(world):
    tokens_revoke(user=world.users["street"], by=world.users["admin"])
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_REVOKE)
    assert event.actor == world.users["admin"] and event.target_id == str(world.users["street"].pk)
    assert event.street_id == world.users["street"].profile.street_id


def test_role_and_scope_changes_in_the_admin_are_logged(world, root_client):
    user = world.users["street"]
    url = f"/admin/auth/user/{user.pk}/change/"
    page = root_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update({
        "username": user.username, "is_active": "", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
        "profile-TOTAL_FORMS": "1", "profile-INITIAL_FORMS": "1", "profile-MIN_NUM_FORMS": "1",
        "profile-MAX_NUM_FORMS": "1", "profile-0-id": user.profile.pk, "profile-0-user": user.pk,
        "profile-0-role": Role.ADMIN, "profile-0-street": user.profile.street_id, "profile-0-display_name": "",
    })
    data.pop("groups", None)
    data.pop("user_permissions", None)
    data.pop("last_login", None)
    response = root_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Profile.objects.get(user=user).role == Role.ADMIN
    change = AuditEvent.objects.get(action=AuditAction.ROLE_CHANGE)
    assert change.details["before"]["role"] == Role.STREET_INSPECTOR and change.details["after"]["role"] == Role.ADMIN
    assert AuditEvent.objects.get(action=AuditAction.USER_ACTIVE).details == {"is_active": False}


def test_events_cannot_be_changed_or_deleted(world):
    event = audit_record(actor=world.users["admin"], action=AuditAction.IMPORT, street=world.bs1.street_id)
    event.reason = "改写"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(reason="改写")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().reason == ""


def test_the_admin_shows_the_log_read_only_and_per_street(world, client):
    own = audit_record(actor=world.users["admin"], action=AuditAction.IMPORT, street=world.bs1.street_id,
                       reason="本街道")
    other_street = Street.objects.create(code="OTHER", name="别的街道")
    other = audit_record(actor=None, action=AuditAction.IMPORT, street=other_street, reason="外街道")
    admin = world.users["admin"]
    admin.is_staff = True
    admin.save()
    client.force_login(admin)

    listing = client.get("/admin/inspections/auditevent/")
    assert listing.status_code == 200
    assert list(listing.context["cl"].queryset) == [own]
    assert client.get(f"/admin/inspections/auditevent/{other.pk}/change/").status_code == 302  # not found → index
    assert client.post(f"/admin/inspections/auditevent/{own.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/inspections/auditevent/add/").status_code == 403
    assert AuditEvent.objects.count() == 2
