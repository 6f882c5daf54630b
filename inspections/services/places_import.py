"""Import places from a CSV or XLSX file (the `import_places` command and the admin share this).

File format — one header row, then one place per row. Column names in English or Chinese:

| column      | 中文      | meaning                                                                        |
|-------------|-----------|--------------------------------------------------------------------------------|
| code        | 编码      | required; unique, letters/digits/`-`/`_`; re-import updates the place by code |
| name        | 名称      | required                                                                       |
| kind        | 类型      | community, compound, bin_station, public_institution, enterprise, public_place |
|             |           | (or 社区, 小区, 投放点, 公共机构, 相关企业, 公共场所)                          |
| parent      | 上级编码  | code of the parent: empty for a community; a community for compounds and       |
|             |           | units; a compound or unit for bin stations. In the database or earlier in file |
| company     | 物业服务企业 | compounds only: code or name of the property company; an unknown name        |
|             |           | creates the company (codes PC-0001, …), so a clerk can paste a whole roster   |
| office      | 责任科室  | units only, required for them: code or name of an existing office (科室)        |
| households  | 户数      | whole number ≥ 0                                                               |
| address     | 地址      | free text                                                                      |
| lat, lng    | 纬度, 经度 | both or neither; decimal degrees; WGS-84, or GCJ-02 with crs="gcj02"          |
| radius_m    | 核查半径  | whole metres, 1–5000; empty = the default for the kind                         |
| status      | 状态      | active / retired (在用 / 已撤销); empty = active for a new place, and an       |
|             |           | existing place keeps its status (re-importing an old roster never undoes a    |
|             |           | retirement made in the admin)                                                  |

CSV: UTF-8 with or without BOM; GB18030 (what Excel saves on a Chinese Windows) is accepted too.
Every row is validated before anything is written. If any row is bad nothing is imported, unless
`skip_bad` is set, in which case the good rows are imported and the bad ones listed. A row whose
parent is a bad row is bad too. An unchanged row is not written at all (its `updated_at` stays).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import PurePath
from typing import IO, Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from checklists.models import UNIT_KINDS, PlaceKind
from inspections.gcj02 import wgs84_from_gcj02
from inspections.models import AuditAction, Office, Place, PropertyCompany, Street
from inspections.services.audit import audit_record

COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("code", "编码"),
    "name": ("name", "名称"),
    "kind": ("kind", "类型"),
    "parent": ("parent", "parent code", "parent_code", "上级编码", "上级"),
    "company": ("company", "物业服务企业", "物业"),
    "office": ("office", "责任科室", "科室"),
    "households": ("households", "户数"),
    "address": ("address", "地址"),
    "lat": ("lat", "latitude", "纬度"),
    "lng": ("lng", "lon", "longitude", "经度"),
    "radius_m": ("radius_m", "radius", "核查半径", "核查半径(米)"),
    "status": ("status", "状态"),
}
REQUIRED_COLUMNS = ("code", "name", "kind")
CRS_CHOICES = ("wgs84", "gcj02")

_KIND_ALIASES = {**{k.value: k.value for k in PlaceKind}, **{str(k.label): k.value for k in PlaceKind}}
_STATUS_ALIASES = {"": "", "active": "active", "在用": "active", "retired": "retired", "已撤销": "retired"}
_ALLOWED_PARENTS: dict[str, tuple[str, ...]] = {
    PlaceKind.COMMUNITY: (),
    PlaceKind.COMPOUND: (PlaceKind.COMMUNITY,),
    PlaceKind.BIN_STATION: (PlaceKind.COMPOUND, *UNIT_KINDS),
    **{kind: (PlaceKind.COMMUNITY,) for kind in UNIT_KINDS},
}
_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_SIX_PLACES = Decimal("0.000001")
_FIELDS = ("name", "parent_id", "company_id", "office_id", "households", "address", "lat", "lng", "radius_m")


class ImportFileError(ValueError):
    """The file as a whole cannot be read (format, encoding, missing columns)."""


@dataclass(frozen=True)
class RowError:
    line: int
    code: str
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    companies_created: int = 0
    errors: list[RowError] = field(default_factory=list)
    imported: bool = False

    @property
    def skipped(self) -> int:
        return len(self.errors)


@dataclass
class _Row:
    line: int
    code: str
    name: str
    kind: str
    parent_code: str
    company: str
    office: Office | None
    households: int | None
    address: str
    lat: Decimal | None
    lng: Decimal | None
    radius_m: int | None
    status: str  # "" keeps an existing place's status


# Reading ----------------------------------------------------------------------------------------


def place_rows_read(*, file: IO[bytes], filename: str) -> list[tuple[int, dict[str, str]]]:
    """(line number, {column: text}) for every non-empty data row; the header is line 1."""
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".csv":
        table = _csv_table(file.read())
    elif suffix in (".xlsx", ".xlsm"):
        table = _xlsx_table(file)
    else:
        raise ImportFileError(_("只支持 CSV 或 XLSX 文件：%(name)s") % {"name": filename})
    if not table:
        raise ImportFileError(_("文件是空的"))
    header, *body = table
    columns = _map_header(header)
    rows = []
    for offset, cells in enumerate(body, start=2):
        if not any(str(c).strip() for c in cells):
            continue
        rows.append((offset, {name: _cell(cells, index) for name, index in columns.items()}))
    return rows


def _csv_table(raw: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("CSV 文件编码无法识别（请用 UTF-8 保存）"))
    return [row for row in csv.reader(io.StringIO(text, newline=""))]


def _xlsx_table(file: IO[bytes]) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/etc. for a broken file
        raise ImportFileError(_("XLSX 文件无法读取：%(error)s") % {"error": exc}) from None
    try:
        sheet = book.worksheets[0]
        return [[_xlsx_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _map_header(header: list[str]) -> dict[str, int]:
    aliases = {alias.lower(): name for name, names in COLUMNS.items() for alias in names}
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        name = aliases.get(str(title).strip().lower())
        if name and name not in columns:
            columns[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise ImportFileError(_("缺少必需的列：%(columns)s") % {"columns": ", ".join(missing)})
    return columns


def _cell(cells: list[str], index: int) -> str:
    return str(cells[index]).strip() if index < len(cells) and cells[index] is not None else ""


# Validating -------------------------------------------------------------------------------------


class _Bad(Exception):
    pass


def _whole(text: str, label: str, low: int, high: int) -> int | None:
    if text == "":
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise _Bad(_("%(label)s不是数字：%(value)s") % {"label": label, "value": text}) from None
    if value != value.to_integral_value() or not (low <= value <= high):
        raise _Bad(_("%(label)s应为 %(low)s–%(high)s 的整数：%(value)s") % {
            "label": label, "low": low, "high": high, "value": text})
    return int(value)


def _coordinates(lat_text: str, lng_text: str, crs: str) -> tuple[Decimal | None, Decimal | None]:
    if lat_text == "" and lng_text == "":
        return None, None
    if lat_text == "" or lng_text == "":
        raise _Bad(_("纬度和经度必须同时填写"))
    try:
        lat, lng = Decimal(lat_text), Decimal(lng_text)
    except InvalidOperation:
        raise _Bad(_("坐标不是数字：%(lat)s, %(lng)s") % {"lat": lat_text, "lng": lng_text}) from None
    if not lat.is_finite() or not -90 <= lat <= 90:
        raise _Bad(_("纬度超出范围（-90–90）：%(value)s") % {"value": lat_text})
    if not lng.is_finite() or not -180 <= lng <= 180:
        raise _Bad(_("经度超出范围（-180–180）：%(value)s") % {"value": lng_text})
    if crs == "gcj02":
        converted = wgs84_from_gcj02(float(lat), float(lng))
        lat, lng = Decimal(repr(converted[0])), Decimal(repr(converted[1]))
    return lat.quantize(_SIX_PLACES, ROUND_HALF_UP), lng.quantize(_SIX_PLACES, ROUND_HALF_UP)


class _Validator:
    """Checks rows in file order, remembering the good ones so later rows may name them as parent."""

    def __init__(self, *, street: Street, crs: str, codes: set[str]):
        self.street = street
        self.crs = crs
        self.existing = {p.code: p for p in Place.objects.filter(code__in=codes)}
        self.offices = list(Office.objects.filter(street=street))
        self.good: dict[str, _Row] = {}
        self.seen: set[str] = set()

    def check(self, line: int, cells: dict[str, str]) -> _Row:
        code = cells.get("code", "")
        if not code:
            raise _Bad(_("缺少编码"))
        if not _CODE_RE.match(code):
            raise _Bad(_("编码只能含字母、数字、- 和 _，最长 40 位：%(code)s") % {"code": code})
        if code in self.seen:
            raise _Bad(_("编码在文件中重复：%(code)s") % {"code": code})
        self.seen.add(code)
        name = cells.get("name", "")
        if not name or len(name) > 200:
            raise _Bad(_("名称为空或超过 200 字"))
        kind = _KIND_ALIASES.get(cells.get("kind", "").lower(), _KIND_ALIASES.get(cells.get("kind", "")))
        if kind is None:
            raise _Bad(_("未知的类型：%(kind)s") % {"kind": cells.get("kind", "")})
        existing = self.existing.get(code)
        if existing is not None and existing.street_id != self.street.pk:
            raise _Bad(_("编码 %(code)s 已属于另一个街道") % {"code": code})
        if existing is not None and existing.kind != kind:
            raise _Bad(_("不能更改已有场所的类型（%(old)s → %(new)s）") % {"old": existing.kind, "new": kind})
        status = _STATUS_ALIASES.get(cells.get("status", "").lower())
        if status is None:
            raise _Bad(_("未知的状态：%(status)s") % {"status": cells.get("status", "")})
        parent_code = cells.get("parent", "")
        self._check_parent(kind, parent_code)
        company = cells.get("company", "")
        if company and kind != PlaceKind.COMPOUND:
            raise _Bad(_("只有小区可以填写物业服务企业"))
        office = self._office(kind, cells.get("office", ""))
        address = cells.get("address", "")
        if len(address) > 300:
            raise _Bad(_("地址超过 300 字"))
        lat, lng = _coordinates(cells.get("lat", ""), cells.get("lng", ""), self.crs)
        row = _Row(
            line=line, code=code, name=name, kind=kind, parent_code=parent_code, company=company, office=office,
            households=_whole(cells.get("households", ""), _("户数"), 0, 1_000_000),
            address=address, lat=lat, lng=lng,
            radius_m=_whole(cells.get("radius_m", ""), _("核查半径"), 1, 5000),
            status=status,
        )
        self.good[code] = row
        return row

    def _check_parent(self, kind: str, parent_code: str) -> None:
        allowed = _ALLOWED_PARENTS[kind]
        if not allowed:
            if parent_code:
                raise _Bad(_("社区不能有上级"))
            return
        if not parent_code:
            raise _Bad(_("缺少上级编码"))
        if parent_code in self.good:
            parent_kind = self.good[parent_code].kind
        elif parent_code in self.seen:
            raise _Bad(_("上级 %(code)s 所在行有错误") % {"code": parent_code})
        elif parent_code in self.existing:
            parent = self.existing[parent_code]
            if parent.street_id != self.street.pk:
                raise _Bad(_("上级 %(code)s 属于另一个街道") % {"code": parent_code})
            parent_kind = parent.kind
        else:
            raise _Bad(_("上级编码不存在（须已在系统中或在文件中更早出现）：%(code)s") % {"code": parent_code})
        if parent_kind not in allowed:
            raise _Bad(_("上级类型不符合层级：%(kind)s 不能在 %(parent)s 下") % {
                "kind": PlaceKind(kind).label, "parent": PlaceKind(parent_kind).label})

    def _office(self, kind: str, text: str) -> Office | None:
        if kind not in UNIT_KINDS:
            if text:
                raise _Bad(_("只有单位可以填写责任科室"))
            return None
        if not text:
            raise _Bad(_("单位必须填写责任科室"))
        for office in self.offices:
            if text in (office.code, office.name):
                return office
        raise _Bad(_("责任科室不存在：%(office)s") % {"office": text})


# Writing ----------------------------------------------------------------------------------------


def places_import(
    *, rows: list[tuple[int, dict[str, str]]], street: Street, crs: str = "wgs84", skip_bad: bool = False,
    by: AbstractBaseUser | None = None, filename: str = "",
) -> ImportReport:
    """Validate every row, then write the good ones in one transaction (or none if any is bad)."""
    if crs not in CRS_CHOICES:
        raise ImportFileError(_("未知的坐标系：%(crs)s") % {"crs": crs})
    codes = {cells.get("code", "") for _line, cells in rows} | {cells.get("parent", "") for _line, cells in rows}
    validator = _Validator(street=street, crs=crs, codes=codes - {""})
    report = ImportReport(rows=len(rows))
    good: list[_Row] = []
    for line, cells in rows:
        try:
            good.append(validator.check(line, cells))
        except _Bad as bad:
            report.errors.append(RowError(line=line, code=cells.get("code", ""), reason=str(bad)))
    if report.errors and not skip_bad:
        return report
    with transaction.atomic():
        placed = dict(validator.existing)
        companies = _Companies()
        for row in good:
            placed[row.code] = _write(row, street=street, placed=placed, companies=companies, report=report)
        report.companies_created = companies.created
        audit_record(actor=by, action=AuditAction.IMPORT, street=street, details={
            "what": "places", "file": filename, "rows": report.rows, "created": report.created,
            "updated": report.updated, "unchanged": report.unchanged, "skipped": report.skipped,
        })
    report.imported = True
    return report


class _Companies:
    def __init__(self) -> None:
        self.created = 0

    def resolve(self, text: str) -> PropertyCompany | None:
        if not text:
            return None
        found = PropertyCompany.objects.filter(Q(code=text) | Q(name=text)).order_by("pk").first()
        if found:
            return found
        taken = set(PropertyCompany.objects.filter(code__startswith="PC-").values_list("code", flat=True))
        number = len(taken) + 1
        while f"PC-{number:04d}" in taken:
            number += 1
        self.created += 1
        return PropertyCompany.objects.create(code=f"PC-{number:04d}", name=text[:200])


def _write(row: _Row, *, street: Street, placed: dict[str, Place], companies: _Companies,
           report: ImportReport) -> Place:
    parent = placed[row.parent_code] if row.parent_code else None
    company = companies.resolve(row.company)
    wanted = {
        "name": row.name, "parent_id": parent.pk if parent else None, "company_id": company.pk if company else None,
        "office_id": row.office.pk if row.office else None, "households": row.households, "address": row.address,
        "lat": row.lat, "lng": row.lng, "radius_m": row.radius_m,
    }
    place = placed.get(row.code)
    if place is None:
        place = Place(street=street, kind=row.kind, code=row.code, **wanted)
        if row.status == Place.Status.RETIRED:
            place.status, place.retired_at = Place.Status.RETIRED, timezone.now()
        place.clean()
        place.save()
        report.created += 1
        return place
    changed = [name for name in _FIELDS if getattr(place, name) != wanted[name]]
    for name in changed:
        setattr(place, name, wanted[name])
    if row.status and place.status != row.status:
        place.status = row.status
        place.retired_at = timezone.now() if row.status == Place.Status.RETIRED else None
        changed += ["status", "retired_at"]
    if not changed:
        report.unchanged += 1
        return place
    place.clean()
    place.save(update_fields=[*changed, "updated_at"])
    report.updated += 1
    return place


# Shared by the command and the admin page ---------------------------------------------------------


def street_for_import(code: str | None) -> Street:
    """The named street, or the only one; a clear error otherwise."""
    if code:
        street = Street.objects.filter(code=code).first()
        if street is None:
            raise ImportFileError(_("街道编码不存在：%(code)s") % {"code": code})
        return street
    streets = list(Street.objects.all()[:2])
    if not streets:
        # A fresh install: places belong to a street, and nothing else creates the first one.
        raise ImportFileError(
            _("系统中还没有街道，请先创建街道：manage.py create_street 编码 名称（如 create_street LF 联芳街道），"
              "或在管理后台“街道”中添加，再导入场所。")
        )
    if len(streets) != 1:
        raise ImportFileError(_("系统中有 %(n)s 个街道：请指定街道编码（--street）") % {"n": Street.objects.count()})
    return streets[0]


def report_lines(report: ImportReport) -> list[str]:
    lines = [
        _("第 %(line)s 行（%(code)s）：%(reason)s") % {"line": e.line, "code": e.code or "-", "reason": e.reason}
        for e in report.errors
    ]
    if report.imported:
        lines.append(
            _("共 %(rows)s 行：新增 %(created)s，更新 %(updated)s，未变 %(unchanged)s，跳过错误行 %(skipped)s；"
              "新建物业服务企业 %(companies)s")
            % {"rows": report.rows, "created": report.created, "updated": report.updated,
               "unchanged": report.unchanged, "skipped": report.skipped, "companies": report.companies_created}
        )
    else:
        lines.append(_("%(n)s 行有错误，未导入任何数据（可用 --skip-bad 只导入正确的行）") % {"n": report.skipped})
    return lines
