"""XLSX of a list and of the ledger, read back: numbers exactly as published."""

import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from checklists.models import Regime
from inspections.models import Place
from inspections.xlsx import sheet_append
from rankings.publication import publication_draft, publication_publish, publication_review

from .support import add_inspection, local

pytestmark = pytest.mark.django_db
COVERT = Regime.MONTHLY_COVERT


def test_list_export_matches_the_published_snapshot(client, street_may):
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


def test_ledger_export_lists_every_complete_inspection_of_the_period(client, street_may):
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


EVIL = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=1+1"]


def _cells(content: bytes) -> list:
    workbook = load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def _no_formula_in_any_sheet(content: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        assert sheets
        for name in sheets:
            assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name


def _as_read_back(text: str) -> str:
    return text.replace("\r", "\n")  # XML turns a bare CR into LF; the export writes LF itself


def test_text_that_looks_like_a_formula_stays_text_in_both_exports(client, street_may):
    s = street_may
    # Place names (list and ledger), a community name and a void reason: all typed by people.
    places = [s["good"], s["bad"], s["bad"].parent]
    for place, name in zip(places, EVIL[:3], strict=True):
        place.name = name
        place.save(update_fields=["name"])
    other = Place.objects.get(street=s["street"], code="O")
    other.name = EVIL[3]
    other.save(update_fields=["name"])
    voided = add_inspection(s["good"], COVERT, local(2026, 5, 9), 500, versions=s["versions"])
    voided.voided, voided.void_reason = True, "\t=1 \r=1 @SUM(A1)"
    voided.save(update_fields=["voided", "void_reason"])

    draft = publication_draft(street=s["street"], period_kind="month", period="2026-05", user=s["admin"])
    publication_review(publication=draft, key=f"place:{s['bad'].id}", photo_ids=[])
    pub = publication_publish(publication=draft, user=s["admin"])
    client.force_login(s["admin"])
    listing = client.get(f"/staff/rankings/{pub.pk}/export.xlsx").content
    ledger = client.get("/staff/ledger.xlsx", {"street": s["street"].pk, "period_kind": "month",
                                               "period": "2026-05"}).content

    # The ledger has no community column: the community's name is in the list only.
    for content, names in ((listing, EVIL[:4]), (ledger, [EVIL[0], EVIL[1], EVIL[3]])):
        _no_formula_in_any_sheet(content)
        cells = [c for c in _cells(content) if c.value is not None]
        assert all(c.data_type in ("s", "n", "d") for c in cells), {c.data_type for c in cells}
        texts = {c.value for c in cells if c.data_type == "s"}
        for name in names:
            assert name in texts, name
        # Numbers stay numbers: scores and ranks.
        assert any(c.data_type == "n" and c.value == 70 for c in cells)
    ledger_texts = {c.value for c in _cells(ledger) if c.data_type == "s"}
    assert _as_read_back("\t=1 \r=1 @SUM(A1)") in ledger_texts
    assert any(c.data_type == "d" for c in _cells(ledger))  # inspection times stay dates


def test_sheet_append_writes_every_str_as_text_and_keeps_numbers():
    workbook = Workbook()
    sheet = workbook.active
    sheet_append(sheet, [*EVIL, 3, Decimal("7.5"), None, ""])
    sheet_append(sheet, ["=A1", 1])
    buffer = io.BytesIO()
    workbook.save(buffer)
    _no_formula_in_any_sheet(buffer.getvalue())
    rows = list(load_workbook(buffer).active.iter_rows())
    assert [(c.value, c.data_type) for c in rows[0][:len(EVIL)]] == [(_as_read_back(v), "s") for v in EVIL]
    assert [(c.value, c.data_type) for c in rows[0][len(EVIL):len(EVIL) + 2]] == [(3, "n"), (7.5, "n")]
    assert [(c.value, c.data_type) for c in rows[1][:2]] == [("=A1", "s"), (1, "n")]


def test_characters_xml_cannot_carry_are_dropped_rather_than_failing_the_export():
    workbook = Workbook()
    sheet_append(workbook.active, ["a\x00b\x07c"])
    assert workbook.active["A1"].value == "abc" and workbook.active["A1"].data_type == "s"
