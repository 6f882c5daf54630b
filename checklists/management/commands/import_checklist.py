"""Read a checklist document written by `export_checklist` and store it as a new version."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from checklists.documents import DocumentInvalid, load_json
from checklists.services import version_import


class Command(BaseCommand):
    help = "Import a checklist JSON document as a new draft version (or published, with --publish)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the JSON file")
        parser.add_argument("--publish", action="store_true", help="publish the new version at once")

    def handle(self, *args, path, publish=False, **options):
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        try:
            version = version_import(data=load_json(raw), publish=publish)
        except DocumentInvalid as exc:
            lines = "\n".join(f"  - {problem}" for problem in exc.problems)
            raise CommandError(f"{path} is not a valid checklist; nothing was stored:\n{lines}") from None
        self.stdout.write(f"Imported {version} ({version.get_state_display()}, {version.items.count()} items)")
