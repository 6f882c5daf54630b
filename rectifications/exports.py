"""The case ledger as XLSX, in the columns of the ledger page (Pinggu's 整改台账). Every text cell is written
as text through inspections.xlsx.sheet_append: a place or company named "=…" never becomes a formula."""

from __future__ import annotations

import datetime as dt
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from inspections.xlsx import sheet_append

from .ledger import ledger_rows, local_day
from .models import RectificationCase


def ledger_columns() -> list[str]:
    return [_("编号"), _("点位"), _("所属社区"), _("问题"), _("照片数"), _("责任单位"), _("检查员"), _("立案日期"),
            _("期限"), _("状态"), _("逾期"), _("整改天数")]


def ledger_workbook(cases: list[RectificationCase], *, now: dt.datetime) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("整改台账")
    sheet_append(sheet, [_("整改台账（导出于 %(day)s）") % {"day": local_day(now).isoformat()}])
    sheet_append(sheet, ledger_columns())
    for row in ledger_rows(cases, now):
        case = row.case
        sheet_append(sheet, [
            case.number, case.place.name, case.community.name if case.community else "",
            f"{case.item_code} {case.item_label}".strip(), row.photos, row.party, row.inspector,
            local_day(case.opened_at), case.deadline, case.get_state_display(), _("是") if row.overdue else "",
            row.days,
        ])
    for index, column in enumerate(sheet.iter_cols(min_row=2), start=1):
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[get_column_letter(index)].width = min(40, max(8, width * 1.6))
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
