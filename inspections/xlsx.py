"""Writing spreadsheet rows safely: every text cell stays text (issue 9, point 6).

A name such as `=HYPERLINK("http://…","点这里")` typed into a place, a void reason or a company must never
become a formula in the street office's Excel. openpyxl turns any str that starts with "=" into a formula,
so every export writes its rows through `sheet_append`, which marks each str cell as an inline string
(`t="inlineStr"`, no `<f>` element). Numbers, decimals and dates keep their types.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.functional import Promise
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet


def text_cell_value(value: str) -> str:
    """The text as the sheet will hold it: control characters that XML cannot carry are dropped, and line
    ends are written as LF (an XML reader turns a bare CR into LF anyway: this makes it explicit)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def sheet_append(sheet: Worksheet, values: Iterable[Any]) -> None:
    """Append one row; str values (and lazy translations) are written as text, never as formulas."""
    row = [text_cell_value(str(v)) if isinstance(v, str | Promise) else v for v in values]
    sheet.append(row)
    number = sheet.max_row
    for column, value in enumerate(row, start=1):
        if isinstance(value, str):
            sheet.cell(row=number, column=column).data_type = "s"

