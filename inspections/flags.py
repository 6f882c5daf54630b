"""What the server notes about an inspection for staff to look at (SYNC.md §6): each flag's code, as stored in
`Inspection.flags` and sent to phones, and its label in words. Flags never reject an inspection.

The one list of labels: staff pages, exports and the admin all name flags from here."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

FLAG_LABELS = {
    "no_fix": _("无定位"),
    "poor_accuracy": _("定位精度差"),
    "far_from_place": _("距场所过远"),
    "mock_location": _("模拟定位"),
    "clock_skew": _("设备时钟偏差"),
    "photo_refused": _("照片被拒收"),
    "out_of_scope": _("超出检查范围"),
}


def flag_label(code: str) -> str:
    """The flag in words; a code this server does not know (a newer phone's?) is shown as it is."""
    return str(FLAG_LABELS.get(code, code))


def flag_labels(codes: Iterable[str] | None) -> list[str]:
    return [flag_label(code) for code in codes or ()]
