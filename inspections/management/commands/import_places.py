"""manage.py import_places FILE [--skip-bad] [--crs wgs84|gcj02] [--street CODE]

The file format is documented in inspections/services/places_import.py (and README.md).
Exit status: 0 when imported, 1 when any row is bad and nothing was imported (or the file is unreadable).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inspections.services.places_import import (
    CRS_CHOICES,
    ImportFileError,
    place_rows_read,
    places_import,
    report_lines,
    street_for_import,
)


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
            report = places_import(rows=rows, street=target, crs=crs, skip_bad=skip_bad, filename=file.name)
        except (ImportFileError, OSError) as exc:
            raise CommandError(str(exc)) from None
        for line in report_lines(report):
            self.stdout.write(line)
        if not report.imported:
            raise CommandError(_("导入失败：%(n)s 行有错误") % {"n": report.skipped})
