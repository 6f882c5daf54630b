"""Recompute every stored period score from the counted inspections (after a fix, an import, a restore)."""

from django.core.management.base import BaseCommand

from rankings.scores import scores_rebuild


class Command(BaseCommand):
    help = "重新计算所有场所的周期得分 / Recompute all place period scores from counted inspections"

    def handle(self, *args, **options) -> None:
        rows = scores_rebuild()
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"{rows} place period scores rebuilt"))
