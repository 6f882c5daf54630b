from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("巡查")

    def ready(self) -> None:
        from .services import scores  # noqa: F401  (connects the score receiver to inspection_changed)
