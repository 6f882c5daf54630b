"""manage.py import_places: validation, all-or-nothing, --skip-bad, idempotent re-import, CSV/XLSX, GCJ-02."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from geopy.distance import geodesic
from openpyxl import Workbook

from inspections.gcj02 import gcj02_from_wgs84
from inspections.models import Office, Place, PropertyCompany, Street

pytestmark = pytest.mark.django_db

HEADER = ["code", "name", "kind", "parent", "company", "office", "households", "address", "lat", "lng",
          "radius_m", "status"]


@pytest.fixture
def street():
    street = Street.objects.create(code="LF", name="联芳街道", district="沙坪坝区")
    Office.objects.create(street=street, code="JFB", name="经发办")
    Office.objects.create(street=street, code="DZB", name="党政办")
    return street


def roster() -> list[list[str]]:
    """200 rows: 5 communities, 25 compounds, 160 bin stations, 10 units — all valid."""
    rows = []
    for c in range(5):
        community = f"T-C{c}"
        rows.append([community, f"社区{c}", "community", "", "", "", "", "", "", "", "", ""])
        for k in range(5):
            compound = f"{community}-{k:02d}"
            rows.append([compound, f"小区{c}{k}", "compound", community, f"物业公司{k}", "", str(100 + k), "某路1号",
                         f"{29.55 + c / 1000:.6f}", f"{106.45 + k / 1000:.6f}", "", ""])
            for b in range(6):
                rows.append([f"{compound}-BS{b:02d}", f"投放点{b}", "bin_station", compound, "", "", "", "",
                             f"{29.55 + c / 1000 + b / 10000:.6f}", f"{106.45 + k / 1000:.6f}", "60", ""])
        for u in range(2):
            rows.append([f"{community}-U{u}", f"单位{c}{u}", "enterprise" if u else "公共机构", community, "",
                         "经发办" if u else "DZB", "", "", "", "", "", ""])
    # 5 × (1 + 5 × 7 + 2) = 190; top up to 200 with bin stations under the first compound.
    for b in range(6, 16):
        rows.append([f"T-C0-00-BS{b:02d}", f"投放点{b}", "bin_station", "T-C0-00", "", "", "", "",
                     "29.550000", "106.450000", "", ""])
    assert len(rows) == 200
    return rows


def write_csv(path: Path, rows: list[list[str]], *, bom: bool = False) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    path.write_bytes(("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8"))
    return path


def with_three_bad_rows(rows: list[list[str]]) -> tuple[list[list[str]], dict[int, str]]:
    """Breaks three leaf rows; returns the rows and {file line: expected reason fragment}."""
    rows = [list(r) for r in rows]
    bad = {}
    index = next(i for i, r in enumerate(rows) if r[0] == "T-C1-02-BS03")
    rows[index][2] = "垃圾房"
    bad[index + 2] = "未知的类型"
    index = next(i for i, r in enumerate(rows) if r[0] == "T-C3-04-BS05")
    rows[index][3] = "T-NOPE"
    bad[index + 2] = "上级编码不存在"
    index = next(i for i, r in enumerate(rows) if r[0] == "T-C4-U1")
    rows[index][8], rows[index][9] = "129.5", "106.4"
    bad[index + 2] = "纬度超出范围"
    return rows, bad


def run(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("import_places", str(path), *args, stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple]:
    return list(Place.objects.order_by("code").values_list(
        "code", "name", "kind", "parent__code", "company__name", "office__code", "households", "address",
        "lat", "lng", "radius_m", "status", "qr_token", "updated_at"))


def test_it_imports_a_clean_file(street, tmp_path):
    out = run(write_csv(tmp_path / "places.csv", roster()))

    assert Place.objects.count() == 200
    assert PropertyCompany.objects.count() == 5
    compound = Place.objects.get(code="T-C2-03")
    assert (compound.kind, compound.parent.code, compound.company.name, compound.households) == (
        "compound", "T-C2", "物业公司3", 103)
    assert compound.lat == Decimal("29.552000") and compound.street == street
    unit = Place.objects.get(code="T-C4-U0")
    assert (unit.kind, unit.office.code) == ("public_institution", "DZB")
    assert Place.objects.get(code="T-C0-00-BS01").radius_m == 60
    assert "新增 200" in out


def test_three_bad_rows_are_reported_and_nothing_is_imported(street, tmp_path):
    rows, bad = with_three_bad_rows(roster())
    path = write_csv(tmp_path / "places.csv", rows)
    out = io.StringIO()

    with pytest.raises(CommandError, match="3"):
        call_command("import_places", str(path), stdout=out)

    reported = [line for line in out.getvalue().splitlines() if line.startswith("第 ")]
    assert len(reported) == 3
    for line_number, reason in bad.items():
        assert any(line.startswith(f"第 {line_number} 行") and reason in line for line in reported), line_number
    assert Place.objects.count() == 0
    assert PropertyCompany.objects.count() == 0


def test_skip_bad_imports_the_197_good_rows_and_lists_the_rest(street, tmp_path):
    rows, bad = with_three_bad_rows(roster())
    out = run(write_csv(tmp_path / "places.csv", rows), "--skip-bad")

    assert Place.objects.count() == 197
    assert not Place.objects.filter(code__in=["T-C1-02-BS03", "T-C3-04-BS05", "T-C4-U1"]).exists()
    for line_number in bad:
        assert f"第 {line_number} 行" in out
    assert "新增 197" in out and "跳过错误行 3" in out


def test_reimporting_the_same_file_changes_nothing(street, tmp_path):
    path = write_csv(tmp_path / "places.csv", roster())
    run(path)
    before = snapshot()

    out = run(path)

    assert snapshot() == before  # updated_at included: not a single write
    assert PropertyCompany.objects.count() == 5
    assert "新增 0，更新 0，未变 200" in out


def test_reimport_updates_by_code(street, tmp_path):
    rows = roster()
    run(write_csv(tmp_path / "places.csv", rows))
    untouched = Place.objects.get(code="T-C0-01").updated_at
    rows[1][1], rows[1][6] = "新名字", "321"  # T-C0-00
    rows[0][11] = "retired"  # T-C0

    out = run(write_csv(tmp_path / "places2.csv", rows))

    assert "更新 2" in out and Place.objects.count() == 200
    compound = Place.objects.get(code="T-C0-00")
    assert (compound.name, compound.households) == ("新名字", 321)
    community = Place.objects.get(code="T-C0")
    assert community.status == "retired" and community.retired_at is not None
    assert Place.objects.get(code="T-C0-01").updated_at == untouched


def test_it_reads_csv_with_a_bom_and_chinese_headers(street, tmp_path):
    path = tmp_path / "places.csv"
    path.write_bytes("\ufeff编码,名称,类型,上级编码,户数\nX1,平顶山社区,社区,,\nX1-01,某小区,小区,X1,88\n".encode())

    run(path)

    assert Place.objects.get(code="X1-01").households == 88
    assert Place.objects.get(code="X1-01").parent.code == "X1"


def test_it_reads_xlsx(street, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["X1", "平顶山社区", "community", None, None, None, None, None, None, None, None, None])
    sheet.append(["X1-01", "某小区", "compound", "X1", "某物业", None, 120, None, 29.56, 106.45, 250, None])
    path = tmp_path / "places.xlsx"
    book.save(path)

    run(path)

    compound = Place.objects.get(code="X1-01")
    assert (compound.households, compound.radius_m, compound.company.name) == (120, 250, "某物业")
    assert (compound.lat, compound.lng) == (Decimal("29.560000"), Decimal("106.450000"))


def test_gcj02_coordinates_are_stored_as_wgs84(street, tmp_path):
    true_point = (29.563, 106.456)
    shown = gcj02_from_wgs84(*true_point)
    path = tmp_path / "places.csv"
    path.write_text(f"code,name,kind,lat,lng\nX1,平顶山社区,community,{shown[0]:.7f},{shown[1]:.7f}\n")

    run(path, "--crs", "gcj02")

    place = Place.objects.get(code="X1")
    assert geodesic(true_point, (float(place.lat), float(place.lng))).meters < 1.0


@pytest.mark.parametrize(("row", "reason"), [
    ("X2,小区,compound,X9,,,,,,,,", "上级编码不存在"),
    ("X2,小区,bin_station,X1,,,,,,,,", "上级类型不符合层级"),
    ("X2,单位,enterprise,X1,,,,,,,,", "单位必须填写责任科室"),
    ("X2,单位,enterprise,X1,,不存在办,,,,,,", "责任科室不存在"),
    ("X2,小区,compound,X1,,,-3,,,,,", "户数"),
    ("X2,小区,compound,X1,,,,,29.5,,,", "同时填写"),
    ("X2,小区,compound,X1,,,,,29.5,abc,,", "不是数字"),
    ("X2,小区,compound,X1,,,,,,,0,", "核查半径"),
    ("X2,小区,compound,X1,,,,,,,,gone", "未知的状态"),
    ("X 2,小区,compound,X1,,,,,,,,", "编码只能"),
    ("X1,重复,community,,,,,,,,,", "重复"),
    ("X2,社区,community,X1,,,,,,,,", "社区不能有上级"),
    ("X2,投放点,bin_station,X3,,,,,,,,", "上级编码不存在"),  # the parent comes later in the file
])
def test_each_kind_of_bad_row_is_explained(street, tmp_path, row, reason):
    path = tmp_path / "places.csv"
    path.write_text(",".join(HEADER) + "\nX1,社区,community,,,,,,,,,\n" + row + "\nX3,小区,compound,X1,,,,,,,,\n")
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_places", str(path), stdout=out)

    assert "第 3 行" in out.getvalue() and reason in out.getvalue()
    assert Place.objects.count() == 0


def test_a_child_of_a_bad_row_is_bad_too(street, tmp_path):
    path = tmp_path / "places.csv"
    path.write_text("code,name,kind,parent\nX1,社区,妖怪,\nX1-01,小区,compound,X1\n")

    out = run(path, "--skip-bad")

    assert "第 2 行" in out and "第 3 行" in out and "所在行有错误" in out
    assert Place.objects.count() == 0


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"code,name\nX1,a\n", "p.csv", "缺少必需的列"),
    (b"whatever", "p.txt", "只支持 CSV 或 XLSX"),
    (b"not a zip", "p.xlsx", "XLSX 文件无法读取"),
    (b"", "p.csv", "文件是空的"),
])
def test_unreadable_files_fail_clearly(street, tmp_path, content, name, message):
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(CommandError, match=message):
        run(path)
    assert Place.objects.count() == 0


def test_several_streets_need_street_code(street, tmp_path):
    Street.objects.create(code="XY", name="另一个街道")
    path = tmp_path / "p.csv"
    path.write_text("code,name,kind\nX1,社区,community\n")

    with pytest.raises(CommandError, match="--street"):
        run(path)
    run(path, "--street", "XY")

    assert Place.objects.get(code="X1").street.code == "XY"


def test_an_empty_status_keeps_a_retirement_made_in_the_admin(street, tmp_path):
    path = write_csv(tmp_path / "places.csv", roster())
    run(path)
    Place.objects.get(code="T-C0-00-BS01").retire()
    retired = Place.objects.get(code="T-C0-00-BS01")

    out = run(path)

    assert "未变 200" in out
    assert Place.objects.get(code="T-C0-00-BS01").retired_at == retired.retired_at

    rows = roster()
    index = next(i for i, r in enumerate(rows) if r[0] == "T-C0-00-BS01")
    rows[index][11] = "在用"
    run(write_csv(tmp_path / "again.csv", rows))
    restored = Place.objects.get(code="T-C0-00-BS01")
    assert (restored.status, restored.retired_at) == ("active", None)


def test_it_reads_a_gb18030_csv_saved_by_excel(street, tmp_path):
    path = tmp_path / "places.csv"
    path.write_bytes("编码,名称,类型\r\nX1,平顶山社区,社区\r\n".encode("gb18030"))

    run(path)

    assert Place.objects.get(code="X1").name == "平顶山社区"


def test_an_unknown_street_code_fails_clearly(street, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("code,name,kind\nX1,社区,community\n")

    with pytest.raises(CommandError, match="街道编码不存在"):
        run(path, "--street", "NOPE")
    assert not Place.objects.exists()
