"""Voiding an inspection in the admin: kept, visible to staff, out of every score (issue 4 point 9)."""

from __future__ import annotations

import pytest

from inspections.errors import ReasonRequired
from inspections.models import Inspection
from inspections.selectors.inspections import inspections_visible_to
from inspections.services.sync import inspection_restore, inspection_void

from .sync_world import answers_with, inspection_body, jpeg_bytes, manifest_entry, put_inspection


def test_void_keeps_the_record_for_staff_and_hides_it_from_others(world, stored, changed):
    inspection_void(inspection=stored, by=world.users["admin"], reason="重复提交")

    stored.refresh_from_db()
    assert stored.voided and stored.void_reason == "重复提交" and stored.voided_by == world.users["admin"]
    assert stored.voided_at is not None
    assert changed == [(stored.uuid, "complete", True)]
    assert inspections_visible_to(world.users["street"]).filter(pk=stored.pk).exists()
    assert not inspections_visible_to(world.users["office"]).filter(pk=stored.pk).exists()
    # The uploader keeps seeing their own record in the history.
    listed = world.client("street").get("/api/v1/inspections/").json()["results"]
    assert [(row["uuid"], row["voided"]) for row in listed] == [(str(stored.uuid), True)]
    assert world.client("street").get(f"/api/v1/inspections/{stored.uuid}/").status_code == 200


def test_void_needs_a_reason_and_happens_once(world, stored, changed):
    with pytest.raises(ReasonRequired):
        inspection_void(inspection=stored, by=world.users["admin"], reason="  ")
    assert not Inspection.objects.get(pk=stored.pk).voided
    inspection_void(inspection=stored, by=world.users["admin"], reason="错误")
    inspection_void(inspection=stored, by=world.users["street"], reason="再次")
    stored.refresh_from_db()
    assert stored.void_reason == "错误" and changed == [(stored.uuid, "complete", True)]


def test_restore_counts_it_again(world, stored, changed):
    inspection_void(inspection=stored, by=world.users["admin"], reason="误操作")
    inspection_restore(inspection=stored, by=world.users["admin"], reason="核实无误")
    stored.refresh_from_db()
    assert not stored.voided and stored.voided_by is None and stored.void_reason == ""
    assert changed == [(stored.uuid, "complete", True), (stored.uuid, "complete", False)]


def test_restore_needs_a_reason(world, stored, changed):
    inspection_void(inspection=stored, by=world.users["admin"], reason="误操作")
    with pytest.raises(ReasonRequired):
        inspection_restore(inspection=stored, by=world.users["admin"], reason=" ")
    assert Inspection.objects.get(pk=stored.pk).voided
    assert changed == [(stored.uuid, "complete", True)]


def test_the_admin_action_asks_for_a_reason_then_voids(world, stored, root_client, changed):
    url = "/admin/inspections/inspection/"
    asked = root_client.post(url, {"action": "void_with_reason", "_selected_action": [stored.pk]})
    assert asked.status_code == 200
    assert "作废后记录仍保留" in asked.content.decode() and "原因" in asked.content.decode()
    assert not Inspection.objects.get(pk=stored.pk).voided

    done = root_client.post(
        url, {"action": "void_with_reason", "_selected_action": [stored.pk], "apply": "1", "reason": "照片不实"}
    )

    assert done.status_code == 302
    stored.refresh_from_db()
    assert stored.voided and stored.void_reason == "照片不实" and stored.voided_by == root_client.superuser
    assert changed == [(stored.uuid, "complete", True)]


def test_the_admin_shows_inspections_read_only_with_answers_and_photos(world, root_client):
    data = jpeg_bytes()
    body = inspection_body(world, answers=answers_with(T01="fail"), photos=[manifest_entry(data)])
    inspection_uuid, _ = put_inspection(world.client("street"), body)
    inspection = Inspection.objects.get(uuid=inspection_uuid)

    put_inspection(world.client("street"), inspection_body(world, place=world.bs2.code, location=None))
    listing = root_client.get("/admin/inspections/inspection/")
    flagged = root_client.get("/admin/inspections/inspection/?flag=no_fix")
    any_flag = root_client.get("/admin/inspections/inspection/?flag=any")
    page = root_client.get(f"/admin/inspections/inspection/{inspection.pk}/change/")

    assert listing.status_code == 200 and world.bs1.name in listing.content.decode()
    assert world.bs2.name in flagged.content.decode() and world.bs1.name not in flagged.content.decode()
    assert world.bs2.name in any_flag.content.decode() and world.bs1.name not in any_flag.content.decode()
    assert page.status_code == 200
    assert "T01" in page.content.decode() and "未收到" in page.content.decode()
    assert root_client.get("/admin/inspections/inspection/add/").status_code == 403
    assert root_client.post(f"/admin/inspections/inspection/{inspection.pk}/delete/").status_code == 403
    assert Inspection.objects.filter(pk=inspection.pk).exists()
