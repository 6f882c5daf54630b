"""XLSX exports: any list (numbers exactly as published) and the period's inspection ledger (台账)."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from checklists.models import Regime
from checklists.periods import local_zone, period_bounds
from inspections.models import Answer, Inspection, Street
from inspections.xlsx import sheet_append

from .models import RankingPublication
from .present import list_title, period_label, present_lists


def _points(tenths: int | None) -> Decimal | None:
    # Decimal, not float: the cell holds exactly the published one-decimal figure.
    return None if tenths is None else Decimal(tenths) / 10


def _finish(workbook: Workbook) -> bytes:
    for sheet in workbook.worksheets:
        for index, column in enumerate(sheet.columns, start=1):
            width = max(len(str(cell.value or "")) for cell in column)
            sheet.column_dimensions[get_column_letter(index)].width = min(40, max(8, width * 1.6))
        sheet.freeze_panes = "A3" if sheet.max_row > 2 else None
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def list_workbook(publication: RankingPublication) -> bytes:
    """One sheet per category, the rows of the snapshot as stored (draft or published)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    state = publication.get_state_display()
    for category in present_lists(publication, photos={}):  # no photos in a sheet
        sheet = workbook.create_sheet(category["label"][:31])
        sheet_append(sheet, [f"{list_title(publication)}（{state}，第{publication.revision}版）"])
        sheet_append(sheet, [_("名次"), _("名称"), _("编码"), _("所属社区"), _("得分"), _("等级"),
                             _("一票否决"), _("部分"), _("较上期"), _("红榜"), _("黑榜"), _("主要问题")])
        red = {e["key"] for e in category["red"]}
        black = {e["key"] for e in category["black"]}
        for e in category["entries"]:
            sheet_append(sheet, [
                e["rank"], e["name"], e["code"], e["community"], _points(e["score_tenths"]), e["grade_label"],
                _("是") if e["vetoed"] else "", _("是") if e["partial"] else "",
                _points(e["trend"]) if e["trend"] is not None else _("新"),
                _("是") if e["key"] in red else "", _("是") if e["key"] in black else "",
                "；".join(r["label"] for r in e["reasons"]),
            ])
        for row in category["not_inspected"]:
            sheet_append(sheet, ["", row["name"], row["code"], row["community"], None, _("未检查")])
    return _finish(workbook)


def ledger_workbook(*, street: Street, period_kind: str, period: str) -> bytes:
    """Every complete inspection of the street in the period (voided ones kept and marked), with failed items."""
    start, end = period_bounds(period_kind, period)
    inspections = list(
        Inspection.objects.filter(place__street=street, status=Inspection.Status.COMPLETE,
                                  inspected_at__gte=start, inspected_at__lt=end)
        .select_related("place", "uploader__profile", "checklist_version__checklist")
        .order_by("inspected_at", "id")
    )
    failed: dict[int, list[str]] = {}
    for inspection_id, code in Answer.objects.filter(inspection__in=inspections, failed=True).values_list(
        "inspection_id", "item_code"
    ).order_by("item_code"):
        failed.setdefault(inspection_id, []).append(code)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("检查台账")
    sheet_append(sheet, [_("%(street)s 检查台账 %(period)s") % {"street": street.name,
                                                              "period": period_label(period_kind, period)}])
    sheet_append(sheet, [_("检查时间"), _("场所"), _("编码"), _("类型"), _("检查制度"), _("检查表"),
                         _("得分"), _("等级"), _("一票否决"), _("作废"), _("作废原因"), _("检查人"), _("标记"),
                         _("不合格项")])
    zone = local_zone()
    regimes = dict(Regime.choices)
    for i in inspections:
        profile = getattr(i.uploader, "profile", None)
        sheet_append(sheet, [
            i.inspected_at.astimezone(zone).replace(tzinfo=None), i.place.name, i.place.code,
            i.place.get_kind_display(), str(regimes.get(i.regime, i.regime)), str(i.checklist_version),
            _points(i.score_tenths), i.get_grade_display() if i.grade else "",
            _("是") if i.vetoed else "", _("是") if i.voided else "", i.void_reason,
            (profile.display_name if profile and profile.display_name else i.uploader.get_username()),
            "、".join(i.flag_labels), "、".join(failed.get(i.id, [])),
        ])
    return _finish(workbook)
