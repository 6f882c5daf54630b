"""manage.py create_street CODE NAME [--district D]

The first street of a new install (and any later one): places, offices and users all belong to a street, and
import_places needs one to exist. Safe to run again from an install script: a street that already has this
code and this name (and district, when given) is left alone. A different street under the same code stops
with an error instead of renaming it, because every place and inspection of that street would follow.
"""

from __future__ import annotations

import re

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from inspections.models import Street

# The same alphabet as place codes: codes end up in file names, URLs and spreadsheets.
CODE_RE = re.compile(r"^[A-Za-z0-9_-]+$")


class Command(BaseCommand):
    help = "创建街道 / Create a street: CODE NAME [--district D]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="street code, e.g. LF (letters, digits, - and _)")
        parser.add_argument("name", help="street name, e.g. 联芳街道")
        parser.add_argument("--district", default=None, help="district, e.g. 沙坪坝区")

    def handle(self, *args, code: str, name: str, district: str | None, **options) -> None:
        code, name = code.strip(), name.strip()
        district = district.strip() if district is not None else None
        max_code = Street._meta.get_field("code").max_length
        if not CODE_RE.match(code) or len(code) > max_code:
            raise CommandError(
                _("街道编码只能包含字母、数字、“-”和“_”，最长 %(n)s 个字符：%(code)s") % {"n": max_code, "code": code}
            )
        if not name:
            raise CommandError(_("请填写街道名称"))
        street, created = Street.objects.get_or_create(code=code, defaults={"name": name, "district": district or ""})
        if created:
            self.stdout.write(self.style.SUCCESS(_("已创建街道 %(code)s %(name)s") % {"code": code, "name": name}))
            return
        if street.name != name or (district is not None and street.district != district):
            raise CommandError(
                _("街道编码 %(code)s 已被“%(existing)s”（%(district)s）使用，与“%(name)s”不符；"
                  "请换一个编码，或在管理后台修改该街道。")
                % {"code": code, "existing": street.name, "district": street.district or "-", "name": name}
            )
        self.stdout.write(_("街道 %(code)s %(name)s 已存在，未做修改") % {"code": code, "name": name})
