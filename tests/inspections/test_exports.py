"""XLSX of a list and of the ledger, read back: numbers exactly as published."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from inspections.services.publication import publication_draft, publication_publish, publication_review

from .test_publication import street_may  # noqa: F401  (shared fixture)

pytestmark = pytest.mark.django_db


def test_list_export_matches_the_published_snapshot(client, street_may):  # noqa: F811
    s = street_may
    draft = publication_draft(street=s["street"], period_kind="month", period="2026-05", user=s["admin"])
    publication_review(publication=draft, key=f"place:{s['bad'].id}", photo_ids=[])
    pub = publication_publish(publication=draft, user=s["admin"])
    client.force_login(s["admin"])
    response = client.get(f"/staff/rankings/{pub.pk}/export.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    sheet = load_workbook(io.BytesIO(response.content))["小区"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    expected = [
        (e["rank"], e["name"], e["code"], Decimal(e["score"]) / 10, e["vetoed"])
        for e in pub.data["categories"][0]["entries"]
    ]
    got = [(r[0], r[1], r[2], Decimal(str(r[4])), r[6] == "是") for r in rows]
    assert got == expected == [(1, "好小区", "G", Decimal("96"), False), (2, "其他小区", "O", Decimal("85"), False),
                               (3, "差小区", "B", Decimal("70"), True)]
    black = next(r for r in rows if r[1] == "差小区")
    assert black[10] == "是" and "检查项D" in black[11]


def test_ledger_export_lists_every_complete_inspection_of_the_period(client, street_may):  # noqa: F811
    s = street_may
    client.force_login(s["admin"])
    response = client.get("/staff/ledger.xlsx", {"street": s["street"].pk, "period_kind": "month",
                                                 "period": "2026-05"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=3, values_only=True))
    assert [(r[1], Decimal(str(r[6])), r[8]) for r in rows] == [
        ("好小区", Decimal("96"), None), ("差小区", Decimal("70"), "是"), ("其他小区", Decimal("85"), None)]
    assert rows[1][13] == "D"
    assert client.get("/staff/ledger.xlsx", {"street": s["street"].pk, "period_kind": "month",
                                             "period": "bad"}).status_code == 404
