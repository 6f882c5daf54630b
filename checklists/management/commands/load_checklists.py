"""Publish the default checklists of CHECKLISTS.md that this database does not have yet."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from checklists.defaults import install_default_checklists
from checklists.models import Checklist, ChecklistVersion, Item


class Command(BaseCommand):
    help = "Create any missing default checklist (published version 1); change nothing else."

    def handle(self, *args, **options):
        with transaction.atomic():
            created = install_default_checklists(Checklist, ChecklistVersion, Item, now=timezone.now())
        if created:
            self.stdout.write(f"Published {len(created)} default checklists: {', '.join(created)}")
        else:
            self.stdout.write("Default checklists already present; nothing changed.")
