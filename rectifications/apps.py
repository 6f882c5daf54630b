from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationsConfig(AppConfig):
    """Rectification cases (整改): opened from failed items, answered, re-checked, closed (SCORING.md §5).
    Built on inspections and checklists; rankings reads it, never the other way round."""

    name = "rectifications"
    verbose_name = _("整改")

    def ready(self) -> None:
        from inspections.selectors.inspections import PACK_SECTIONS
        from inspections.signals import inspection_changed

        from .pack import pack_cases
        from .services import on_inspection_changed

        # An inspection that starts counting opens its cases (or attaches as a recurrence); a void is noted on
        # them. Inside the writing transaction, like the stored scores (rankings/apps.py).
        inspection_changed.connect(on_inspection_changed, dispatch_uid="rectifications-open-cases")
        # The phone's pack carries the cases to answer (responsible parties) or to re-check (inspectors).
        PACK_SECTIONS["rectifications"] = pack_cases
