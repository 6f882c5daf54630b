"""Write a checklist version as a JSON document that `import_checklist` (here or elsewhere) reads."""

import json

from django.core.management.base import BaseCommand, CommandError

from checklists.models import ChecklistVersion
from checklists.selectors import version_export


class Command(BaseCommand):
    help = "Export a checklist version as JSON: by id, or by place kind + regime (its published version)."

    def add_arguments(self, parser):
        parser.add_argument("version_id", nargs="?", type=int, help="id of the version")
        parser.add_argument("--kind", help="place kind, e.g. bin_station")
        parser.add_argument("--regime", help="regime, e.g. monthly_covert")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args, version_id=None, kind=None, regime=None, output=None, **options):
        versions = ChecklistVersion.objects.select_related("checklist")
        if version_id is not None:
            version = versions.filter(pk=version_id).first()
        elif kind and regime:
            version = versions.filter(
                checklist__place_kind=kind, checklist__regime=regime, state=ChecklistVersion.State.PUBLISHED
            ).first()
        else:
            raise CommandError("Give a version id, or --kind and --regime.")
        if version is None:
            raise CommandError("No such checklist version.")
        text = json.dumps(version_export(version), ensure_ascii=False, indent=2) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stdout.write(f"Wrote {version} to {output}")
        else:
            self.stdout.write(text, ending="")
