"""manage.py seed_demo [--if-empty] [--force]: the demo street 联芳街道 with one login per role.

Deterministic and idempotent: a second run leaves the database identical. It refuses to run on a
database that holds anything but demo data, unless --force (which adds/updates the demo rows and
leaves everything else alone). --if-empty does nothing when any place exists (what `make run` uses).
Either way it prints the logins: passwords are made once per install and kept in settings.DEMO_LOGINS_FILE.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inspections.demo.street import demo_data_conflicts, demo_logins, demo_street_seed
from inspections.models import Place
from rankings.demo import demo_history_seed


class Command(BaseCommand):
    help = "Seed the demo street 联芳街道 (communities, compounds, bin stations, units, one user per role)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="do nothing when any place exists")
        parser.add_argument("--force", action="store_true", help="seed even if the database holds non-demo data")

    def handle(self, *args, if_empty: bool, force: bool, **options) -> None:
        if if_empty and Place.objects.exists():
            self.stdout.write(_("已有场所数据，跳过演示数据。"))
        else:
            conflicts = demo_data_conflicts()
            if conflicts and not force:
                message = _("数据库中已有非演示数据，拒绝写入（确需写入请加 --force）：%(found)s")
                raise CommandError(message % {"found": "; ".join(conflicts)})
            demo = demo_street_seed()
            # Only here, after the conflict check: history must never be written into a real street.
            demo_history_seed()  # months of inspections and the published lists they make (once; issue 6)
            self.stdout.write(_("演示街道已就绪：%(n)s 个场所。") % {"n": len(demo.places)})
        self.print_logins()

    def print_logins(self) -> None:
        logins = demo_logins()
        if logins:
            self.stdout.write(_("演示账号（用户名 / 密码 / 角色）："))
            for username, password, role in logins:
                self.stdout.write(f"  {username:<10} {password:<16} {role}")
            self.stdout.write(_("（本机生成的密码，保存在 %(path)s）") % {"path": settings.DEMO_LOGINS_FILE})
