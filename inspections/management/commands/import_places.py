"""manage.py import_places FILE [--skip-bad] [--crs wgs84|gcj02] [--street CODE]

The file format is documented in inspections/services/places_import.py (and README.md).
Exit status: 0 when imported, 1 when any row is bad and nothing was imported (or the file is unreadable).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inspections.models import Street
from inspections.services.places_import import (
    CRS_CHOICES,
    ImportFileError,
    ImportReport,
    place_rows_read,
    places_import,
)


def street_for_import(code: str | None) -> Street:
    """The named street, or the only one; a clear error otherwise."""
    if code:
        street = Street.objects.filter(code=code).first()
        if street is None:
            raise ImportFileError(_("街道编码不存在：%(code)s") % {"code": code})
        return street
    streets = list(Street.objects.all()[:2])
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


class Command(BaseCommand):
    help = "Import places (communities, compounds, bin stations, units) from a CSV or XLSX file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--skip-bad", action="store_true", help="import the good rows, list the bad ones")
        parser.add_argument("--crs", choices=CRS_CHOICES, default="wgs84",
                            help="coordinates in the file: wgs84 (GPS) or gcj02 (Amap/Tencent map pickers)")
        parser.add_argument("--street", help="street code (needed when the database holds several streets)")

    def handle(self, *args, file: Path, skip_bad: bool, crs: str, street: str | None, **options) -> None:
        try:
            target = street_for_import(street)
            with file.open("rb") as handle:
                rows = place_rows_read(file=handle, filename=file.name)
            report = places_import(rows=rows, street=target, crs=crs, skip_bad=skip_bad)
        except (ImportFileError, OSError) as exc:
            raise CommandError(str(exc)) from None
        for line in report_lines(report):
            self.stdout.write(line)
        if not report.imported:
            raise CommandError(_("导入失败：%(n)s 行有错误") % {"n": report.skipped})
