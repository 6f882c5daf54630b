from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RankingsConfig(AppConfig):
    """Scores, ranking lists and their publication (SCORING.md §4–5), built on the inspections app; it
    depends on inspections and checklists, never the other way round."""

    name = "rankings"
    verbose_name = _("排名")

    def ready(self) -> None:
        from inspections.signals import inspection_changed

        from .scores import on_inspection_changed

        # The sync API and the admin's void/restore say that an inspection started or stopped counting; the
        # stored sums follow inside the same transaction.
        inspection_changed.connect(on_inspection_changed, dispatch_uid="rankings-place-score-refresh")
